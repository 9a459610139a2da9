/**
 * Canonical binary encoding of everything the devnet hashes or stores (transactions, blocks, receipts): msgpack
 * arrays with a fixed field order, records extension off, integers as fixed-width little-endian `bin` so no
 * number ever goes through a float. A change to any encoded layout bumps its version field.
 * @module
 */
import { hash as oneShotHash } from 'node:crypto';
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, moreTypes: false, bundleStrings: false, variableMapSize: true });

export function pack(value: unknown): Uint8Array {
  return copyBytes(packr.pack(value));
}

/**
 * A copy of `bytes` as a plain Uint8Array over Buffer's shared pool (for up to 4 KiB): `new Uint8Array(bytes)` gives
 * anything over 64 bytes a malloc'd store of its own, to be freed later by the GC's sweeper (measured on a
 * transaction's 260 bytes: about 1.2 against 0.2 µs of CPU, all threads). A kept copy keeps its pool slab (8 KiB)
 * alive, as any pooled Buffer does.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  // Buffer's pool rather than state's allocBytes: the HTTP front end's worker loads this module and not state/
  const pooled = Buffer.allocUnsafe(bytes.length);
  const out = new Uint8Array(pooled.buffer, pooled.byteOffset, bytes.length);
  out.set(bytes);
  return out;
}

/**
 * `pack` without the copy: a view of the encoder's own buffer (msgpackr writes each encoding after the last one and
 * starts a new buffer when that one is full, so an encoding is never overwritten). For encodings that are hashed,
 * compared or copied at once and not kept: a kept view would keep the encoder's whole buffer (8 KiB and up) alive.
 * No ArrayBuffer of its own, which `pack`'s copy is for anything over 64 bytes (V8 keeps smaller typed arrays on
 * its heap): one malloc and free, and an entry for V8's array-buffer sweeper, fewer each.
 */
export function packView(value: unknown): Uint8Array {
  const packed = packr.pack(value);
  return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
}

export function unpack(bytes: Uint8Array): unknown {
  return packr.unpack(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * One scratch view for the fixed-width integers: a DataView made per call cost most of an encoding's time and an
 * object of garbage each (about 15 integers a transaction and block); the bytes are copied out of it at once.
 */
const SCRATCH = new DataView(new ArrayBuffer(16));
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer);

/** A u64 as 8 bytes little-endian (the value taken modulo 2^64). */
export function u64(value: bigint): Uint8Array {
  SCRATCH.setBigUint64(0, value, true);
  return SCRATCH_BYTES.slice(0, 8);
}

export function readU64(bytes: unknown, what: string): bigint {
  const b = asBytes(bytes, what);
  if (b.length !== 8) throw new TypeError(`${what}: expected 8 bytes`);
  SCRATCH_BYTES.set(b);
  return SCRATCH.getBigUint64(0, true);
}

/** A u128 as 16 bytes little-endian (the value taken modulo 2^128). */
export function u128(value: bigint): Uint8Array {
  SCRATCH.setBigUint64(0, value, true);
  SCRATCH.setBigUint64(8, value >> 64n, true);
  return SCRATCH_BYTES.slice(0, 16);
}

export function readU128(bytes: unknown, what: string): bigint {
  const b = asBytes(bytes, what);
  if (b.length !== 16) throw new TypeError(`${what}: expected 16 bytes`);
  SCRATCH_BYTES.set(b);
  return SCRATCH.getBigUint64(0, true) | (SCRATCH.getBigUint64(8, true) << 64n);
}

export function asBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what}: expected bytes`);
}

/** Where the parts of a multi-part hash are joined (synchronous use only; grown when a message is longer). */
let hashInput = Buffer.allocUnsafeSlow(1024);

/**
 * SHA-256 of the parts joined. node:crypto's one-shot hash on one buffer (the parts copied into a reused one),
 * its digest taken as a latin1 string and copied into a 32-byte array: no Hash object and no digest Buffer, whose
 * own malloc'd store the garbage collector's helper threads then sweep (measured: 4.2 -> 1.7 µs of CPU, all
 * threads, for a transfer's kinds of hashes: a 260-byte transaction, an address, a block header in three parts).
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  let input: Uint8Array;
  if (parts.length === 1) input = parts[0]!;
  else {
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > hashInput.length) hashInput = Buffer.allocUnsafeSlow(2 * length);
    let o = 0;
    for (const part of parts) {
      hashInput.set(part, o);
      o += part.length;
    }
    input = hashInput.subarray(0, length);
  }
  const digest = oneShotHash('sha256', input, 'binary');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** Binary Merkle root (sha256, odd node promoted) of a list of 32-byte hashes; 32 zero bytes for none. */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return new Uint8Array(32);
  let level = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? sha256(level[i]!, level[i + 1]!) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}

/**
 * Buffer's native hex encoder, which reads any Uint8Array as `this`: half the time of `Buffer.from(view).toString
 * ('hex')` on 32 bytes (90 against 180-200 ns) and no Buffer object per call (a transfer makes about 17 hex
 * strings). Undefined if a Node ever drops it; `toHex` then wraps the bytes in a Buffer as before.
 */
const hexSlice = (Buffer.prototype as { hexSlice?: (this: Uint8Array, start: number, end: number) => string }).hexSlice;

export function toHex(bytes: Uint8Array): `0x${string}` {
  if (hexSlice !== undefined) return `0x${hexSlice.call(bytes, 0, bytes.length)}`;
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/**
 * 0x-prefixed hex of whole bytes. The group is non-capturing: a capturing one records each of a 250-byte
 * transaction's pairs, 485 against 305 ns a test (81 against 60 on a 32-byte hash); the same strings match.
 */
export const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;

export function fromHex(text: string, what: string, length?: number): Uint8Array {
  if (typeof text !== 'string' || !HEX_BYTES.test(text)) {
    throw new TypeError(`${what} must be 0x-prefixed hex with an even number of digits`);
  }
  const bytes = new Uint8Array(Buffer.from(text.slice(2), 'hex'));
  if (length !== undefined && bytes.length !== length) {
    throw new TypeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}
