// Counter: one u64 in storage. init([start?]) sets it (default 0); increment([by?]) adds (default 1, overflow
// reverts) and emits "Incremented"; get() returns it; reset() is for the deployer only.
import { Args, caller, Encoder, emit, panic, require, returnValue, Storage, StorageValue, Address } from "../../../sdk/assembly";

const COUNT = "count";
const OWNER = "owner";

export function init(): void {
  const args = new Args();
  const start = args.count > 0 ? args.u64() : 0;
  args.done();
  Storage.set<u64>(COUNT, start);
  Storage.set<Address>(OWNER, caller());
}

export function increment(): void {
  const args = new Args();
  const by: u64 = args.count > 0 ? args.u64() : 1;
  args.done();
  const counter = new StorageValue<u64>(COUNT);
  const before = counter.get(0);
  const after = before + by;
  if (after < before) panic("counter overflow");
  counter.set(after);
  emit("Incremented", new Encoder().map(2).str("by").u64(by).str("value").u64(after));
  returnValue<u64>(after);
}

export function get(): void {
  new Args().done();
  returnValue<u64>(Storage.get<u64>(COUNT, 0));
}

export function reset(): void {
  new Args().done();
  const owner = Storage.get<Address>(OWNER, Address.zero());
  require(caller().equals(owner), "only the owner may reset");
  Storage.set<u64>(COUNT, 0);
}

export function fail(): void {
  assert(false, "assertion in counter");
}
