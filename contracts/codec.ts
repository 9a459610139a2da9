/**
 * The client side of the contract SDK's msgpack convention (contracts/sdk/assembly/msgpack.ts): arguments are a
 * msgpack array of positional values, results one msgpack value. Integers: JS numbers that are not 32-bit
 * integers are sent as bigint (the contract refuses floats); bigint is sent as int64/uint64 when it fits, and
 * above 2^64 as msgpackr's BigInt extension (ext 0x42, big-endian two's complement): the SDK's u128 form. 64-bit
 * integer forms decode to bigint, ext 0x42 decodes to bigint, bin decodes to Uint8Array.
 * @module
 */
import { Packr } from 'msgpackr';

/** The shared msgpackr instance with the SDK's options. */
export const packr = new Packr({
  useRecords: false,
  useBigIntExtension: true,
  int64AsType: 'bigint',
  mapsAsObjects: true,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
});

/** Numbers that are not exact 32-bit integers become bigint (integers) or an error (fractions). */
function normalize(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      if (value >= -0x80000000 && value <= 0xffffffff) return value;
      if (Number.isSafeInteger(value)) return BigInt(value);
    }
    throw new TypeError(`contract arguments hold no floats: ${value}`);
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [normalize(k), normalize(v)]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
}

/** Encodes one value the way the SDK decodes it. */
export function encodeValue(value: unknown): Uint8Array {
  return new Uint8Array(packr.pack(normalize(value)));
}

/** Encodes positional method arguments (a msgpack array). No arguments: empty input. */
export function encodeArgs(...args: unknown[]): Uint8Array {
  return args.length === 0 ? new Uint8Array(0) : encodeValue(args);
}

/** Decodes a method's msgpack result (undefined for empty return data). */
export function decodeResult<T = unknown>(bytes: Uint8Array): T {
  if (bytes.length === 0) return undefined as T;
  // a Buffer view, so msgpackr's cached DataView lands on it and not on the caller's array
  return unbuffer(packr.unpack(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) as T;
}

/** msgpackr decodes bin as Buffer; give plain Uint8Array. */
function unbuffer(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(unbuffer);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unbuffer(v)]));
  }
  return value;
}
