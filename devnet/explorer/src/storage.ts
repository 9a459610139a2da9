/**
 * A contract's storage listing. The public API reads one key at a time (`state_get`) and lists none, so the
 * listing comes from the devnet's `dev_dumpState` (every key of the state, msgpack `["gasket-state-dump", 1,
 * chainId, [[key, value], …]]`), filtered to the contract's storage namespace: `0x03 || address || userKey`
 * (docs/state.md). On a node with dev methods off there is no listing, and the page says so.
 * @module
 */
import { decodeMsgpack, fromHex, type Hex } from '../../client/browser.js';

const STORAGE_NAMESPACE = 0x03;

export type StorageEntry = { readonly key: Uint8Array; readonly value: Uint8Array };

/** The contract's own keys (namespace and address removed) and their values, from a state dump. */
export function storageFromDump(dump: Uint8Array, contract: Hex): StorageEntry[] {
  const decoded = decodeMsgpack(dump)?.value;
  if (!Array.isArray(decoded) || decoded[0] !== 'gasket-state-dump' || !Array.isArray(decoded[3])) {
    throw new Error('not a gasket state dump');
  }
  const address = fromHex(contract);
  const prefix = new Uint8Array(1 + address.length);
  prefix[0] = STORAGE_NAMESPACE;
  prefix.set(address, 1);
  const entries: StorageEntry[] = [];
  for (const pair of decoded[3] as unknown[]) {
    if (!Array.isArray(pair) || !(pair[0] instanceof Uint8Array) || !(pair[1] instanceof Uint8Array)) continue;
    const key = pair[0];
    if (key.length < prefix.length || !prefix.every((byte, i) => key[i] === byte)) continue;
    entries.push({ key: key.slice(prefix.length), value: pair[1] });
  }
  return entries;
}
