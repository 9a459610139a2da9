// MessagePack encoder and decoder, integers only (a float argument is refused: contracts have no floats).
//
// Types and their msgpack forms (the Encoder always writes the shortest form; the Decoder accepts every form):
//   nil, bool; u64/i64 (and narrower integers): positive/negative fixint, uint8..64, int8..64;
//   U128: an unsigned integer if it fits in 64 bits, else ext 0x42 (msgpackr's BigInt extension: big-endian
//         two's complement, 16 bytes below 2^127, 24 bytes from 2^127);
//   string: str (UTF-8); Uint8Array: bin; Address: bin of 32 bytes; arrays and maps: headers, then items.
// Clients encode with msgpackr (`new Packr({ useRecords: false, useBigIntExtension: true, ... })`, see
// contracts/codec.ts).
import { Address, ADDRESS_BYTES } from "./address";
import { panic } from "./errors";
import { U128 } from "./u128";

/** msgpackr's extension type for big integers. */
export const EXT_BIGINT: i8 = 0x42;

export enum Kind {
  Nil,
  Bool,
  /** A non-negative integer (any integer form holding a value >= 0). */
  Uint,
  /** A negative integer. */
  Int,
  Float,
  Str,
  Bin,
  Array,
  Map,
  /** ext 0x42: a big integer (U128). */
  BigInt,
  /** Any other extension, or a reserved byte. */
  Other,
}

export class Encoder {
  private buf: Uint8Array;
  private pos: i32 = 0;

  constructor(capacity: i32 = 64) {
    this.buf = new Uint8Array(capacity < 8 ? 8 : capacity);
  }

  get length(): i32 {
    return this.pos;
  }

  private ensure(extra: i32): usize {
    const need = this.pos + extra;
    if (need > this.buf.length) {
      let size = this.buf.length << 1;
      while (size < need) size <<= 1;
      const bigger = new Uint8Array(size);
      memory.copy(bigger.dataStart, this.buf.dataStart, <usize>this.pos);
      this.buf = bigger;
    }
    const at = this.buf.dataStart + <usize>this.pos;
    this.pos = need;
    return at;
  }

  private byte(b: u32): void {
    store<u8>(this.ensure(1), <u8>b);
  }

  private tag8(tag: u32, v: u32): void {
    const at = this.ensure(2);
    store<u8>(at, <u8>tag);
    store<u8>(at, <u8>v, 1);
  }

  private tag16(tag: u32, v: u32): void {
    const at = this.ensure(3);
    store<u8>(at, <u8>tag);
    store<u16>(at, bswap<u16>(<u16>v), 1);
  }

  private tag32(tag: u32, v: u32): void {
    const at = this.ensure(5);
    store<u8>(at, <u8>tag);
    store<u32>(at, bswap<u32>(v), 1);
  }

  private tag64(tag: u32, v: u64): void {
    const at = this.ensure(9);
    store<u8>(at, <u8>tag);
    store<u64>(at, bswap<u64>(v), 1);
  }

  private rawPtr(ptr: usize, len: i32): void {
    memory.copy(this.ensure(len), ptr, <usize>len);
  }

  nil(): Encoder {
    this.byte(0xc0);
    return this;
  }

  bool(value: bool): Encoder {
    this.byte(value ? 0xc3 : 0xc2);
    return this;
  }

  u64(value: u64): Encoder {
    if (value < 0x80) this.byte(<u32>value);
    else if (value < 0x100) this.tag8(0xcc, <u32>value);
    else if (value < 0x10000) this.tag16(0xcd, <u32>value);
    else if (value < 0x100000000) this.tag32(0xce, <u32>value);
    else this.tag64(0xcf, value);
    return this;
  }

  i64(value: i64): Encoder {
    if (value >= 0) return this.u64(<u64>value);
    if (value >= -32) this.byte(<u32>(<i32>value & 0xff));
    else if (value >= -128) this.tag8(0xd0, <u32>value & 0xff);
    else if (value >= -32768) this.tag16(0xd1, <u32>value & 0xffff);
    else if (value >= -2147483648) this.tag32(0xd2, <u32>value);
    else this.tag64(0xd3, <u64>value);
    return this;
  }

