import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openState } from '../state/index.js';
import { Chain } from './chain.js';
import { toHex } from './codec.js';
import { DevnetError } from './errors.js';
import { devAccount } from './keys.js';
import { type SignedTransaction, signTransaction, verifySignature } from './transaction.js';

/**
 * Signatures are checked on a worker thread, but transactions are admitted in arrival order: submitting a list all
 * at once (every check in flight together) must give the same outcomes, blocks and roots as submitting it one at a
 * time, and with automine one block per transaction.
 */

type Step = { sender: number; nonceShift: number; value: bigint };

const step: fc.Arbitrary<Step> = fc.record({
  sender: fc.integer({ min: 1, max: 3 }),
  // mostly the right nonce; sometimes a replay (-1) or a gap (+1)
  nonceShift: fc.constantFrom(0, 0, 0, 0, -1, 1),
  value: fc.bigInt({ min: 0n, max: 1_000n }),
});

function sign(steps: readonly (Step & { bad: boolean })[]): SignedTransaction[] {
  const nonces = new Map<number, bigint>();
  return steps.map(({ sender, nonceShift, bad, value }) => {
    const next = nonces.get(sender) ?? 0n;
    const nonce = next + BigInt(nonceShift) < 0n ? 0n : next + BigInt(nonceShift);
    if (nonceShift === 0 && !bad) nonces.set(sender, next + 1n);
    const account = devAccount(sender);
    const tx = signTransaction(
      { kind: 'transfer', chainId: 1337n, nonce, gasLimit: 30_000n, gasPrice: 1n, value, to: devAccount(5).address },
      account.secretKey,
      account.publicKey,
    );
    if (!bad) return tx;
    // a valid encoding whose signature is another sender's: refused as BAD_SIGNATURE
    const other = signTransaction(
      { kind: 'transfer', chainId: 1337n, nonce, gasLimit: 30_000n, gasPrice: 2n, value, to: devAccount(5).address },
      account.secretKey,
      account.publicKey,
    );
    const raw = new Uint8Array(tx.raw);
    raw.set(other.signature, raw.length - 64);
    return { ...tx, raw };
  });
}

/**
 * Checks signatures like the worker does, but answers each after its own delay (a few turns of the event loop),
 * so later transactions' answers can come back before earlier ones'.
 */
function lateChecker(delays: readonly number[]) {
  let n = 0;
  return {
    verify: (tx: SignedTransaction) =>
      new Promise<boolean>((resolve) => {
        let turns = delays[n++ % delays.length] ?? 0;
        const wait = () => (turns-- > 0 ? setImmediate(wait) : resolve(verifySignature(tx)));
        wait();
      }),
  };
}

async function run(txs: readonly SignedTransaction[], automine: boolean, together: boolean, delays?: number[]) {
  const options = delays ? { signatures: lateChecker(delays) } : {};
  const chain = await Chain.open(await openState({ inMemory: true }), {}, options);
  chain.automine = automine;
  const outcome = (p: Promise<SignedTransaction>): Promise<string> =>
    p.then(
      (tx) => `ok ${toHex(tx.hash)}`,
      (error: unknown) => (error instanceof DevnetError ? error.code : `unexpected ${String(error)}`),
    );
  let outcomes: string[];
  if (together) outcomes = await Promise.all(txs.map((tx) => outcome(chain.submit(tx.raw))));
  else {
    outcomes = [];
    for (const tx of txs) outcomes.push(await outcome(chain.submit(tx.raw)));
  }
  if (!automine) await chain.mine();
  await chain.idle();
  const blocks = [];
  for (let h = 1n; h <= chain.head.header.height; h++) {
    const block = chain.getBlock(h)!;
    blocks.push({
      hash: toHex(block.hash),
      root: toHex(block.header.stateRoot),
      txs: block.transactions.map((tx) => toHex(tx.hash)),
    });
  }
  await chain.state.close();
  return { outcomes, blocks };
}

describe('admission order with signatures checked on a worker', () => {
  it('all at once gives the outcomes, blocks and roots of one at a time; automine mines one block per transaction', async () => {
    const steps = fc
      .array(fc.tuple(step, fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 14 })
      .map((list) => list.map(([s, roll]) => ({ ...s, bad: roll === 0 })));
    await fc.assert(
      fc.asyncProperty(steps, fc.boolean(), fc.array(fc.nat(6), { minLength: 1 }), async (list, automine, delays) => {
        const txs = sign(list);
        const oneByOne = await run(txs, automine, false);
        // the worker, everything in flight at once; then answers coming back in a shuffled order
        expect(await run(txs, automine, true)).toEqual(oneByOne);
        expect(await run(txs, automine, true, delays)).toEqual(oneByOne);
        const admitted = oneByOne.outcomes.filter((o) => o.startsWith('ok')).map((o) => o.slice(3));
        if (automine) {
          // one block per admitted transaction, in admission order
          expect(oneByOne.blocks.map((b) => b.txs)).toEqual(admitted.map((hash) => [hash]));
        } else {
          expect(oneByOne.blocks.map((b) => b.txs)).toEqual([admitted]);
        }
        // every refusal is one of the expected codes
        for (const o of oneByOne.outcomes) {
          if (!o.startsWith('ok')) expect(['BAD_SIGNATURE', 'NONCE_TOO_LOW', 'NONCE_TOO_HIGH']).toContain(o);
        }
      }),
      { numRuns: 15 },
    );
  });
});
