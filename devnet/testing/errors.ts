/**
 * Errors of the test kit. `DeterminismError` names the transaction and the field that differed between two runs,
 * with both values; `InvariantError` names the transaction after which an invariant failed.
 * @module
 */
import { GasketError, type GasketErrorOptions } from '../../errors.js';

export type TestKitErrorCode = 'NONDETERMINISM' | 'INVARIANT' | 'BAD_SETUP' | 'TX_REJECTED' | 'REPLAY_FAILED';

export class TestKitError extends GasketError {
  override name = 'TestKitError';
  declare readonly code: TestKitErrorCode;
  constructor(code: TestKitErrorCode, message: string, options?: GasketErrorOptions) {
    super(code, message, options);
  }
}

export type Difference = {
  /** Index in the replayed steps (the setup's deployments first, then the sequence). */
  readonly step: number;
  /** What the step was, e.g. "tx 3: token.transfer from account 1". */
  readonly label: string;
  readonly field: string;
  readonly runs: readonly [string, string];
  readonly values: readonly [unknown, unknown];
};

export class DeterminismError extends TestKitError {
  override name = 'DeterminismError';
  constructor(readonly difference: Difference) {
    const [a, b] = difference.runs;
    super(
      'NONDETERMINISM',
      `${difference.label}: ${difference.field} differs between runs ${a} and ${b}: ` +
        `${show(difference.values[0])} vs ${show(difference.values[1])}`,
    );
  }
}

export class InvariantError extends TestKitError {
  override name = 'InvariantError';
  constructor(message: string) {
    super('INVARIANT', message);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
