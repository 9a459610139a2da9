/**
 * One block, by height or hash: its header (time, roots, gas used) and its transactions; "not found" for a
 * height above the head or an unknown hash.
 * @module
 */
import { formatInteger } from '../format.js';
import { useAsync } from '../hooks.js';
import { client } from '../node.js';
import { classifyQuery } from '../search.js';
import { Address, Card, ErrorBox, Hex, ListTable, Loading, NotFound, Num, Rows, Time, TxKind } from '../ui.js';

export function BlockPage({ id }: { id: string }) {
  const query = classifyQuery(id);
  const block = useAsync(async () => {
    if (query.kind === 'height') return client.getBlockWithTransactions({ height: query.height });
    if (query.kind === 'hash') return client.getBlockWithTransactions({ hash: query.hex });
    return null;
  }, [id]);
  if (block.status === 'loading') return <Loading />;
  if (block.status === 'error') return <ErrorBox error={block.error} />;
  const b = block.value;
  if (!b) return <NotFound what={id} />;
  return (
    <div>
      <Card title={`Block ${formatInteger(b.height)}`} testId="block">
        <Rows
          rows={[
            ['Height', <Num key="h" value={b.height} />],
            ['Hash', <Hex key="x" value={b.hash} full />],
            ['Parent', <Hex key="p" value={b.parentHash} href={`#/block/${b.parentHash}`} />],
            ['Time', <Time key="t" timestamp={b.timestamp} />],
            ['Gas used', <Num key="g" value={b.gasUsed} />],
            ['Transactions', <Num key="n" value={b.transactions.length} />],
            ['State root', <Hex key="s" value={b.stateRoot} />],
            ['Tx root', <Hex key="r" value={b.txRoot} />],
            ['Receipts root', <Hex key="q" value={b.receiptsRoot} />],
          ]}
        />
        <p>
          {b.height > 0n ? <a href={`#/block/${b.height - 1n}`}>← previous</a> : null}{' '}
          <a href={`#/block/${b.height + 1n}`}>next →</a>
        </p>
      </Card>
      <Card title="Transactions">
        {b.transactions.length === 0 ? (
          <p class="muted">No transactions.</p>
        ) : (
          <ListTable headers={['#', 'Hash', 'Kind', 'From', 'To']}>
            {b.transactions.map((tx, i) => (
              <tr key={tx.hash}>
                <td>{i}</td>
                <td>
                  <Hex value={tx.hash} href={`#/tx/${tx.hash}`} />
                </td>
                <td>
                  <TxKind tx={tx} />
                </td>
                <td>
                  <Address value={tx.from} />
                </td>
                <td>{tx.to ? <Address value={tx.to} /> : <span class="muted">(deploy)</span>}</td>
              </tr>
            ))}
          </ListTable>
        )}
      </Card>
    </div>
  );
}
