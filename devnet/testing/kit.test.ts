import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMethodArgs, type MethodInterface } from '../client/index.js';
import { abiValue, amount, compareRecords, InvariantError, invariant, type ReplayRecord, type Step } from './index.js';

/** References as a chain would resolve them: some 32-byte address. */
function resolveRefsForTest(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveRefsForTest);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    if ('$account' in value || '$contract' in value) return new Uint8Array(32).fill(7);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefsForTest(v)]));
  }
  return value;
}

const ABI_TYPES = [
  'u8',
  'u16',
  'u32',
  'u64',
  'u128',
  'i8',
  'i16',
  'i32',
  'i64',
  'bool',
  'string',
  'bytes',
  'address',
  'nil',
  'any',
  'map',
  'u64[]',
  'address?',
  'string[]',
];

describe('arbitraries', () => {
  it('every ABI type gives values the client encodes for a method of that type', () => {
    const context = { accounts: 3, contracts: ['token'] };
    for (const type of ABI_TYPES) {
      const method: MethodInterface = { name: 'm', args: [{ name: 'x', type }], returns: 'nil', readOnly: false };
      fc.assert(
        fc.property(abiValue(type, context), (value) => {
          const resolved = resolveRefsForTest(value);
          expect(encodeMethodArgs(method, [resolved])).toBeInstanceOf(Uint8Array);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('amounts stay within their bound and reach its edges', () => {
    const samples = fc.sample(amount({ max: 5_000n }), { seed: 7, numRuns: 400 });
    expect(samples.every((a) => a >= 0n && a <= 5_000n)).toBe(true);
    expect(samples).toContain(0n);
    expect(samples).toContain(5_000n);
  });
});

const step = (over: Partial<Step> & Pick<Step, 'receipt'>): Step => ({
  index: 0,
  label: 'tx 0: token.transfer from account 0',
  tx: { from: 0, contract: 'token', method: 'transfer', gasLimit: 1_000n },
  ...over,
});
const receipt = (status: string, gasUsed: bigint) => ({ status, gasUsed }) as unknown as Step['receipt'];
const fakeChain = {
  account: () => ({ address: new Uint8Array(32).fill(1) }),
} as unknown as Parameters<typeof invariant.noStateChangeOnFailure>[1];

describe('invariant helpers fail when they should', () => {
  it('gas above the limit', () => {
    expect(() => invariant.gasWithinLimit(step({ receipt: receipt('ok', 1_000n) }))).not.toThrow();
    expect(() => invariant.gasWithinLimit(step({ receipt: receipt('ok', 1_001n) }))).toThrow(InvariantError);
  });

  it('a failed transaction that changed a key besides its sender', () => {
    const failed = (keys: string[]) => step({ receipt: receipt('revert', 10n), changedKeys: keys });
    expect(() => invariant.noStateChangeOnFailure(failed([]), fakeChain)).not.toThrow();
    expect(() => invariant.noStateChangeOnFailure(failed(['0xdead']), fakeChain)).toThrow(/changed 1 key/);
    expect(() => invariant.noStateChangeOnFailure(step({ receipt: receipt('revert', 1n) }), fakeChain)).toThrow(
      /trackState/,
    );
  });

  it('sums and signs', () => {
    expect(() => invariant.sumConserved('x', 6n, [1n, 2n, 3n])).not.toThrow();
    expect(() => invariant.sumConserved('x', 7n, [1n, 2n, 3n])).toThrow(/add up to 6, not 7/);
    expect(() => invariant.nonNegative('x', [0n, -1n])).toThrow(/x\[1\] is negative/);
  });
});

describe('record comparison', () => {
  const base: ReplayRecord = {
    steps: [
      {
        label: 'deploy token',
        status: 'ok',
        gasUsed: '10',
        returnData: '0x',
        events: [],
        logs: [],
        error: null,
        stateRoot: '0xaa',
        blockHash: '0xbb',
      },
      {
        label: 'tx 0: token.transfer from account 0',
        status: 'ok',
        gasUsed: '20',
        returnData: '0x01',
        events: [],
        logs: [],
        error: null,
        stateRoot: '0xcc',
        blockHash: '0xdd',
      },
    ],
  };
  it('names the first step and field that differ, with both values', () => {
    expect(compareRecords(base, base, ['a', 'b'])).toBeUndefined();
    const other = { steps: [base.steps[0]!, { ...base.steps[1]!, gasUsed: '21', stateRoot: '0xee' }] };
    const difference = compareRecords(base, other, ['a', 'b'])!;
    expect(difference.difference).toEqual({
      step: 1,
      label: 'tx 0: token.transfer from account 0',
      field: 'gasUsed',
      runs: ['a', 'b'],
      values: ['20', '21'],
    });
    expect(difference.message).toBe(
      'tx 0: token.transfer from account 0: gasUsed differs between runs a and b: "20" vs "21"',
    );
    const shorter = compareRecords(base, { steps: [base.steps[0]!] }, ['a', 'b'])!;
    expect(shorter.difference.field).toBe('presence');
  });
});
