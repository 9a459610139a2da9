// Contract storage: raw byte keys and values, and typed helpers on top. Typed values are stored msgpack-encoded
// (the same encoding as arguments, so clients can read them). Key layout:
//   Storage / StorageValue: the key string's UTF-8 bytes;
//   StorageMap(prefix): prefix UTF-8, 0x2f ('/'), then the map key: string UTF-8, Address 32 bytes,
//     Uint8Array as is, integers 8 bytes big-endian (so they sort numerically);
//   StorageVec(prefix): prefix UTF-8, 0x23 ('#') for the length (u64), 0x2f ('/') + u32 BE index for items.
import * as env from "./env";
import { Address } from "./address";
import { panic, utf8 } from "./errors";
import { Decoder, Encoder } from "./msgpack";

/** The stored bytes under `key`, or null. */
export function storageRead(key: Uint8Array): Uint8Array | null {
  const size = env.storage_read(key.dataStart, <u32>key.length);
  if (size < 0) return null;
  const out = new Uint8Array(size);
  if (size > 0) env.result_read(out.dataStart);
  return out;
}

export function storageWrite(key: Uint8Array, value: Uint8Array): void {
  env.storage_write(key.dataStart, <u32>key.length, value.dataStart, <u32>value.length);
}

/** Removes `key`; whether it was there. */
export function storageRemove(key: Uint8Array): bool {
  return env.storage_remove(key.dataStart, <u32>key.length) == 1;
}

export function storageHas(key: Uint8Array): bool {
  return env.storage_read(key.dataStart, <u32>key.length) >= 0;
}

function encodeValue<T>(value: T): Uint8Array {
  return new Encoder(16).write<T>(value).finish();
}

function decodeValue<T>(bytes: Uint8Array): T {
  const d = new Decoder(bytes, "corrupt storage value");
  const value = d.read<T>();
  d.end();
  return value;
}

function readTyped<T>(key: Uint8Array, fallback: T): T {
  const bytes = storageRead(key);
  if (bytes == null) return fallback;
  return decodeValue<T>(bytes);
}

/** Typed values under string keys. */
export class Storage {
  static get<T>(key: string, fallback: T): T {
    return readTyped<T>(utf8(key), fallback);
  }

  static set<T>(key: string, value: T): void {
    storageWrite(utf8(key), encodeValue<T>(value));
  }

  static has(key: string): bool {
    return storageHas(utf8(key));
  }

  static remove(key: string): bool {
    return storageRemove(utf8(key));
  }
}

/** One typed value under a fixed key. */
export class StorageValue<T> {
  private readonly key: Uint8Array;

  constructor(key: string) {
    this.key = utf8(key);
  }

  get(fallback: T): T {
    return readTyped<T>(this.key, fallback);
  }

  set(value: T): void {
    storageWrite(this.key, encodeValue<T>(value));
  }

  exists(): bool {
    return storageHas(this.key);
  }

  remove(): bool {
    return storageRemove(this.key);
  }
}

/** The bytes of a map key. */
export function keyBytes<K>(key: K): Uint8Array {
  if (isString<K>()) return utf8(changetype<string>(key));
  else if (isInteger<K>()) {
    const out = new Uint8Array(8);
    store<u64>(out.dataStart, bswap<u64>(<u64>key));
    return out;
  } else if (idof<K>() == idof<Address>()) return changetype<Address>(key).bytes;
  else if (idof<K>() == idof<Uint8Array>()) return changetype<Uint8Array>(key);
  ERROR("StorageMap: unsupported key type");
  return new Uint8Array(0);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  memory.copy(out.dataStart, a.dataStart, <usize>a.length);
  memory.copy(out.dataStart + <usize>a.length, b.dataStart, <usize>b.length);
  return out;
}

/** A typed map in storage, K: string, Address, Uint8Array or an integer. */
export class StorageMap<K, V> {
  private readonly prefix: Uint8Array;

  constructor(prefix: string) {
    this.prefix = utf8(prefix + "/");
  }

  keyOf(key: K): Uint8Array {
    return concat(this.prefix, keyBytes<K>(key));
  }

  get(key: K, fallback: V): V {
    return readTyped<V>(this.keyOf(key), fallback);
  }

  set(key: K, value: V): void {
    storageWrite(this.keyOf(key), encodeValue<V>(value));
  }

  has(key: K): bool {
    return storageHas(this.keyOf(key));
  }

  remove(key: K): bool {
    return storageRemove(this.keyOf(key));
  }
}

/** A typed vector in storage: a length and items by index. */
export class StorageVec<T> {
  private readonly prefix: string;
  private readonly lengthKey: Uint8Array;
  private readonly itemPrefix: Uint8Array;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.lengthKey = utf8(prefix + "#");
    this.itemPrefix = utf8(prefix + "/");
  }

  private itemKey(index: u32): Uint8Array {
    const key = new Uint8Array(this.itemPrefix.length + 4);
    memory.copy(key.dataStart, this.itemPrefix.dataStart, <usize>this.itemPrefix.length);
    store<u32>(key.dataStart + <usize>this.itemPrefix.length, bswap<u32>(index));
    return key;
  }

  get length(): u32 {
    return <u32>readTyped<u64>(this.lengthKey, 0);
  }

  private setLength(length: u32): void {
    storageWrite(this.lengthKey, encodeValue<u64>(<u64>length));
  }

  private check(index: u32, length: u32): void {
    if (index >= length) {
      panic(this.prefix + ": index " + index.toString() + " out of bounds (length " + length.toString() + ")");
    }
  }

  get(index: u32): T {
    this.check(index, this.length);
    const bytes = storageRead(this.itemKey(index));
    if (bytes == null) panic(this.prefix + ": missing item");
    return decodeValue<T>(changetype<Uint8Array>(bytes));
  }

  set(index: u32, value: T): void {
    this.check(index, this.length);
    storageWrite(this.itemKey(index), encodeValue<T>(value));
  }

  /** Appends; returns the new item's index. */
  push(value: T): u32 {
    const length = this.length;
    if (length == u32.MAX_VALUE) panic(this.prefix + ": full");
    storageWrite(this.itemKey(length), encodeValue<T>(value));
    this.setLength(length + 1);
    return length;
  }

  /** Removes and returns the last item; reverts when empty. */
  pop(): T {
    const length = this.length;
    if (length == 0) panic(this.prefix + ": pop from an empty vector");
    const key = this.itemKey(length - 1);
    const bytes = storageRead(key);
    if (bytes == null) panic(this.prefix + ": missing item");
    storageRemove(key);
    this.setLength(length - 1);
    return decodeValue<T>(changetype<Uint8Array>(bytes));
  }
}
