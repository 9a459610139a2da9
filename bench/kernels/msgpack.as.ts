/**
 * Benchmark kernel: a MessagePack decode loop. A fixed document (an array of ints of every width, strings and
 * nested arrays, built once from a seeded generator) is decoded n times by a recursive-descent decoder that folds
 * every value into a checksum. Byte-dispatch branches, byte loads and short calls, as a contract's argument
 * decoding does.
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

const CAPACITY: i32 = 64 * 1024;
const BUF = memory.data(CAPACITY, 8);
let encodedLength: i32 = 0;
let seed: u32 = 0x2545f491;
let pos: i32 = 0;

function next(): u32 {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

function put8(v: u32): void {
  store<u8>(BUF + <usize>pos, <u8>v);
  pos += 1;
}

function put16(v: u32): void {
  store<u16>(BUF + <usize>pos, bswap<u16>(<u16>v));
  pos += 2;
}

function put32(v: u32): void {
  store<u32>(BUF + <usize>pos, bswap<u32>(v));
  pos += 4;
}

function put64(v: u64): void {
  store<u64>(BUF + <usize>pos, bswap<u64>(v));
  pos += 8;
}

function encodeInt(): void {
  const r = next();
  switch (r % 8) {
    case 0: put8(r & 0x7f); break; // positive fixint
    case 1: put8(0xe0 | (r & 0x1f)); break; // negative fixint
    case 2: put8(0xcc); put8(r >> 8); break; // uint8
    case 3: put8(0xcd); put16(r >> 8); break; // uint16
    case 4: put8(0xce); put32(r); break; // uint32
    case 5: put8(0xcf); put64((<u64>r << 32) | <u64>next()); break; // uint64
    case 6: put8(0xd1); put16(r >> 16); break; // int16
    default: put8(0xd3); put64((<u64>next() << 32) | <u64>r); break; // int64
  }
}

function encodeString(): void {
  const r = next();
  const length = <i32>(r % 48);
  if (length < 32) put8(0xa0 | length);
  else {
    put8(0xd9);
    put8(length);
  }
  for (let i = 0; i < length; i++) put8(0x61 + ((r >> (i & 15)) & 15) + i);
}

function encodeValue(depth: i32): void {
  const r = next() % 10;
  if (r < 5) encodeInt();
  else if (r < 8) encodeString();
  else if (r == 8 && depth < 3) {
    const count = <i32>(next() % 9);
    put8(0x90 | count);
    for (let i = 0; i < count; i++) encodeValue(depth + 1);
  } else if (r == 8) put8(0xc0); // nil
  else put8(0xc2 | (next() & 1)); // false, true
}

function encode(): void {
  pos = 0;
  put8(0xdc); // array16
  put16(400);
  for (let i = 0; i < 400; i++) encodeValue(0);
  encodedLength = pos;
}

@inline
function take8(): u32 {
  const v = <u32>load<u8>(BUF + <usize>pos);
  pos += 1;
  return v;
}

@inline
function take16(): u32 {
  const v = <u32>bswap<u16>(load<u16>(BUF + <usize>pos));
  pos += 2;
  return v;
}

@inline
function take32(): u32 {
  const v = bswap<u32>(load<u32>(BUF + <usize>pos));
  pos += 4;
  return v;
}

@inline
function take64(): u64 {
  const v = bswap<u64>(load<u64>(BUF + <usize>pos));
  pos += 8;
  return v;
}

function decodeString(length: i32): i64 {
  let h: i64 = length;
  for (let i = 0; i < length; i++) h = h * 31 + <i64>load<u8>(BUF + <usize>(pos + i));
  pos += length;
  return h;
}

function decodeArray(count: i32): i64 {
  let h: i64 = count;
  for (let i = 0; i < count; i++) h = (h ^ decodeValue()) * 0x100000001b3;
  return h;
}

function decodeValue(): i64 {
  const tag = take8();
  if (tag < 0x80) return <i64>tag;
  if (tag >= 0xe0) return <i64>(<i8>tag);
  if ((tag & 0xf0) == 0x90) return decodeArray(<i32>(tag & 0x0f));
  if ((tag & 0xe0) == 0xa0) return decodeString(<i32>(tag & 0x1f));
  switch (tag) {
    case 0xc0: return 0;
    case 0xc2: return 2;
    case 0xc3: return 3;
    case 0xcc: return <i64>take8();
    case 0xcd: return <i64>take16();
    case 0xce: return <i64>take32();
    case 0xcf: return <i64>take64();
    case 0xd1: return <i64>(<i16>take16());
    case 0xd3: return <i64>take64();
    case 0xd9: return decodeString(<i32>take8());
    case 0xdc: return decodeArray(<i32>take16());
    default: unreachable();
  }
  return 0;
}

/** Decodes the document n times; returns the sum of the per-decode checksums. */
export function run(n: i32): i64 {
  if (encodedLength == 0) encode();
  let total: i64 = 0;
  for (let r = 0; r < n; r++) {
    pos = 0;
    total += decodeValue();
    if (pos != encodedLength) unreachable();
  }
  return total;
}
