/**
 * Invariant helpers for property tests: run a sequence step by step with a check after each, and the checks every
 * contract should pass (gas used never above the limit; a transaction that does not succeed changes nothing but
 * the sender's fee and nonce) plus building blocks for contract-specific ones (a sum that must stay constant,
 * values that must never go negative). A failure throws an `InvariantError` naming the transaction.
 * @module
 */
import { accountKey } from '../../state/index.js';
import { toHex } from '../codec.js';
import { InvariantError } from './errors.js';
import { describeTx, runTx, type TestTx } from './sequence.js';
import { DEFAULT_TX_GAS, type TestChain, type TestReceipt } from './testChain.js';

export type Step = {
  readonly index: number;
  readonly label: string;
  readonly tx: TestTx;
  readonly receipt: TestReceipt;
  /** Keys (hex) whose value the step changed, added or removed; set when `trackState` is on. */
  readonly changedKeys?: readonly string[];
};

export type RunSequenceOptions = {
  /** Runs after every step; throw (or use an `invariant` helper) to fail. */
  readonly check?: (step: Step, chain: TestChain) => void | Promise<void>;
  /** Diff the whole state around every step into `changedKeys` (for small test states). */
  readonly trackState?: boolean;
};

/** Runs `txs` in order on `chain`, checking after each step. */
export async function runSequence(
  chain: TestChain,
  txs: readonly TestTx[],
  options: RunSequenceOptions = {},
): Promise<Step[]> {
  const steps: Step[] = [];
  let before = options.trackState ? await snapshot(chain) : undefined;
  for (const [index, tx] of txs.entries()) {
    const receipt = await runTx(chain, tx);
    let changedKeys: string[] | undefined;
    if (before) {
      const after = await snapshot(chain);
      changedKeys = diff(before, after);
      before = after;
    }
    const step: Step = { index, label: describeTx(tx, index), tx, receipt, ...(changedKeys ? { changedKeys } : {}) };
    steps.push(step);
    await options.check?.(step, chain);
  }
  return steps;
}

async function snapshot(chain: TestChain): Promise<Map<string, string>> {
  await chain.chain.idle();
  const entries = new Map<string, string>();
  for await (const [key, value] of chain.chain.state.entries()) entries.set(toHex(key), toHex(value));
  return entries;
}

function diff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed = new Set<string>();
  for (const [key, value] of after) if (before.get(key) !== value) changed.add(key);
  for (const key of before.keys()) if (!after.has(key)) changed.add(key);
  return [...changed].sort();
}

export const invariant = Object.freeze({
  /** The receipt's gas is at most the transaction's gas limit. */
  gasWithinLimit(step: Step): void {
    const limit = step.tx.kind === 'transfer' ? DEFAULT_TX_GAS : (step.tx.gasLimit ?? DEFAULT_TX_GAS);
    if (step.receipt.gasUsed > limit) {
      throw new InvariantError(`${step.label}: used ${step.receipt.gasUsed} gas, above its limit ${limit}`);
    }
  },

  /**
   * A step that did not succeed changed no state but its sender's account (fee and nonce). Needs `trackState`.
   */
  noStateChangeOnFailure(step: Step, chain: TestChain): void {
    if (step.receipt.status === 'ok') return;
    if (!step.changedKeys)
      throw new InvariantError('noStateChangeOnFailure needs runSequence(..., { trackState: true })');
    const sender = toHex(accountKey(chain.account(step.tx.from).address));
    const others = step.changedKeys.filter((key) => key !== sender);
    if (others.length > 0) {
      throw new InvariantError(
        `${step.label} ended in ${step.receipt.status} but changed ${others.length} key(s) besides the sender's account: ${others.slice(0, 3).join(', ')}`,
      );
    }
  },

  /** `parts` add up to `total` (a supply spread over balances, say). */
  sumConserved(what: string, total: bigint, parts: readonly bigint[], step?: Step): void {
    const sum = parts.reduce((a, b) => a + b, 0n);
    if (sum !== total) {
      throw new InvariantError(`${step ? `${step.label}: ` : ''}${what}: the parts add up to ${sum}, not ${total}`);
    }
  },

  /** No value is negative. */
  nonNegative(what: string, values: readonly bigint[], step?: Step): void {
    const negative = values.findIndex((v) => v < 0n);
    if (negative >= 0) {
      throw new InvariantError(`${step ? `${step.label}: ` : ''}${what}[${negative}] is negative: ${values[negative]}`);
    }
  },
});
