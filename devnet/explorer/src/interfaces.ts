/**
 * Contract interfaces (`gasket:interface`) by address, fetched once per page load through `contract_getInterface`
 * and kept: an interface is part of the code, which only `dev_setCode` changes (`forgetInterface` after that).
 * Also decodes values through an interface where one is known, and plainly (one msgpack value) where not.
 * @module
 */
import {
  asContractInterface,
  type ContractInterface,
  decodeMethodResult,
  decodeMsgpack,
  type MethodInterface,
} from '../../client/browser.js';
import { client } from './node.js';

const cache = new Map<string, Promise<ContractInterface | undefined>>();

export function contractInterface(address: string): Promise<ContractInterface | undefined> {
  let found = cache.get(address);
  if (!found) {
    found = client.getInterface(address).then(
      (result) => {
        if (!result) return undefined;
        try {
          return asContractInterface(result.interface);
        } catch {
          return undefined;
        }
      },
      () => undefined,
    );
    cache.set(address, found);
  }
  return found;
}

export const forgetInterface = (address: string): void => {
  cache.delete(address);
};

export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** Return data through the method's return type, or as plain msgpack when the method is unknown. */
export function decodeReturn(method: MethodInterface | undefined, data: Uint8Array): Decoded {
  if (data.length === 0) return { ok: true, value: undefined };
  try {
    if (method) return { ok: true, value: decodeMethodResult(method, data) };
  } catch {
    // fall through to the plain decoding
  }
  const plain = decodeMsgpack(data);
  return plain ? { ok: true, value: plain.value } : { ok: false };
}

/** Plain msgpack when the bytes are one value (event data, storage values, call args). */
export function decodePlain(data: Uint8Array): Decoded {
  const plain = decodeMsgpack(data);
  return plain ? { ok: true, value: plain.value } : { ok: false };
}