  u128(value: U128): Encoder {
    if (value.hi == 0) return this.u64(value.lo);
    if (value.hi >> 63 == 0) {
      const at = this.ensure(18);
      store<u8>(at, 0xd8); // fixext 16
      store<i8>(at, EXT_BIGINT, 1);
      store<u64>(at, bswap<u64>(value.hi), 2);
      store<u64>(at, bswap<u64>(value.lo), 10);
    } else {
      const at = this.ensure(27);
      store<u8>(at, 0xc7); // ext 8, 24 bytes: a zero sign word first
      store<u8>(at, 24, 1);
      store<i8>(at, EXT_BIGINT, 2);
      store<u64>(at, 0, 3);
      store<u64>(at, bswap<u64>(value.hi), 11);
      store<u64>(at, bswap<u64>(value.lo), 19);
    }
    return this;
  }

  str(value: string): Encoder {
    const len = String.UTF8.byteLength(value);
    if (len < 32) this.byte(0xa0 | <u32>len);
    else if (len < 0x100) this.tag8(0xd9, <u32>len);
    else if (len < 0x10000) this.tag16(0xda, <u32>len);
    else this.tag32(0xdb, <u32>len);
    const at = this.ensure(len);
    String.UTF8.encodeUnsafe(changetype<usize>(value), value.length, at);
    return this;
  }

  bin(value: Uint8Array): Encoder {
    const len = value.length;
    if (len < 0x100) this.tag8(0xc4, <u32>len);
    else if (len < 0x10000) this.tag16(0xc5, <u32>len);
    else this.tag32(0xc6, <u32>len);
    this.rawPtr(value.dataStart, len);
    return this;
  }

  address(value: Address): Encoder {
    return this.bin(value.bytes);
  }

  array(count: i32): Encoder {
    if (count < 16) this.byte(0x90 | <u32>count);
    else if (count < 0x10000) this.tag16(0xdc, <u32>count);
    else this.tag32(0xdd, <u32>count);
    return this;
  }

  map(count: i32): Encoder {
    if (count < 16) this.byte(0x80 | <u32>count);
    else if (count < 0x10000) this.tag16(0xde, <u32>count);
    else this.tag32(0xdf, <u32>count);
    return this;
  }

  /** Appends already encoded msgpack bytes as they are. */
  raw(bytes: Uint8Array): Encoder {
    this.rawPtr(bytes.dataStart, bytes.length);
    return this;
  }

