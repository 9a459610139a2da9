/**
 * Byte reading and writing for the wasm binary format: LEB128 integers, vectors, names. The reader throws
 * `MeteringError('MALFORMED')` on truncation, so nothing downstream ever reads past the end.
 * Spec: WebAssembly Core 2.0, section 5.2 (values).
 * @module
 */
import { MeteringError } from './errors.js';

export class ByteReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw truncated(this.pos);
    return this.bytes[this.pos++]!;
  }

  /** A little-endian fixed 32-bit word (magic and version). */
  u32fixed(): number {
    const b = this.bytes;
    if (this.pos + 4 > this.end) throw truncated(this.pos);
    const value = (b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16) | (b[this.pos + 3]! << 24)) >>> 0;
    this.pos += 4;
    return value;
  }

  /** Unsigned LEB128 of at most 32 bits (5 bytes). */
  u32(): number {
    const first = this.bytes[this.pos]!;
    if (first < 0x80 && this.pos < this.end) {
      // the common one-byte form (the read is undefined past the end, and undefined < 0x80 is false)
      this.pos++;
      return first;
    }
    // the longer forms without a call per byte or a power: the scale of each group is a running product
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (pos >= end) {
        this.pos = pos;
        throw truncated(pos);
      }
      const b = bytes[pos++]!;
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        this.pos = pos;
        if (result > 0xffffffff) break;
        return result;
      }
    }
    this.pos = pos;
    throw new MeteringError('MALFORMED', 'integer representation too long', { offset: this.pos });
  }

  /** Skips a signed LEB128 of any width (i32/i64/s33 immediates); returns its byte length. */
  skipLeb(): number {
    const start = this.pos;
    while (this.byte() & 0x80) {
      if (this.pos - start > 10)
        throw new MeteringError('MALFORMED', 'integer representation too long', { offset: start });
    }
    return this.pos - start;
  }

  /** Signed LEB128 up to 33 bits (block types), returned as a JS number. */
  s33(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (b & 0x80) throw new MeteringError('MALFORMED', 'integer representation too long', { offset: this.pos });
    if (b & 0x40) result -= 2 ** shift;
    return result;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw truncated(this.pos);
    this.pos += n;
  }

  name(): string {
    const length = this.u32();
    const start = this.pos;
    this.skip(length);
    // Import and export names are short ASCII: built directly, they cost a fraction of a TextDecoder call
    if (length <= 48) {
      let text = '';
      for (let i = start; i < start + length; i++) {
        const b = this.bytes[i]!;
        if (b >= 0x80) return UTF8_DECODER.decode(this.bytes.subarray(start, start + length));
        text += String.fromCharCode(b);
      }
      return text;
    }
    return UTF8_DECODER.decode(this.bytes.subarray(start, start + length));
  }
}

/** Shared, not made per call: both are stateless for whole-buffer use, and making one costs more than a name. */
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: false });
const UTF8_ENCODER = new TextEncoder();

/** Bytes in the unsigned LEB128 of `value` (a u32). */
function lebLength(value: number): number {
  let length = 1;
  for (let v = value >>> 7; v !== 0; v >>>= 7) length++;
  return length;
}

function truncated(offset: number): MeteringError {
  return new MeteringError('MALFORMED', 'unexpected end of module', { offset });
}

/** Appends bytes to a growing buffer; `finish()` returns the exact-length result. */
export class ByteWriter {
  private buffer: Uint8Array;
  length = 0;
  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Empties the writer for reuse, with room for at least `capacity` bytes. */
  reset(capacity: number): void {
    this.length = 0;
    if (this.buffer.length < capacity) this.buffer = new Uint8Array(capacity);
  }

  /** Bytes the writer holds room for. */
  get capacity(): number {
    return this.buffer.length;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + n) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  byte(b: number): this {
    if (this.length >= this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = b;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** Copies `src[from, to)`; short runs byte by byte, so the many small copies between insertions allocate no view. */
  range(src: Uint8Array, from: number, to: number): this {
    const n = to - from;
    if (n <= 0) return this;
    this.reserve(n);
    const buffer = this.buffer;
    if (n < 32) {
      let at = this.length;
      for (let i = from; i < to; i++) buffer[at++] = src[i]!;
    } else {
      buffer.set(src.subarray(from, to), this.length);
    }
    this.length += n;
    return this;
  }

  /**
   * Opens a size-prefixed span (a function body, a section): reserves room for the LEB128 of `expectedSize` (a guess;
   * by default the longest u32) and returns the span's start. `endSized`, given the same guess, writes the real
   * length there, moving the content if its LEB128 is longer or shorter than the room: no second buffer, no copy out
   * of one, and no move at all when the guess has the right number of LEB128 bytes.
   */
  beginSized(expectedSize = 0xffffffff): number {
    const room = lebLength(expectedSize);
    this.reserve(room);
    const start = this.length;
    this.length += room;
    return start;
  }

  endSized(start: number, expectedSize = 0xffffffff): void {
    const contentStart = start + lebLength(expectedSize);
    const size = this.length - contentStart;
    const prefix = lebLength(size);
    if (start + prefix !== contentStart) {
      if (start + prefix > contentStart) this.reserve(start + prefix - contentStart);
      this.buffer.copyWithin(start + prefix, contentStart, this.length);
      this.length += start + prefix - contentStart;
    }
    const buffer = this.buffer;
    let at = start;
    let v = size;
    for (let i = 1; i < prefix; i++, v >>>= 7) buffer[at++] = (v & 0x7f) | 0x80;
    buffer[at] = v & 0x7f;
  }

  /** Overwrites one byte already written (a one-byte immediate patched in place after a bulk copy). */
  setByte(at: number, value: number): void {
    this.buffer[at] = value;
  }

  u32(value: number): this {
    if (value === (value & 0x7f) && this.length < this.buffer.length) {
      // the common one-byte form (indices of locals and globals, counts)
      this.buffer[this.length++] = value;
      return this;
    }
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a 64-bit value. */
  s64(value: bigint): this {
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  s32(value: number): this {
    return this.sleb(value | 0);
  }

  /** Signed LEB128 of a safe integer (|value| < 2^53), without going through a bigint. */
  sleb(value: number): this {
    if (value === (value & 0x3f) && this.length < this.buffer.length) {
      // the common one-byte form (small costs, stack units)
      this.buffer[this.length++] = value;
      return this;
    }
    let v = value;
    for (;;) {
      const b = v & 0x7f; // the low 7 bits of the two's complement, also for negative numbers
      v = Math.floor(v / 128);
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  name(text: string): this {
    // ASCII names (the metering exports, nearly every other) are their own UTF-8: written without a TextEncoder call
    if (text.length <= 48) {
      let ascii = true;
      for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
      if (ascii) {
        this.u32(text.length).reserve(text.length);
        for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
        return this;
      }
    }
    const encoded = UTF8_ENCODER.encode(text);
    return this.u32(encoded.length).bytes(encoded);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /** The bytes written so far, without a copy: valid until the next write. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
