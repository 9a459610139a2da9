/**
 * One transaction: what was sent (kind, from, to, method with decoded arguments, value, gas limit), its receipt
 * (ReceiptView, decoded through the contract's interface) and its call trace from `tx_trace` (TraceTree). A
 * pending transaction shows as pending and fills in when its block lands (the page reloads on every new block).
 * @module
 */
import { useChain } from '../chain.js';
import { formatValue } from '../format.js';
import { useAsync } from '../hooks.js';
import { contractInterface, decodePlain } from '../interfaces.js';
import { client } from '../node.js';
import { ReceiptView } from '../ReceiptView.js';
import { classifyQuery } from '../search.js';
import { TraceTree } from '../TraceTree.js';
import { Address, BlockLink, Card, ErrorBox, Hex, Loading, NotFound, Num, Rows } from '../ui.js';

export function TxPage({ hash }: { hash: string }) {
  const { version } = useChain();
  const query = classifyQuery(hash);
  const data = useAsync(async () => {
    if (query.kind !== 'hash') return null;
    const tx = await client.getTransaction(query.hex);
    if (!tx) return null;
    const receipt = await client.getReceipt(query.hex);
    const iface = tx.to ? await contractInterface(tx.to) : undefined;
    return { tx, receipt, iface };
  }, [hash, version]);
  const trace = useAsync(
    async () => (query.kind === 'hash' ? client.traceTransaction(query.hex) : null),
    [hash, data.status === 'done' && data.value?.receipt ? 'mined' : 'pending'],
  );
  if (data.status === 'loading') return <Loading />;
  if (data.status === 'error') return <ErrorBox error={data.error} />;
  if (!data.value) return <NotFound what={hash} />;
  const { tx, receipt, iface } = data.value;
  const method = tx.method ? iface?.methods.find((m) => m.name === tx.method) : undefined;
  const args = tx.args && tx.args.length > 0 ? decodePlain(tx.args) : undefined;
  const namedArgs =
    args?.ok && method && Array.isArray(args.value) && args.value.length === method.args.length
      ? method.args.map((arg, i) => `${arg.name}: ${formatValue((args.value as unknown[])[i])}`).join(', ')
      : args?.ok
        ? formatValue(args.value)
        : '';
  return (
    <div>
      <Card title="Transaction" testId="transaction">
        <Rows
          rows={[
            ['Hash', <Hex key="h" value={tx.hash} full />],
            ['Kind', tx.kind],
            ['From', <Address key="f" value={tx.from} />],
            ['To', tx.to ? <Address key="t" value={tx.to} /> : <span class="muted">(new contract)</span>],
            ...(tx.method
              ? ([
                  [
                    'Call',
                    <code key="m">
                      {tx.method}({namedArgs})
                    </code>,
                  ],
                ] as const)
              : []),
            ['Value', <Num key="v" value={tx.value} />],
            ['Gas limit', <Num key="g" value={tx.gasLimit} />],
            ['Gas price', <Num key="p" value={tx.gasPrice} />],
            ['Nonce', <Num key="n" value={tx.nonce} />],
            ...(tx.codeSize !== null ? ([['Code size', <Num key="c" value={tx.codeSize} />]] as const) : []),
            [
              'Block',
              tx.blockHeight === null ? <span class="badge">pending</span> : <BlockLink height={tx.blockHeight} />,
            ],
          ]}
        />
      </Card>
      <Card title="Receipt">
        {receipt ? (
          <ReceiptView receipt={receipt} gasLimit={tx.gasLimit} method={tx.method} contractInterface={iface} />
        ) : (
          <p class="muted">Pending: the receipt appears when the transaction is mined.</p>
        )}
      </Card>
      <Card title="Call trace">
        {trace.status === 'loading' ? <Loading /> : null}
        {trace.status === 'error' ? <ErrorBox error={trace.error} /> : null}
        {trace.status === 'done' && trace.value?.trace ? <TraceTree trace={trace.value.trace} /> : null}
        {trace.status === 'done' && !trace.value?.trace ? (
          <p class="muted">{receipt ? 'No call frames (a plain transfer).' : 'Traced once mined.'}</p>
        ) : null}
      </Card>
    </div>
  );
}
