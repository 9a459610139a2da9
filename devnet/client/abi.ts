/**
 * The client side of the contract SDK's msgpack convention, typed by interface metadata (the `gasket:interface`
 * custom section: methods with named, typed args and a return type). Arguments are one msgpack array of the
 * positional values (empty input when a method takes none); a result is one msgpack value. Values are coerced to
 * their ABI type first: `u64`, `i64` and `u128` to bigint (sent as int64/uint64, above 2^64 as msgpackr's BigInt
 * extension 0x42, the SDK's u128 form), smaller integers to number, `address` (32 bytes) and `bytes` from
 * Uint8Array or 0x-hex. Results are coerced the same way back. Same options as contracts/codec.ts, which devnet/
 * may not import.
 * @module
 */
import { Packr } from 'msgpackr';
import { bytesOf } from './convert.js';
import { ClientError } from './errors.js';

export type AbiType = string;

export type MethodInterface = {
  readonly name: string;
  readonly args: readonly { readonly name: string; readonly type: AbiType }[];
  readonly returns: AbiType;
  readonly readOnly: boolean;
};

export type ContractInterface = {
  readonly version: 1;
  readonly name: string;
  readonly methods: readonly MethodInterface[];
  readonly events?: readonly { readonly topic: string; readonly data: AbiType }[];
};

const packr = new Packr({
  useRecords: false,
  useBigIntExtension: true,
  int64AsType: 'bigint',
  mapsAsObjects: true,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
});

const SMALL_INTS: Record<string, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i8: [-0x80, 0x7f],
  i16: [-0x8000, 0x7fff],
  i32: [-0x80000000, 0x7fffffff],
};
const BIG_INTS: Record<string, [bigint, bigint]> = {
  u64: [0n, (1n << 64n) - 1n],
  i64: [-(1n << 63n), (1n << 63n) - 1n],
  u128: [0n, (1n << 128n) - 1n],
};

/** Checks that a value parsed from JSON looks like interface metadata; returns it typed. */
export function asContractInterface(value: unknown): ContractInterface {
  const candidate = value as Partial<ContractInterface> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.version !== 1 ||
    !Array.isArray(candidate.methods) ||
    !candidate.methods.every(
      (m) => typeof m?.name === 'string' && Array.isArray(m.args) && typeof m.returns === 'string',
    )
  ) {
    throw new ClientError('NO_INTERFACE', 'the interface metadata is not version 1 with a list of methods');
  }
  return candidate as ContractInterface;
}

function toInteger(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new ClientError('BAD_ARGS', `${what} must be an integer`);
}

/** A value coerced to an ABI type, ready for msgpack. */
export function encodeTyped(value: unknown, type: AbiType, what: string): unknown {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) throw new ClientError('BAD_ARGS', `${what} must be an array (${type})`);
    return value.map((item, i) => encodeTyped(item, type.slice(0, -2), `${what}[${i}]`));
  }
  if (type.endsWith('?'))
    return value === null || value === undefined ? null : encodeTyped(value, type.slice(0, -1), what);
  const small = SMALL_INTS[type];
  if (small) {
    const n = toInteger(value, what);
    if (n < BigInt(small[0]) || n > BigInt(small[1]))
      throw new ClientError('BAD_ARGS', `${what} is out of ${type} range`);
    return Number(n);
  }
  const big = BIG_INTS[type];
  if (big) {
    const n = toInteger(value, what);
    if (n < big[0] || n > big[1]) throw new ClientError('BAD_ARGS', `${what} is out of ${type} range`);
    return n;
  }
  switch (type) {
    case 'nil':
      return null;
    case 'bool':
      if (typeof value !== 'boolean') throw new ClientError('BAD_ARGS', `${what} must be true or false`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new ClientError('BAD_ARGS', `${what} must be a string`);
      return value;
    case 'bytes':
    case 'address':
      try {
        return bytesOf(value as Uint8Array, what, type === 'address' ? 32 : undefined);
      } catch (error) {
        throw new ClientError('BAD_ARGS', (error as Error).message);
      }
    default:
      return normalizeUntyped(value, what);
  }
}

