import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { toHexString } from '../../client/browser.js';
import { storageFromDump } from './storage.js';

const packr = new Packr({ useRecords: false });
const contract = new Uint8Array(32).fill(0xc1);
const other = new Uint8Array(32).fill(0xc2);
const key = (namespace: number, address: Uint8Array, user: string) =>
  new Uint8Array([namespace, ...address, ...new TextEncoder().encode(user)]);

describe('storageFromDump', () => {
  it("lists the contract's own keys and values, without namespace and address", () => {
    const dump = packr.pack([
      'gasket-state-dump',
      1,
      new Uint8Array(8),
      [
        [key(0x01, contract, ''), Uint8Array.of(1)], // the account record, not storage
        [key(0x03, contract, 'supply'), Uint8Array.of(0x2a)],
        [key(0x03, contract, 'name'), Uint8Array.of(0xa1, 0x41)],
        [key(0x03, other, 'supply'), Uint8Array.of(0x07)],
      ],
    ]);
    const entries = storageFromDump(new Uint8Array(dump), toHexString(contract));
    expect(entries.map((e) => new TextDecoder().decode(e.key))).toEqual(['supply', 'name']);
    expect(entries.map((e) => [...e.value])).toEqual([[0x2a], [0xa1, 0x41]]);
  });

  it('refuses bytes that are not a state dump', () => {
    expect(() => storageFromDump(new Uint8Array(packr.pack(['other', 1])), toHexString(contract))).toThrow(
      'not a gasket state dump',
    );
  });
});
