// Address: a 32-byte account or contract address. In msgpack an address is a bin of exactly 32 bytes.
import { panic } from "./errors";

export const ADDRESS_BYTES: i32 = 32;

export class Address {
  constructor(public readonly bytes: Uint8Array) {
    if (bytes.length != ADDRESS_BYTES) panic("address: need 32 bytes");
  }

  static zero(): Address {
    return new Address(new Uint8Array(ADDRESS_BYTES));
  }

  /** Copies 32 bytes at `offset`. */
  static fromBytes(bytes: Uint8Array, offset: i32 = 0): Address {
    if (offset < 0 || offset + ADDRESS_BYTES > bytes.length) panic("address: need 32 bytes");
    return new Address(bytes.slice(offset, offset + ADDRESS_BYTES));
  }

  get dataStart(): usize {
    return this.bytes.dataStart;
  }

  equals(other: Address): bool {
    return memory.compare(this.bytes.dataStart, other.bytes.dataStart, ADDRESS_BYTES) == 0;
  }

  isZero(): bool {
    for (let i = 0; i < ADDRESS_BYTES; i += 8) {
      if (load<u64>(this.bytes.dataStart + <usize>i) != 0) return false;
    }
    return true;
  }

  /** Lowercase hex, 64 characters. */
  toHex(): string {
    const digits = "0123456789abcdef";
    let out = "";
    for (let i = 0; i < ADDRESS_BYTES; i++) {
      const b = this.bytes[i];
      out += digits.charAt(b >> 4) + digits.charAt(b & 15);
    }
    return out;
  }

  toString(): string {
    return this.toHex();
  }
}
