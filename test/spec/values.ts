/**
 * Values of WebAssembly scripts: integer and float literals parsed exactly (floats rounded to nearest-even from
 * the exact decimal or hexadecimal value with BigInt arithmetic, so no double rounding), conversion to the
 * JavaScript API's representation for arguments, and the comparison of results, where a NaN can only be checked
 * as "is NaN" (the JS API quietens and canonicalises NaN payloads).
 * @module
 */

/** An argument or a constant: integers as unsigned bit patterns, floats as bit patterns. */
export type WasmValue =
  | { readonly type: 'i32'; readonly bits: bigint }
  | { readonly type: 'i64'; readonly bits: bigint }
  | { readonly type: 'f32'; readonly bits: bigint }
  | { readonly type: 'f64'; readonly bits: bigint }
  | { readonly type: 'funcref'; readonly ref: null }
  | { readonly type: 'externref'; readonly ref: number | null };

/** An expected result: a value, any NaN, or any non-null function reference. */
export type Expected =
  | WasmValue
  | { readonly type: 'f32' | 'f64'; readonly nan: 'canonical' | 'arithmetic' }
  | { readonly type: 'funcref'; readonly ref: 'any' };

type FloatFormat = { readonly fractionBits: number; readonly exponentBits: number };
const F32: FloatFormat = { fractionBits: 23, exponentBits: 8 };
const F64: FloatFormat = { fractionBits: 52, exponentBits: 11 };

export class LiteralError extends Error {
  override name = 'LiteralError';
}

function stripUnderscores(text: string): string {
  if (/(^_|_$|__)/.test(text)) throw new LiteralError(`bad underscores in ${text}`);
  return text.replaceAll('_', '');
}

/** Parses an integer literal of `width` bits (signed or unsigned range) into its unsigned bit pattern. */
export function parseIntBits(text: string, width: 32 | 64): bigint {
  let body = text;
  let negative = false;
  if (body.startsWith('-') || body.startsWith('+')) {
    negative = body.startsWith('-');
    body = body.slice(1);
  }
  let magnitude: bigint;
  if (/^0x[0-9a-fA-F_]+$/.test(body)) magnitude = BigInt(`0x${stripUnderscores(body.slice(2))}`);
  else if (/^[0-9_]+$/.test(body)) magnitude = BigInt(stripUnderscores(body));
  else throw new LiteralError(`bad integer literal ${text}`);
  const limit = 1n << BigInt(width);
  if (negative ? magnitude > limit / 2n : magnitude >= limit) throw new LiteralError(`${text} out of range`);
  return BigInt.asUintN(width, negative ? -magnitude : magnitude);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds the exact positive rational num/den to the format, nearest-even; returns the bits without sign. */
function roundRational(num: bigint, den: bigint, format: FloatFormat): bigint {
  if (num === 0n) return 0n;
  const { fractionBits, exponentBits } = format;
  const bias = (1 << (exponentBits - 1)) - 1;
  const infinity = ((1n << BigInt(exponentBits)) - 1n) << BigInt(fractionBits);
  // exponent e with 2^e <= num/den < 2^(e+1)
  let e = bitLength(num) - bitLength(den);
  const ge = (x: bigint, y: bigint, k: number) => (k >= 0 ? x >= y << BigInt(k) : x << BigInt(-k) >= y);
  if (!ge(num, den, e)) e--;
  if (e > bias) return infinity;
  const minNormal = 1 - bias;
  if (e < minNormal) e = minNormal;
  // m = num / (den * 2^q), q = e - fractionBits
  const q = e - fractionBits;
  let n = num;
  let d = den;
  if (q >= 0) d <<= BigInt(q);
  else n <<= BigInt(-q);
  let m = n / d;
  const twiceRemainder = 2n * (n - m * d);
  if (twiceRemainder > d || (twiceRemainder === d && (m & 1n) === 1n)) m++;
  const implicit = 1n << BigInt(fractionBits);
  if (m >= 2n * implicit) {
    m >>= 1n;
    e++;
  }
  if (m < implicit) return m; // subnormal (or zero)
  if (e > bias) return infinity;
  return (BigInt(e + bias) << BigInt(fractionBits)) | (m - implicit);
}

/** Parses a float literal (decimal, hexadecimal, inf, nan, nan:0x...) into its bit pattern. */
export function parseFloatBits(text: string, type: 'f32' | 'f64'): bigint {
  const format = type === 'f32' ? F32 : F64;
  const width = BigInt(1 + format.exponentBits + format.fractionBits);
  const signBit = 1n << (width - 1n);
  let body = text;
  let sign = 0n;
  if (body.startsWith('-') || body.startsWith('+')) {
    if (body.startsWith('-')) sign = signBit;
    body = body.slice(1);
  }
  const fractionBits = BigInt(format.fractionBits);
  const exponentMask = ((1n << BigInt(format.exponentBits)) - 1n) << fractionBits;
  if (body === 'inf') return sign | exponentMask;
  if (body === 'nan') return sign | exponentMask | (1n << (fractionBits - 1n));
  if (body.startsWith('nan:0x')) {
    const payload = BigInt(`0x${stripUnderscores(body.slice(6))}`);
    if (payload === 0n || payload >= 1n << fractionBits) throw new LiteralError(`bad NaN payload ${text}`);
    return sign | exponentMask | payload;
  }
  let num: bigint;
  let den = 1n;
  const hex = /^0x([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:[pP]([+-]?[0-9_]+))?$/.exec(body);
  const dec = /^([0-9_]+)(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9_]+))?$/.exec(body);
  if (hex && hex[1] !== '') {
    const intPart = stripUnderscores(hex[1]!);
    const fracPart = hex[2] ? stripUnderscores(hex[2]) : '';
    const exp = hex[3] ? Number(stripUnderscores(hex[3])) : 0;
    num = BigInt(`0x${intPart}${fracPart}`);
    const e2 = exp - 4 * fracPart.length;
    if (e2 >= 0) num <<= BigInt(e2);
    else den <<= BigInt(-e2);
  } else if (dec) {
    const intPart = stripUnderscores(dec[1]!);
    const fracPart = dec[2] ? stripUnderscores(dec[2]) : '';
    const exp = dec[3] ? Number(stripUnderscores(dec[3])) : 0;
    num = BigInt(`${intPart}${fracPart}`);
    const e10 = exp - fracPart.length;
    if (num !== 0n && e10 > 400) return sign | exponentMask; // far beyond any finite float
    if (e10 >= 0) num *= 10n ** BigInt(e10);
    else den = 10n ** BigInt(Math.min(-e10, 1200));
  } else {
    throw new LiteralError(`bad float literal ${text}`);
  }
  return sign | roundRational(num, den, format);
}

