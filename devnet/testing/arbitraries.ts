/**
 * fast-check arbitraries for contract tests, driven by interface metadata: accounts, amounts, msgpack values,
 * arguments of each ABI type, method calls and whole transaction sequences. Everything they produce is plain data
 * (a `TestTx` with references for addresses), so a failing sequence shrinks, prints, and replays anywhere.
 * @module
 */
import fc from 'fast-check';
import type { AbiType, ContractInterface, MethodInterface } from '../client/index.js';
import { type AddressRef, accountRef, type CallTx, contractRef, type TestTx } from './sequence.js';

export type ArbitraryContext = {
  /** How many dev accounts send and receive. */
  readonly accounts: number;
  /** Contract names an `address` argument may name besides accounts. */
  readonly contracts?: readonly string[];
  /** Whether an `address` argument may be 32 random bytes (an account nobody holds). Default true. */
  readonly randomAddresses?: boolean;
};

const U128_MAX = (1n << 128n) - 1n;

/** A dev account index below `accounts`. */
export function accountIndex(accounts: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: accounts - 1 });
}

/**
 * Token-like amounts: mostly small (so that balances suffice and state actually moves), sometimes the edges (0, 1,
 * `max`) and sometimes anything up to `max` (default 2^128 - 1).
 */
export function amount(options: { readonly max?: bigint } = {}): fc.Arbitrary<bigint> {
  const max = options.max ?? U128_MAX;
  return fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: max < 1_000n ? max : 1_000n }) },
    { weight: 2, arbitrary: fc.constantFrom(0n, 1n, max) },
    { weight: 2, arbitrary: fc.bigInt({ min: 0n, max }) },
  );
}

/** An address argument: a dev account (mostly), a contract of the setup, or 32 random bytes. */
export function addressArg(context: ArbitraryContext): fc.Arbitrary<AddressRef | Uint8Array> {
  const choices: fc.WeightedArbitrary<AddressRef | Uint8Array>[] = [
    { weight: 8, arbitrary: accountIndex(context.accounts).map(accountRef) },
  ];
  if (context.randomAddresses !== false) {
    choices.push({ weight: 1, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }) });
  }
  if (context.contracts?.length) {
    choices.push({ weight: 1, arbitrary: fc.constantFrom(...context.contracts).map(contractRef) });
  }
  return fc.oneof(...choices);
}

/** Any msgpack value the SDK can decode: nil, bool, integers (32-bit and 64-bit), strings, bytes, arrays, maps. */
export function msgpackValue(maxDepth = 2): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
    fc.string({ maxLength: 24 }),
    fc.uint8Array({ maxLength: 40 }),
  );
  if (maxDepth <= 0) return leaf;
  const inner = msgpackValue(maxDepth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), inner, { maxKeys: 4 }) },
  );
}

const INT_RANGES: Record<string, readonly [bigint, bigint]> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffff_ffffn],
  u64: [0n, (1n << 64n) - 1n],
  i8: [-0x80n, 0x7fn],
  i16: [-0x8000n, 0x7fffn],
  i32: [-0x8000_0000n, 0x7fff_ffffn],
  i64: [-(1n << 63n), (1n << 63n) - 1n],
};

/** A value of ABI type `type` (as interface metadata writes it: `u128`, `address`, `string[]`, `u64?`...). */
export function abiValue(type: AbiType, context: ArbitraryContext): fc.Arbitrary<unknown> {
  if (type.endsWith('[]')) return fc.array(abiValue(type.slice(0, -2), context), { maxLength: 4 });
  if (type.endsWith('?')) return fc.option(abiValue(type.slice(0, -1), context), { nil: null });
  if (type === 'u128') return amount();
  const range = INT_RANGES[type];
  if (range) {
    const [min, max] = range;
    const edges = fc.constantFrom(min, max, 0n > min ? 0n : min, 1n);
    const values = fc.oneof(
      fc.bigInt({ min, max }),
      edges,
      fc.bigInt({ min: min > 0n ? min : 0n, max: max < 100n ? max : 100n }),
    );
    return max <= 0xffff_ffffn ? values.map(Number) : values;
  }
  switch (type) {
    case 'nil':
      return fc.constant(null);
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ maxLength: 32 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 64 });
    case 'address':
      return addressArg(context);
    default:
      return msgpackValue();
  }
}

/** Positional arguments for `method`. */
export function methodArgs(method: MethodInterface, context: ArbitraryContext): fc.Arbitrary<unknown[]> {
  return fc.tuple(...method.args.map((arg) => abiValue(arg.type, context)));
}

export type CallOptions = ArbitraryContext & {
  /** Methods to call; default every method that writes (not `init`, not read-only ones). */
  readonly methods?: readonly string[];
  /** Values sent with calls; default none. */
  readonly value?: fc.Arbitrary<bigint>;
  readonly gasLimit?: bigint;
};

/** A call of one of the contract's methods from a random account with arguments of the right types. */
export function callTx(contract: string, iface: ContractInterface, options: CallOptions): fc.Arbitrary<CallTx> {
  const methods = iface.methods.filter((m) =>
    options.methods ? options.methods.includes(m.name) : m.name !== 'init' && !m.readOnly,
  );
  if (methods.length === 0) throw new Error(`${contract} has no method to call among ${options.methods?.join(', ')}`);
  return fc.constantFrom(...methods).chain((method) =>
    fc.record({
      from: accountIndex(options.accounts),
      contract: fc.constant(contract),
      method: fc.constant(method.name),
      args: methodArgs(method, options),
      value: options.value ?? fc.constant(0n),
      gasLimit: fc.constant(options.gasLimit ?? 100_000_000n),
    }),
  );
}

export type SequenceOptions = ArbitraryContext & {
  /** The contracts to call, with their interfaces and optionally the methods to use. */
  readonly targets: readonly {
    readonly name: string;
    readonly iface: ContractInterface;
    readonly methods?: readonly string[];
  }[];
  readonly minLength?: number;
  /** Default 10. */
  readonly maxLength?: number;
  /** Mix in plain value transfers between accounts. Default false. */
  readonly transfers?: boolean;
  /** Gas limit of every call. Default 100,000,000. */
  readonly gasLimit?: bigint;
};

/** A sequence of calls (and optionally transfers) across the target contracts. */
export function txSequence(options: SequenceOptions): fc.Arbitrary<TestTx[]> {
  const contracts = options.contracts ?? options.targets.map((t) => t.name);
  const calls = options.targets.map((t) => callTx(t.name, t.iface, { ...options, contracts, methods: t.methods }));
  const transfer: fc.Arbitrary<TestTx> = fc.record({
    kind: fc.constant('transfer' as const),
    from: accountIndex(options.accounts),
    to: accountIndex(options.accounts),
    value: fc.bigInt({ min: 0n, max: 10n ** 18n }),
  });
  const one: fc.Arbitrary<TestTx> = options.transfers ? fc.oneof(...calls, transfer) : fc.oneof(...calls);
  return fc.array(one, { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 10 });
}
