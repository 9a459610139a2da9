// U128: an unsigned 128-bit integer (token amounts, native balances), two u64 halves. Arithmetic is checked: an
// overflow or underflow reverts. Operators: + - < <= > >= (== stays reference equality: compare with eq()). In msgpack a U128 is an ordinary unsigned integer when it fits in 64 bits, and
// msgpackr's BigInt extension (ext type 0x42, big-endian two's complement) otherwise: the same bytes msgpackr
// writes for a bigint with `useBigIntExtension: true`.
import { panic } from "./errors";

export class U128 {
  constructor(public lo: u64 = 0, public hi: u64 = 0) {}

  static zero(): U128 {
    return new U128(0, 0);
  }

  static fromU64(value: u64): U128 {
    return new U128(value, 0);
  }

  static max(): U128 {
    return new U128(u64.MAX_VALUE, u64.MAX_VALUE);
  }

  /** From 16 little-endian bytes at `offset` (the host's layout for balances and values). */
  static fromBytesLE(bytes: Uint8Array, offset: i32 = 0): U128 {
    if (offset < 0 || offset + 16 > bytes.length) panic("u128: need 16 bytes");
    const ptr = bytes.dataStart + <usize>offset;
    return new U128(load<u64>(ptr), load<u64>(ptr, 8));
  }

  /** 16 little-endian bytes. */
  toBytesLE(): Uint8Array {
    const out = new Uint8Array(16);
    store<u64>(out.dataStart, this.lo);
    store<u64>(out.dataStart, this.hi, 8);
    return out;
  }

  isZero(): bool {
    return (this.lo | this.hi) == 0;
  }

  fitsU64(): bool {
    return this.hi == 0;
  }

  toU64(): u64 {
    if (this.hi != 0) panic("u128: value does not fit in u64");
    return this.lo;
  }

  cmp(other: U128): i32 {
    if (this.hi != other.hi) return this.hi < other.hi ? -1 : 1;
    if (this.lo != other.lo) return this.lo < other.lo ? -1 : 1;
    return 0;
  }

  eq(other: U128): bool {
    return this.hi == other.hi && this.lo == other.lo;
  }

  lt(other: U128): bool {
    return this.cmp(other) < 0;
  }

  le(other: U128): bool {
    return this.cmp(other) <= 0;
  }

  gt(other: U128): bool {
    return this.cmp(other) > 0;
  }

  ge(other: U128): bool {
    return this.cmp(other) >= 0;
  }

  /** this + other, or null on overflow. */
  checkedAdd(other: U128): U128 | null {
    const lo = this.lo + other.lo;
    const carry: u64 = lo < this.lo ? 1 : 0;
    const hi = this.hi + other.hi;
    if (hi < this.hi) return null;
    const hi2 = hi + carry;
    if (hi2 < hi) return null;
    return new U128(lo, hi2);
  }

  /** this - other, or null if other > this. */
  checkedSub(other: U128): U128 | null {
    if (this.lt(other)) return null;
    const borrow: u64 = this.lo < other.lo ? 1 : 0;
    return new U128(this.lo - other.lo, this.hi - other.hi - borrow);
  }

  /** this + other; reverts "u128 overflow". */
  add(other: U128): U128 {
    const sum = this.checkedAdd(other);
    if (changetype<usize>(sum) == 0) {
      panic("u128 overflow");
      return U128.zero();
    }
    return changetype<U128>(sum);
  }

  /** this - other; reverts "u128 underflow". */
  sub(other: U128): U128 {
    const difference = this.checkedSub(other);
    if (changetype<usize>(difference) == 0) {
      panic("u128 underflow");
      return U128.zero();
    }
    return changetype<U128>(difference);
  }

  /** this * m (m a u64), or null on overflow. */
  checkedMulU64(m: u64): U128 | null {
    const low = mulWide(this.lo, m);
    const high = mulWide(this.hi, m);
    const hi = low.hi + high.lo;
    if (high.hi != 0 || hi < low.hi) return null;
    return new U128(low.lo, hi);
  }

  /** this * m (m a u64); reverts "u128 overflow". */
  mulU64(m: u64): U128 {
    const product = this.checkedMulU64(m);
    if (changetype<usize>(product) == 0) {
      panic("u128 overflow");
      return U128.zero();
    }
    return changetype<U128>(product);
  }

  /** Decimal digits. */
  toString(): string {
    if (this.hi == 0) return this.lo.toString();
    // long division by 10 on 32-bit limbs, most significant first
    const limbs = new StaticArray<u32>(4);
    limbs[0] = <u32>(this.hi >> 32);
    limbs[1] = <u32>this.hi;
    limbs[2] = <u32>(this.lo >> 32);
    limbs[3] = <u32>this.lo;
    let digits = "";
    while (limbs[0] != 0 || limbs[1] != 0 || limbs[2] != 0 || limbs[3] != 0) {
      let rem: u64 = 0;
      for (let i = 0; i < 4; i++) {
        const cur = (rem << 32) | <u64>limbs[i];
        limbs[i] = <u32>(cur / 10);
        rem = cur % 10;
      }
      digits = String.fromCharCode(48 + <i32>rem) + digits;
    }
    return digits;
  }

  // @ts-ignore: decorator
  @operator("+") static __add(a: U128, b: U128): U128 {
    return a.add(b);
  }

  // @ts-ignore: decorator
  @operator("-") static __sub(a: U128, b: U128): U128 {
    return a.sub(b);
  }

  // @ts-ignore: decorator
  @operator("<") static __lt(a: U128, b: U128): bool {
    return a.lt(b);
  }

  // @ts-ignore: decorator
  @operator("<=") static __le(a: U128, b: U128): bool {
    return a.le(b);
  }

  // @ts-ignore: decorator
  @operator(">") static __gt(a: U128, b: U128): bool {
    return a.gt(b);
  }

  // @ts-ignore: decorator
  @operator(">=") static __ge(a: U128, b: U128): bool {
    return a.ge(b);
  }
}

/** The full 128-bit product of two u64. */
function mulWide(a: u64, b: u64): U128 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return new U128((p00 & 0xffffffff) | (mid << 32), p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32));
}