/** `map` and `any`: numbers that are not 32-bit integers become bigint; fractions are refused. */
function normalizeUntyped(value: unknown, what: string): unknown {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      if (value >= -0x80000000 && value <= 0xffffffff) return value;
      if (Number.isSafeInteger(value)) return BigInt(value);
    }
    throw new ClientError('BAD_ARGS', `${what}: contract arguments hold no floats (${value})`);
  }
  if (Array.isArray(value)) return value.map((item) => normalizeUntyped(item, what));
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeUntyped(v, what)]));
}

/** The input bytes of a call: named args (an object) or positional ones (an array), checked against the method. */
export function encodeMethodArgs(method: MethodInterface, args: unknown): Uint8Array {
  const names = method.args.map((arg) => arg.name);
  let positional: unknown[];
  if (args === undefined || args === null) positional = [];
  else if (Array.isArray(args)) positional = args;
  else if (typeof args === 'object' && !(args instanceof Uint8Array)) {
    const record = args as Record<string, unknown>;
    const extra = Object.keys(record).filter((key) => !names.includes(key));
    if (extra.length > 0) {
      throw new ClientError('BAD_ARGS', `${method.name} takes (${names.join(', ')}), not ${extra.join(', ')}`);
    }
    positional = names.map((name) => record[name]);
  } else throw new ClientError('BAD_ARGS', `${method.name}: pass the arguments as an object of named values`);
  if (positional.length !== names.length || positional.some((value) => value === undefined)) {
    const missing = names.filter((_, i) => positional[i] === undefined);
    throw new ClientError(
      'BAD_ARGS',
      `${method.name} takes (${names.join(', ')})${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}`,
    );
  }
  if (names.length === 0) return new Uint8Array(0);
  const typed = positional.map((value, i) => encodeTyped(value, method.args[i]!.type, `${method.name}(${names[i]})`));
  return new Uint8Array(packr.pack(typed));
}

/** Encodes a value as it is (no interface): numbers as in `map`/`any`. Empty input for undefined. */
export function encodeUntyped(value: unknown): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  return new Uint8Array(packr.pack(normalizeUntyped(value, 'args')));
}

/** Exactly one msgpack value, or undefined when the bytes are not that. */
export function decodeMsgpack(bytes: Uint8Array): { value: unknown } | undefined {
  if (bytes.length === 0) return undefined;
  try {
    // msgpackr's Node build reads strings through Buffer methods; its browser build takes a Uint8Array
    const NodeBuffer = (
      globalThis as { Buffer?: { from(data: ArrayBufferLike, offset: number, length: number): Uint8Array } }
    ).Buffer;
    const input = NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    const values = packr.unpackMultiple(input as Parameters<typeof packr.unpackMultiple>[0]);
    return values && values.length === 1 ? { value: unbuffer(values[0]) } : undefined;
  } catch {
    return undefined;
  }
}

function unbuffer(value: unknown): unknown {
  // a Node Buffer (a Uint8Array subclass) becomes a plain Uint8Array
  if (value instanceof Uint8Array && value.constructor !== Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(unbuffer);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unbuffer(v)]));
  }
  return value;
}

/** A value decoded from msgpack, coerced to its ABI type. */
export function decodeTyped(value: unknown, type: AbiType): unknown {
  if (type.endsWith('[]'))
    return Array.isArray(value) ? value.map((item) => decodeTyped(item, type.slice(0, -2))) : value;
  if (type.endsWith('?')) return value === null || value === undefined ? null : decodeTyped(value, type.slice(0, -1));
  if (SMALL_INTS[type] && typeof value === 'bigint') return Number(value);
  if (BIG_INTS[type] && typeof value === 'number') return BigInt(value);
  return value;
}

/** A method's return data decoded to its return type (undefined for `nil` and for empty data). */
export function decodeMethodResult(method: MethodInterface, returnData: Uint8Array): unknown {
  if (returnData.length === 0) return undefined;
  const decoded = decodeMsgpack(returnData);
  if (!decoded) {
    throw new ClientError('BAD_RETURN_DATA', `${method.name} returned data that is not one msgpack value`);
  }
  return method.returns === 'nil' ? undefined : decodeTyped(decoded.value, method.returns);
}
