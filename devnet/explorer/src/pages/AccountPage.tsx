/**
 * An address: its account (balance, nonce, code hash) and, when it holds code, the contract panel: the
 * interface from `gasket:interface`, a form per method, the storage listing and the contract's events, which
 * update live through an `events` subscription filtered to this contract.
 * @module
 */
import { useEffect, useState } from 'preact/hooks';
import { type ContractInterface, type DevAccount, type EventLog, toHexString } from '../../../client/browser.js';
import { useChain } from '../chain.js';
import { formatValue, storageKeyLabel } from '../format.js';
import { useAsync } from '../hooks.js';
import { contractInterface, decodePlain } from '../interfaces.js';
import { MethodForm } from '../MethodForm.js';
import { client } from '../node.js';
import { DecodedBytes, EventTopicAndData } from '../ReceiptView.js';
import { classifyQuery } from '../search.js';
import { storageFromDump } from '../storage.js';
import { BlockLink, Card, ErrorBox, Hex, ListTable, Loading, NotFound, Num, Rows } from '../ui.js';

/** Most recent events listed on a contract page. */
const EVENTS_SHOWN = 50;

export function AccountPage({ address }: { address: string }) {
  const { version } = useChain();
  const query = classifyQuery(address);
  const account = useAsync(
    async () => (query.kind === 'hash' ? client.getAccount(query.hex) : null),
    [address, version],
  );
  if (query.kind !== 'hash') return <NotFound what={address} />;
  if (account.status === 'loading') return <Loading />;
  if (account.status === 'error') return <ErrorBox error={account.error} />;
  const a = account.value!;
  if (a.codeHash === null && a.nonce === 0n && a.balance === 0n) return <NotFound what={address} />;
  return (
    <div>
      <Card title={a.codeHash ? 'Contract account' : 'Account'} testId="account">
        <Rows
          rows={[
            ['Address', <Hex key="a" value={query.hex} full />],
            ['Balance', <Num key="b" value={a.balance} />],
            ['Nonce', <Num key="n" value={a.nonce} />],
            ['Code hash', a.codeHash ? <Hex key="c" value={a.codeHash} /> : <span class="muted">(no code)</span>],
          ]}
        />
      </Card>
      {a.codeHash ? <ContractPanel address={query.hex} /> : null}
    </div>
  );
}

function ContractPanel({ address }: { address: string }) {
  const iface = useAsync(() => contractInterface(address), [address]);
  const accounts = useAsync(() => client.dev.accounts().catch((): DevAccount[] => []), []);
  const [from, setFrom] = useState(0);
  if (iface.status !== 'done') return <Loading />;
  const contract = iface.value;
  const devAccounts = accounts.status === 'done' ? accounts.value : [];
  return (
    <div>
      {contract ? (
        <Card title={`Interface: ${contract.name}`} testId="interface">
          <p>
            Write calls are sent from{' '}
            <select
              data-testid="from-account"
              value={String(from)}
              onChange={(e) => setFrom(Number((e.target as HTMLSelectElement).value))}
            >
              {devAccounts.map((account) => (
                <option key={account.index} value={String(account.index)}>
                  dev account {account.index} ({account.address.slice(0, 10)}…)
                </option>
              ))}
            </select>{' '}
            <span class="muted">(signed by the devnet: dev_sendUnsigned)</span>
          </p>
          <div class="methods">
            {contract.methods
              .filter((m) => m.name !== 'init')
              .map((method) => (
                <MethodForm
                  key={method.name}
                  contract={address}
                  method={method}
                  contractInterface={contract}
                  from={devAccounts.length > 0 ? from : undefined}
                />
              ))}
          </div>
          {contract.events && contract.events.length > 0 ? (
            <p class="muted">Events: {contract.events.map((e) => `${e.topic} (${e.data})`).join(', ')}</p>
          ) : null}
        </Card>
      ) : (
        <Card title="Interface">
          <p class="muted">This contract has no gasket:interface section, so there are no forms.</p>
        </Card>
      )}
      <ContractEvents address={address} contract={contract} />
      <StorageListing address={address} />
    </div>
  );
}

function ContractEvents({ address }: { address: string; contract: ContractInterface | undefined }) {
  const [events, setEvents] = useState<EventLog[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let closed = false;
    let subscription: { close(): Promise<void> } | undefined;
    client.queryEvents({ contract: address }).then(
      (past) => !closed && setEvents((live) => [...(live ?? []), ...past.reverse()].slice(0, EVENTS_SHOWN)),
      (e: Error) => setError(e.message),
    );
    client
      .watchEvents({ contract: address }, (event) =>
        setEvents((current) => [event, ...(current ?? [])].slice(0, EVENTS_SHOWN)),
      )
      .then(
        (opened) => {
          if (closed) opened.close();
          else subscription = opened;
        },
        () => undefined,
      );
    return () => {
      closed = true;
      subscription?.close();
    };
  }, [address]);
  return (
    <Card title="Events (live)" testId="contract-events">
      {error ? <ErrorBox error={error} /> : null}
      {events === undefined ? <Loading /> : null}
      {events?.length === 0 ? <p class="muted">No events yet.</p> : null}
      {events && events.length > 0 ? (
        <ListTable headers={['Block', 'Transaction', 'Topic', 'Data']}>
          {events.map((event) => (
            <tr key={`${event.txHash}:${event.eventIndex}`} class="event">
              <td>
                <BlockLink height={event.blockHeight} />
              </td>
              <td>
                <Hex value={event.txHash} href={`#/tx/${event.txHash}`} />
              </td>
              <EventTopicAndData topic={event.topic} data={event.data} />
            </tr>
          ))}
        </ListTable>
      ) : null}
    </Card>
  );
}

function StorageListing({ address }: { address: string }) {
  const { version } = useChain();
  const storage = useAsync(
    async () => storageFromDump(await client.dev.dumpState(), address as `0x${string}`),
    [address, version],
  );
  return (
    <Card title="Storage" testId="storage">
      {storage.status === 'loading' ? <Loading /> : null}
      {storage.status === 'error' ? (
        <p class="muted">No storage listing: it needs the devnet's dev_dumpState ({storage.error.message}).</p>
      ) : null}
      {storage.status === 'done' && storage.value.length === 0 ? <p class="muted">Empty.</p> : null}
      {storage.status === 'done' && storage.value.length > 0 ? (
        <ListTable headers={['Key', 'Value']}>
          {storage.value.map((entry) => {
            const decoded = decodePlain(entry.value);
            return (
              <tr key={toHexString(entry.key)}>
                <td>
                  <code title={toHexString(entry.key)}>{storageKeyLabel(entry.key)}</code>
                </td>
                <td>
                  {decoded.ok ? (
                    <code>{formatValue(decoded.value)}</code>
                  ) : (
                    <DecodedBytes data={entry.value} decoded={decoded} />
                  )}
                </td>
              </tr>
            );
          })}
        </ListTable>
      ) : null}
    </Card>
  );
}
