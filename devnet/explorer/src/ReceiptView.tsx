/**
 * A transaction's receipt for people: status, gas used against the limit, the return value decoded through the
 * called method's interface, events (topic as text, data decoded), the contract's debug logs, and the error code
 * and message (a revert's message) when it failed. Shown on the transaction page and under a method form.
 * @module
 */
import { type ContractInterface, type Receipt, toHexString } from '../../client/browser.js';
import { bytesLabel, formatValue, gasShare } from './format.js';
import { decodePlain, decodeReturn } from './interfaces.js';
import { Address, BlockLink, Hex, ListTable, Num, Rows, Status } from './ui.js';

export function DecodedBytes({ data, decoded }: { data: Uint8Array; decoded: ReturnType<typeof decodePlain> }) {
  if (data.length === 0) return <span class="muted">(empty)</span>;
  return decoded.ok ? <code class="decoded">{formatValue(decoded.value)}</code> : <Hex value={toHexString(data)} />;
}

/** An event's topic (as text) and data (decoded when it can be) as two table cells. */
export function EventTopicAndData({ topic, data }: { topic: Uint8Array; data: Uint8Array }) {
  return (
    <>
      <td>
        <strong>{bytesLabel(topic)}</strong>
      </td>
      <td>
        <DecodedBytes data={data} decoded={decodePlain(data)} />
      </td>
    </>
  );
}

export function EventList({ events }: { events: Receipt['events'] }) {
  if (events.length === 0) return <p class="muted">No events.</p>;
  return (
    <ListTable headers={['#', 'Contract', 'Topic', 'Data']} testId="events">
      {events.map((event, i) => (
        <tr key={i} class="event">
          <td>{i}</td>
          <td>
            <Address value={event.contract} />
          </td>
          <EventTopicAndData topic={event.topic} data={event.data} />
        </tr>
      ))}
    </ListTable>
  );
}

export function ReceiptView({
  receipt,
  gasLimit,
  method,
  contractInterface,
}: {
  receipt: Receipt;
  gasLimit?: bigint;
  method?: string | null;
  contractInterface?: ContractInterface;
}) {
  const methodInterface = method ? contractInterface?.methods.find((m) => m.name === method) : undefined;
  const decoded = decodeReturn(methodInterface, receipt.returnData);
  return (
    <div class="receipt" data-testid="receipt">
      <Rows
        rows={[
          ['Status', <Status key="s" status={receipt.status} />],
          [
            'Gas used',
            gasLimit === undefined ? (
              <Num value={receipt.gasUsed} />
            ) : (
              <span>
                <Num value={receipt.gasUsed} /> of <Num value={gasLimit} />{' '}
                <span class="muted">({gasShare(receipt.gasUsed, gasLimit)})</span>
              </span>
            ),
          ],
          [
            'Returned',
            <span key="r" data-testid="return-value">
              <DecodedBytes data={receipt.returnData} decoded={decoded} />
              {methodInterface ? <span class="muted"> ({methodInterface.returns})</span> : null}
            </span>,
          ],
          ...(receipt.error
            ? ([
                [
                  'Error',
                  <span key="e" class="error-text" data-testid="receipt-error">
                    <code>{receipt.error.code}</code> {receipt.error.message}
                  </span>,
                ],
              ] as const)
            : []),
          ...(receipt.contractAddress
            ? ([['Contract created', <Address key="c" value={receipt.contractAddress} />]] as const)
            : []),
          [
            'Block',
            <span key="b">
              <BlockLink height={receipt.blockHeight} /> (index {receipt.index})
            </span>,
          ],
          ['Transaction', <Hex key="t" value={receipt.txHash} href={`#/tx/${receipt.txHash}`} />],
        ]}
      />
      <h3>Events</h3>
      <EventList events={receipt.events} />
      <h3>Debug logs</h3>
      {receipt.logs.length === 0 ? <p class="muted">No logs.</p> : <pre class="logs">{receipt.logs.join('\n')}</pre>}
    </div>
  );
}
