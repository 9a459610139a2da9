/**
 * The chain overview: the head, the gas-per-block chart, and the latest blocks and transactions, all updating
 * live from the node's `blocks` subscription (through ChainProvider).
 * @module
 */
import type { Block, Transaction } from '../../../client/browser.js';
import { useChain } from '../chain.js';
import { useAsync } from '../hooks.js';
import { client } from '../node.js';
import {
  Address,
  BlockLink,
  Card,
  ErrorBox,
  GasChart,
  Hex,
  ListTable,
  Loading,
  Num,
  Rows,
  Time,
  TxKind,
} from '../ui.js';

/** How many of the latest transactions are listed. */
const LATEST_TXS = 12;

async function latestTransactions(blocks: readonly Block[]): Promise<(Transaction & { height: bigint })[]> {
  const out: (Transaction & { height: bigint })[] = [];
  for (const block of blocks) {
    if (out.length >= LATEST_TXS) break;
    if (block.transactions.length === 0) continue;
    const full = await client.getBlockWithTransactions({ height: block.height });
    for (const tx of [...(full?.transactions ?? [])].reverse()) out.push({ ...tx, height: block.height });
  }
  return out.slice(0, LATEST_TXS);
}

export function Overview() {
  const { blocks, head, live, error, version } = useChain();
  const txs = useAsync(() => latestTransactions(blocks), [version, blocks.length]);
  if (error) return <ErrorBox error={`Cannot reach the node: ${error}`} />;
  if (!head) return <Loading />;
  return (
    <div>
      <Card title="Chain" testId="head">
        <Rows
          rows={[
            [
              'Head',
              <span key="h">
                block{' '}
                <a href={`#/block/${head.height}`} data-testid="head-height">
                  <Num value={head.height} />
                </a>
              </span>,
            ],
            ['Hash', <Hex key="x" value={head.hash} href={`#/block/${head.hash}`} />],
            ['Time', <Time key="t" timestamp={head.timestamp} />],
            ['Chain id', <Num key="c" value={head.chainId} />],
            [
              'Updates',
              live ? (
                <span class="badge ok">live</span>
              ) : (
                <span class="badge">polled every few seconds (no WebSocket)</span>
              ),
            ],
          ]}
        />
        <GasChart blocks={blocks} />
      </Card>
      <div class="columns">
        <Card title="Latest blocks" testId="latest-blocks">
          <ListTable headers={['Block', 'Hash', 'Txs', 'Gas used', 'Time']}>
            {blocks.slice(0, 12).map((block) => (
              <tr key={block.hash}>
                <td>
                  <BlockLink height={block.height} />
                </td>
                <td>
                  <Hex value={block.hash} href={`#/block/${block.hash}`} />
                </td>
                <td>{block.transactions.length}</td>
                <td>
                  <Num value={block.gasUsed} />
                </td>
                <td>
                  <Time timestamp={block.timestamp} />
                </td>
              </tr>
            ))}
          </ListTable>
        </Card>
        <Card title="Latest transactions" testId="latest-txs">
          {txs.status === 'loading' ? <Loading /> : null}
          {txs.status === 'error' ? <ErrorBox error={txs.error} /> : null}
          {txs.status === 'done' && txs.value.length === 0 ? <p class="muted">No transactions yet.</p> : null}
          {txs.status === 'done' && txs.value.length > 0 ? (
            <ListTable headers={['Hash', 'Kind', 'From', 'Block']}>
              {txs.value.map((tx) => (
                <tr key={tx.hash}>
                  <td>
                    <Hex value={tx.hash} href={`#/tx/${tx.hash}`} />
                  </td>
                  <td>
                    <TxKind tx={tx} />
                  </td>
                  <td>
                    <Address value={tx.from} />
                  </td>
                  <td>
                    <BlockLink height={tx.height} />
                  </td>
                </tr>
              ))}
            </ListTable>
          ) : null}
        </Card>
      </div>
    </div>
  );
}
