import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openState, type StateStore } from '../state/index.js';
import { devTransfer as transfer } from '../test/index.js';
import type { Block } from './block.js';
import { Chain } from './chain.js';
import { toHex } from './codec.js';

/**
 * Group commit, as the chain sees it: a store may write blocks behind (commitBlock gives the root at once, the
 * disk write comes later, several blocks in one batch), and says when what it committed is on disk. The chain
 * builds the next block meanwhile, but answers a transaction, shows its receipt and announces its block only
 * once that block is durable, in height order. Here the store's "on disk" is held back by a gate the test opens.
 */

/** `flushed()` as a write-behind store answers it: everything committed before the call, once the gate opens past it. */
function durabilityGate(state: () => StateStore) {
  let durable = 0n;
  const waiting: { version: bigint; resolve: () => void }[] = [];
  return {
    flushed: (): Promise<void> => {
      const version = state().version;
      if (version <= durable) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push({ version, resolve }));
    },
    /** Everything committed so far reaches the disk. */
    release(): void {
      durable = state().version;
      for (const w of waiting.splice(0)) {
        if (w.version <= durable) w.resolve();
        else waiting.push(w);
      }
    },
  };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

async function gatedChain() {
  let store: StateStore | undefined;
  const gate = durabilityGate(() => store!);
  store = await openState({ inMemory: true });
  const chain = await Chain.open(store, {}, { flushed: gate.flushed });
  return { chain, store, gate };
}

describe('group commit: blocks built ahead, published once durable', () => {
  it('answers, shows and announces an automined transaction only after its block is on disk; the next block is built meanwhile', async () => {
    const { chain, store, gate } = await gatedChain();
    const announced: bigint[] = [];
    chain.on('block', (block) => announced.push(block.header.height));
    const a = transfer(1, 0n, 5n);
    const b = transfer(2, 0n, 6n);
    const settled: string[] = [];
    const sent = [a, b].map((tx) => chain.submit(tx.raw).then(() => settled.push(toHex(tx.hash))));
    // the signature checks may go to the worker thread, which starts on first use
    for (let i = 0; i < 500 && store.version < 3n; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    // both blocks are built (genesis is version 1), neither is durable
    expect(store.version).toBe(3n);
    await turns(5);
    expect(settled).toEqual([]);
    expect(announced).toEqual([]);
    expect(chain.head.header.height).toBe(0n);
    expect(chain.getBlock(1n)).toBeUndefined();
    const seen = chain.findTransaction(a.hash);
    expect(seen?.tx.hash).toEqual(a.hash);
    expect(seen?.receipt).toBeUndefined();
    expect(seen?.location).toBeUndefined();

    gate.release();
    await Promise.all(sent);
    expect(settled).toEqual([toHex(a.hash), toHex(b.hash)]);
    expect(announced).toEqual([1n, 2n]);
    expect(chain.head.header.height).toBe(2n);
    const [first, second] = [chain.getBlock(1n)!, chain.getBlock(2n)!];
    expect(second.header.parentHash).toEqual(first.hash);
    expect(first.transactions.map((tx) => toHex(tx.hash))).toEqual([toHex(a.hash)]);
    expect(chain.findTransaction(b.hash)?.receipt?.status).toBe('ok');
    expect(chain.head.header.stateRoot).toEqual(store.root);
  });

  it('a failed disk write is the sender’s error and publishes nothing', async () => {
    const store = await openState({ inMemory: true });
    const chain = await Chain.open(store, {}, { flushed: () => Promise.reject(new Error('disk full')) });
    const tx = transfer(1, 0n, 1n);
    await expect(chain.submit(tx.raw)).rejects.toThrow('disk full');
    expect(chain.head.header.height).toBe(0n);
    expect(chain.findTransaction(tx.hash)?.receipt).toBeUndefined();
  });

  it('gives the same blocks, roots and answers whenever the disk catches up', async () => {
    const plan = fc.record({
      // per transfer: its sender (1..4) and value
      transfers: fc.array(
        fc.record({ sender: fc.integer({ min: 1, max: 4 }), value: fc.bigInt({ min: 0n, max: 99n }) }),
        {
          minLength: 1,
          maxLength: 12,
        },
      ),
      // event-loop turns between two releases of the gate
      pauses: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(plan, async ({ transfers, pauses }) => {
        const nonces = new Map<number, bigint>();
        const txs = transfers.map(({ sender, value }) => {
          const nonce = nonces.get(sender) ?? 0n;
          nonces.set(sender, nonce + 1n);
          return transfer(sender, nonce, value);
        });
        const blocksOf = (chain: Chain) => {
          const blocks: Block[] = [];
          for (let h = 0n; h <= chain.head.header.height; h++) blocks.push(chain.getBlock(h)!);
          return blocks.map((block) => ({
            hash: toHex(block.hash),
            txs: block.transactions.map((tx) => toHex(tx.hash)),
            root: toHex(block.header.stateRoot),
          }));
        };

        const direct = await Chain.open(await openState({ inMemory: true }));
        const directAnswers = await Promise.all(txs.map((tx) => direct.submit(tx.raw).then((t) => toHex(t.hash))));

        const { chain, gate } = await gatedChain();
        let done = false;
        const answers = Promise.all(txs.map((tx) => chain.submit(tx.raw).then((t) => toHex(t.hash)))).finally(() => {
          done = true;
        });
        for (let i = 0; !done; i++) {
          await turns(pauses[i % pauses.length]!);
          gate.release();
          await turns(1);
        }
        expect(await answers).toEqual(directAnswers);
        expect(blocksOf(chain)).toEqual(blocksOf(direct));
        expect(chain.head.header.height).toBe(BigInt(txs.length));
      }),
      { numRuns: 25 },
    );
  });
});
