/**
 * The chain's lookups by hash live in the state store (chainIndex.ts): they answer after a restart without the
 * blocks being read again, an entry left by a rewound block never answers for the block that replaced it, a
 * transaction mined again after a rewind is found where it is now, and a chain from before the index gets one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import { openState } from '../state/index.js';
import { Chain } from './chain.js';
import { INDEX_MARKER } from './chainIndex.js';
import { toHex } from './codec.js';
import { DevnetError } from './errors.js';
import { devAccount } from './keys.js';
import { type SignedTransaction, signTransaction } from './transaction.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function transfer(sender: number, nonce: bigint, value: bigint): SignedTransaction {
  const account = devAccount(sender);
  return signTransaction(
    { kind: 'transfer', chainId: 1337n, nonce, gasLimit: 30_000n, gasPrice: 1n, value, to: devAccount(5).address },
    account.secretKey,
    account.publicKey,
  );
}

const location = (chain: Chain, tx: SignedTransaction) => {
  const found = chain.findTransaction(tx.hash);
  return found?.location === undefined ? found && 'pending' : `${found.location.height}/${found.location.index}`;
};

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gasket-chain-index-'));
  dirs.push(dir);
  return join(dir, 'chain');
}

describe('chain lookups in the store', () => {
  it('find transactions and blocks by hash, and again after a restart', async () => {
    const path = await dataDir();
    const txs = [transfer(1, 0n, 1n), transfer(2, 0n, 2n), transfer(1, 1n, 3n)];
    let chain = await Chain.open(await openState({ path, create: true }));
    for (const tx of txs) await chain.submit(tx.raw);
    const blocks = [1n, 2n, 3n].map((h) => chain.getBlock(h)!);
    expect(txs.map((tx) => location(chain, tx))).toEqual(['1/0', '2/0', '3/0']);
    await chain.state.flushed();
    await chain.state.close();
    chain = await Chain.open(await openState({ path }));
    expect(txs.map((tx) => location(chain, tx))).toEqual(['1/0', '2/0', '3/0']);
    for (const block of blocks) expect(chain.getBlockByHash(block.hash)?.header.height).toBe(block.header.height);
    expect(chain.getBlockByHash(new Uint8Array(32))).toBeUndefined();
    expect(chain.findTransaction(new Uint8Array(32))).toBeUndefined();
    // a mined transaction sent again is known, not just a low nonce
    await expect(chain.submit(txs[0]!.raw)).rejects.toThrow(/already known/);
    await chain.state.close();
  });

  it('an entry of a rewound block answers for nothing; a transaction mined again is found where it is now', async () => {
    const chain = await Chain.open(await openState({ inMemory: true }));
    await chain.submit(transfer(3, 0n, 1n).raw);
    const snapshot = chain.snapshot();
    const first = transfer(1, 0n, 1n);
    const second = transfer(2, 0n, 1n);
    await chain.submit(first.raw);
    await chain.submit(second.raw);
    const rewoundBlock = chain.getBlock(2n)!;
    expect([location(chain, first), location(chain, second)]).toEqual(['2/0', '3/0']);
    await chain.revert(snapshot);
    expect(chain.findTransaction(first.hash)).toBeUndefined();
    expect(chain.findTransaction(second.hash)).toBeUndefined();
    expect(chain.getBlockByHash(rewoundBlock.hash)).toBeUndefined();
    // height 2 now holds another transaction: the old entries name it, and must not answer
    const other = transfer(4, 0n, 9n);
    await chain.submit(other.raw);
    expect(location(chain, other)).toBe('2/0');
    expect(chain.findTransaction(first.hash)).toBeUndefined();
    expect(chain.getBlockByHash(rewoundBlock.hash)).toBeUndefined();
    expect(chain.getBlockByHash(chain.getBlock(2n)!.hash)?.header.height).toBe(2n);
    // the rewound transactions are valid again and mined at their new heights
    await chain.submit(second.raw);
    await chain.submit(first.raw);
    expect([location(chain, second), location(chain, first)]).toEqual(['3/0', '4/0']);
    const again = await chain.submit(first.raw).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(DevnetError);
    expect((again as DevnetError).code).toBe('NONCE_TOO_LOW');
    await chain.state.close();
  });

  it('a chain created before the index gets one, once, when opened', async () => {
    const path = await dataDir();
    const txs = [transfer(1, 0n, 1n), transfer(2, 0n, 2n)];
    const chain = await Chain.open(await openState({ path, create: true }));
    for (const tx of txs) await chain.submit(tx.raw);
    const hashes = [0n, 1n, 2n].map((h) => toHex(chain.getBlock(h)!.hash));
    await chain.state.flushed();
    await chain.state.close();
    // what an older node left: the same blocks, no lookup entries ('L' records) and no marker
    const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const lookupKeys = await db.keys({ gte: Buffer.of(0x4c), lt: Buffer.of(0x4d) }).all();
    expect(lookupKeys.length).toBe(1 + 3 + 2); // marker, three block hashes, two transactions
    await db.batch(lookupKeys.map((key) => ({ type: 'del' as const, key })));
    await db.close();
    const bare = await openState({ path });
    expect(bare.lookup(INDEX_MARKER)).toBeUndefined();
    await bare.close();
    const progress: string[] = [];
    const onIndexing = (indexed: bigint, total: bigint) => progress.push(`${indexed}/${total}`);
    const reopened = await Chain.open(await openState({ path }), {}, { onIndexing });
    expect(progress).toEqual(['3/3']);
    expect(txs.map((tx) => location(reopened, tx))).toEqual(['1/0', '2/0']);
    expect(
      [0n, 1n, 2n].map((h) => reopened.getBlockByHash(Buffer.from(hashes[Number(h)]!.slice(2), 'hex'))?.header.height),
    ).toEqual([0n, 1n, 2n]);
    expect(reopened.state.lookup(INDEX_MARKER)).toBeDefined();
    await reopened.state.close();
    // once: the next open finds the marker
    const again = await Chain.open(await openState({ path }), {}, { onIndexing });
    expect(progress).toEqual(['3/3']);
    expect(location(again, txs[1]!)).toBe('2/0');
    await again.state.close();
  });
});