  /** Any supported type: bool, integers, U128, string, Uint8Array, Address. */
  write<T>(value: T): Encoder {
    if (isBoolean<T>()) return this.bool(<bool>value);
    else if (isInteger<T>()) {
      if (isSigned<T>()) return this.i64(<i64>value);
      return this.u64(<u64>value);
    } else if (isString<T>()) return this.str(changetype<string>(value));
    else if (value instanceof Uint8Array) return this.bin(value);
    else if (value instanceof U128) return this.u128(value);
    else if (value instanceof Address) return this.address(value);
    ERROR("Encoder.write: unsupported type");
    return this;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Encodes one value. */
export function encode<T>(value: T): Uint8Array {
  return new Encoder().write<T>(value).finish();
}

/** ExtHeader.type when the next value is not an extension. */
const NOT_EXT: i32 = -1000;

/** Nesting depth `skip` follows before refusing. */
const MAX_DEPTH: i32 = 64;

export class Decoder {
  pos: i32 = 0;
  /** Names what is decoded in error messages, e.g. "bad arguments". */
  label: string;
  /** When >= 0, error messages say "argument <index>". */
  index: i32 = -1;

  constructor(public readonly buf: Uint8Array, label: string = "msgpack") {
    this.label = label;
  }

  get remaining(): i32 {
    return this.buf.length - this.pos;
  }

  /** Reverts with "<label>[: argument i]: <message>[ at byte <pos>]". */
  fail(message: string, withPosition: bool = true): void {
    let text = this.label;
    if (this.index >= 0) text += ": argument " + this.index.toString();
    text += ": " + message;
    if (withPosition) text += " at byte " + this.pos.toString();
    panic(text);
  }

  private need(n: i32): usize {
    if (n < 0 || n > this.buf.length - this.pos) {
      this.fail("unexpected end of data");
    }
    const at = this.buf.dataStart + <usize>this.pos;
    this.pos += n;
    return at;
  }

  private u8(): u32 {
    return <u32>load<u8>(this.need(1));
  }

  private be16(): u32 {
    return <u32>bswap<u16>(load<u16>(this.need(2)));
  }

  private be32(): u32 {
    return bswap<u32>(load<u32>(this.need(4)));
  }

  private be64(): u64 {
    return bswap<u64>(load<u64>(this.need(8)));
  }

  private peekByte(): u32 {
    if (this.pos >= this.buf.length) this.fail("unexpected end of data");
    return <u32>this.buf[this.pos];
  }

  /** The kind of the next value, without consuming it. */
  kind(): Kind {
    const b = this.peekByte();
    if (b < 0x80 || (b >= 0xcc && b <= 0xcf)) return Kind.Uint;
    if (b >= 0xe0) return Kind.Int;
    if (b >= 0xd0 && b <= 0xd3) {
      // a signed form: negative or not?
      const save = this.pos;
      const v = this.i64();
      this.pos = save;
      return v < 0 ? Kind.Int : Kind.Uint;
    }
    if (b >= 0xa0 && b <= 0xbf) return Kind.Str;
    if (b >= 0x90 && b <= 0x9f) return Kind.Array;
    if (b >= 0x80 && b <= 0x8f) return Kind.Map;
    switch (b) {
      case 0xc0:
        return Kind.Nil;
      case 0xc2:
      case 0xc3:
        return Kind.Bool;
      case 0xca:
      case 0xcb:
        return Kind.Float;
      case 0xd9:
      case 0xda:
      case 0xdb:
        return Kind.Str;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        return Kind.Bin;
      case 0xdc:
      case 0xdd:
        return Kind.Array;
      case 0xde:
      case 0xdf:
        return Kind.Map;
    }
    const save = this.pos;
    const ext = this.extHeader();
    this.pos = save;
    return ext.type == EXT_BIGINT ? Kind.BigInt : Kind.Other;
  }

  isNil(): bool {
    return this.pos < this.buf.length && this.buf[this.pos] == 0xc0;
  }

  nil(): void {
    if (this.u8() != 0xc0) this.wrong("nil");
  }

  bool(): bool {
    const b = this.u8();
    if (b == 0xc3) return true;
    if (b != 0xc2) this.wrong("bool");
    return false;
  }

  private wrong(expected: string): void {
    this.pos -= 1;
    this.fail("expected " + expected);
  }

  /** Any integer form, as a signed 64-bit value; a uint64 above i64.MAX_VALUE is refused. */
  i64(): i64 {
    const b = this.u8();
    if (b < 0x80) return <i64>b;
    if (b >= 0xe0) return <i64>(<i8>b);
    switch (b) {
      case 0xcc:
        return <i64>this.u8();
      case 0xcd:
        return <i64>this.be16();
      case 0xce:
        return <i64>this.be32();
      case 0xcf: {
        const v = this.be64();
        if (v > <u64>i64.MAX_VALUE) {
          this.pos -= 9;
          this.fail("integer out of i64 range");
        }
        return <i64>v;
      }
      case 0xd0:
        return <i64>(<i8>this.u8());
      case 0xd1:
        return <i64>(<i16>this.be16());
      case 0xd2:
        return <i64>(<i32>this.be32());
      case 0xd3:
        return <i64>this.be64();
    }
    this.wrong(b == 0xca || b == 0xcb ? "an integer (floats are not supported)" : "an integer");
    return 0;
  }

  /** Any integer form holding a value >= 0. */
  u64(): u64 {
    const b = this.peekByte();
    if (b == 0xcf) {
      this.pos += 1;
      return this.be64();
    }
    const start = this.pos;
    const v = this.i64();
    if (v < 0) {
      this.pos = start;
      this.fail("expected an unsigned integer");
    }
    return <u64>v;
  }

  u32(): u32 {
    const start = this.pos;
    const v = this.u64();
    if (v > u32.MAX_VALUE) {
      this.pos = start;
      this.fail("integer out of u32 range");
    }
    return <u32>v;
  }

  i32(): i32 {
    const start = this.pos;
    const v = this.i64();
    if (v < i32.MIN_VALUE || v > i32.MAX_VALUE) {
      this.pos = start;
      this.fail("integer out of i32 range");
    }
    return <i32>v;
  }

  /** A non-negative integer below 2^128: an integer form, or ext 0x42. */
  u128(): U128 {
    const start = this.pos;
    const b = this.peekByte();
    if (b < 0x80 || (b >= 0xcc && b <= 0xd3) || b >= 0xe0) {
      if (this.kind() == Kind.Int) this.fail("expected a u128, got a negative integer");
      return U128.fromU64(this.u64());
    }
    const ext = this.extHeader();
    if (ext.type != EXT_BIGINT || ext.length == 0) {
      this.pos = start;
      this.fail("expected a u128");
    }
    const at = this.need(ext.length);
    // big-endian two's complement: a set top bit is negative
    if ((load<u8>(at) & 0x80) != 0) {
      this.pos = start;
      this.fail("expected a u128, got a negative integer");
    }
    let hi: u64 = 0;
    let lo: u64 = 0;
    for (let i: i32 = 0; i < ext.length; i++) {
      if (hi >> 56 != 0) {
        this.pos = start;
        this.fail("integer out of u128 range");
      }
      hi = (hi << 8) | (lo >> 56);
      lo = (lo << 8) | <u64>load<u8>(at + <usize>i);
    }
    return new U128(lo, hi);
  }

  private extHeader(): ExtHeader {
    const b = this.u8();
    let length: i32 = -1;
    switch (b) {
      case 0xd4:
        length = 1;
        break;
      case 0xd5:
        length = 2;
        break;
      case 0xd6:
        length = 4;
        break;
      case 0xd7:
        length = 8;
        break;
      case 0xd8:
        length = 16;
        break;
      case 0xc7:
        length = <i32>this.u8();
        break;
      case 0xc8:
        length = <i32>this.be16();
        break;
      case 0xc9:
        length = <i32>this.be32();
        break;
    }
    if (length < 0) {
      this.pos -= 1;
      return new ExtHeader(NOT_EXT, 0);
    }
    const type = <i32>(<i8>this.u8());
    return new ExtHeader(type, length);
  }

  private strLength(): i32 {
    const b = this.u8();
    if (b >= 0xa0 && b <= 0xbf) return <i32>(b & 0x1f);
    if (b == 0xd9) return <i32>this.u8();
    if (b == 0xda) return <i32>this.be16();
    if (b == 0xdb) return this.length32();
    this.wrong("a string");
    return 0;
  }

  private length32(): i32 {
    const n = this.be32();
    if (n > <u32>this.remaining) this.fail("unexpected end of data");
    return <i32>n;
  }

  str(): string {
    const len = this.strLength();
    const at = this.need(len);
    return String.UTF8.decodeUnsafe(at, <usize>len);
  }

  private binLength(): i32 {
    const b = this.u8();
    if (b == 0xc4) return <i32>this.u8();
    if (b == 0xc5) return <i32>this.be16();
    if (b == 0xc6) return this.length32();
    this.wrong("bytes");
    return 0;
  }

  bin(): Uint8Array {
    const len = this.binLength();
    const start = this.pos;
    this.need(len);
    return this.buf.slice(start, start + len);
  }

  address(): Address {
    const start = this.pos;
    const bytes = this.bin();
    if (bytes.length != ADDRESS_BYTES) {
      this.pos = start;
      this.fail("expected a 32-byte address");
    }
    return new Address(bytes);
  }

  /** An array header: the number of items that follow. */
  array(): i32 {
    const b = this.u8();
    if (b >= 0x90 && b <= 0x9f) return <i32>(b & 0x0f);
    if (b == 0xdc) return <i32>this.be16();
    if (b == 0xdd) return this.length32();
    this.wrong("an array");
    return 0;
  }

  /** A map header: the number of key/value pairs that follow. */
  map(): i32 {
    const b = this.u8();
    if (b >= 0x80 && b <= 0x8f) return <i32>(b & 0x0f);
    if (b == 0xde) return <i32>this.be16();
    if (b == 0xdf) return this.length32();
    this.wrong("a map");
    return 0;
  }

  /** Skips one value of any kind (nested up to 64 levels). */
  skip(): void {
    this.skipDepth(0);
  }

  private skipDepth(depth: i32): void {
    if (depth > MAX_DEPTH) this.fail("nested too deeply");
    const kind = this.kind();
    switch (kind) {
      case Kind.Nil:
      case Kind.Bool:
        this.pos += 1;
        return;
      case Kind.Uint:
      case Kind.Int:
        this.i64OrU64();
        return;
      case Kind.Float: {
        const b = this.u8();
        this.need(b == 0xca ? 4 : 8);
        return;
      }
      case Kind.Str:
        this.need(this.strLength());
        return;
      case Kind.Bin:
        this.need(this.binLength());
        return;
      case Kind.Array: {
        const n = this.array();
        for (let i = 0; i < n; i++) this.skipDepth(depth + 1);
        return;
      }
      case Kind.Map: {
        const n = this.map();
        for (let i = 0; i < n; i++) {
          this.skipDepth(depth + 1);
          this.skipDepth(depth + 1);
        }
        return;
      }
    }
    const ext = this.extHeader();
    if (ext.type == NOT_EXT) this.fail("reserved byte 0xc1");
    this.need(ext.length);
  }

  private i64OrU64(): void {
    if (this.peekByte() == 0xcf) this.need(9);
    else this.i64();
  }

  /** Any supported type: bool, integers (range-checked), U128, string, Uint8Array, Address. */
  read<T>(): T {
    if (isBoolean<T>()) return <T>this.bool();
    else if (isInteger<T>()) {
      const start = this.pos;
      if (isSigned<T>()) {
        const v = this.i64();
        if (sizeof<T>() < 8 && <i64>(<T>v) != v) {
          this.pos = start;
          this.fail("integer out of range");
        }
        return <T>v;
      }
      const v = this.u64();
      if (sizeof<T>() < 8 && <u64>(<T>v) != v) {
        this.pos = start;
        this.fail("integer out of range");
      }
      return <T>v;
    } else if (isString<T>()) return changetype<T>(this.str());
    else if (idof<T>() == idof<Uint8Array>()) return changetype<T>(this.bin());
    else if (idof<T>() == idof<U128>()) return changetype<T>(this.u128());
    else if (idof<T>() == idof<Address>()) return changetype<T>(this.address());
    ERROR("Decoder.read: unsupported type");
    return changetype<T>(0);
  }

  /** Reverts unless every byte was consumed. */
  end(): void {
    if (this.pos != this.buf.length) this.fail("trailing bytes");
  }
}

class ExtHeader {
  constructor(public type: i32, public length: i32) {}
}

/** Decodes one value that must fill `bytes` exactly. */
export function decode<T>(bytes: Uint8Array, label: string = "msgpack"): T {
  const d = new Decoder(bytes, label);
  const value = d.read<T>();
  d.end();
  return value;
}