const scratch = new DataView(new ArrayBuffer(8));

export function f32FromBits(bits: bigint): number {
  scratch.setUint32(0, Number(bits));
  return scratch.getFloat32(0);
}

export function f64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, bits);
  return scratch.getFloat64(0);
}

function f32Bits(value: number): bigint {
  scratch.setFloat32(0, value);
  return BigInt(scratch.getUint32(0));
}

function f64Bits(value: number): bigint {
  scratch.setFloat64(0, value);
  return scratch.getBigUint64(0);
}

/** One object per `ref.extern N`, so identity survives a round trip through wasm. */
const externs = new Map<number, object>();
export function externObject(n: number): object {
  let obj = externs.get(n);
  if (!obj) {
    obj = { externref: n };
    externs.set(n, obj);
  }
  return obj;
}

/** The JavaScript API value for an argument. */
export function toJs(value: WasmValue): unknown {
  switch (value.type) {
    case 'i32':
      return Number(BigInt.asIntN(32, value.bits));
    case 'i64':
      return BigInt.asIntN(64, value.bits);
    case 'f32':
      return f32FromBits(value.bits);
    case 'f64':
      return f64FromBits(value.bits);
    case 'funcref':
      return null;
    case 'externref':
      return value.ref === null ? null : externObject(value.ref);
  }
}

/** Whether a JS API result matches the expected value. */
export function matches(expected: Expected, actual: unknown): boolean {
  switch (expected.type) {
    case 'i32':
      return typeof actual === 'number' && BigInt.asUintN(32, BigInt(actual)) === expected.bits;
    case 'i64':
      return typeof actual === 'bigint' && BigInt.asUintN(64, actual) === expected.bits;
    case 'f32':
    case 'f64': {
      if (typeof actual !== 'number') return false;
      if ('nan' in expected) return Number.isNaN(actual);
      const nan =
        expected.type === 'f32' ? Number.isNaN(f32FromBits(expected.bits)) : Number.isNaN(f64FromBits(expected.bits));
      if (nan) return Number.isNaN(actual);
      return expected.type === 'f32'
        ? Math.fround(actual) === actual && f32Bits(actual) === expected.bits
        : f64Bits(actual) === expected.bits;
    }
    case 'funcref':
      return expected.ref === 'any' ? typeof actual === 'function' : actual === null;
    case 'externref':
      return expected.ref === null ? actual === null : actual === externObject(expected.ref);
  }
}

/** A short rendering of a value for failure messages. */
export function describe(value: Expected): string {
  if ('nan' in value) return `${value.type}:nan:${value.nan}`;
  switch (value.type) {
    case 'i32':
      return `i32:${BigInt.asIntN(32, value.bits)}`;
    case 'i64':
      return `i64:${BigInt.asIntN(64, value.bits)}`;
    case 'f32':
      return `f32:${f32FromBits(value.bits)} (0x${value.bits.toString(16)})`;
    case 'f64':
      return `f64:${f64FromBits(value.bits)} (0x${value.bits.toString(16)})`;
    case 'funcref':
      return value.ref === 'any' ? 'funcref:any' : 'funcref:null';
    case 'externref':
      return `externref:${value.ref}`;
  }
}

export function describeActual(actual: unknown): string {
  if (typeof actual === 'bigint') return `${actual}n`;
  if (typeof actual === 'number') return Object.is(actual, -0) ? '-0' : String(actual);
  if (typeof actual === 'function') return 'function';
  if (actual === null) return 'null';
  return JSON.stringify(actual) ?? String(actual);
}
