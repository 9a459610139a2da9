import { describe, expect, it } from 'vitest';
import { devAccount } from './keys.js';
import { decodeTransaction, signTransaction } from './transaction.js';

const sender = devAccount(1);
const tx = signTransaction(
  {
    kind: 'transfer',
    chainId: 1337n,
    nonce: 3n,
    gasLimit: 30_000n,
    gasPrice: 1n,
    value: 9n,
    to: devAccount(2).address,
  },
  sender.secretKey,
  sender.publicKey,
);

describe('decodeTransaction', () => {
  it('keeps its own copy of the canonical bytes, not a view of the caller buffer', () => {
    const body = new Uint8Array(tx.raw.length + 8);
    body.set(tx.raw, 4);
    const decoded = decodeTransaction(body.subarray(4, 4 + tx.raw.length));
    expect(Buffer.from(decoded.raw).equals(Buffer.from(tx.raw))).toBe(true);
    body.fill(0);
    expect(Buffer.from(decoded.raw).equals(Buffer.from(tx.raw))).toBe(true);
    expect(Buffer.from(decoded.hash).equals(Buffer.from(tx.hash))).toBe(true);
    // the fields too: views of the decoder's own copy, not of the caller's buffer
    expect(decoded.kind === 'transfer' && Buffer.from(decoded.to).equals(Buffer.from(devAccount(2).address))).toBe(
      true,
    );
    expect(Buffer.from(decoded.publicKey).equals(Buffer.from(sender.publicKey))).toBe(true);
    expect(Buffer.from(decoded.signature).equals(Buffer.from(tx.signature))).toBe(true);
  });

  it('refuses the same fields in a non-canonical msgpack encoding', () => {
    // the leading version 1 as a uint8 (0xcc 0x01) instead of a positive fixint (0x01): same values, other bytes
    expect(tx.raw[0]).toBe(0x9c);
    expect(tx.raw[1]).toBe(0x01);
    const padded = new Uint8Array([0x9c, 0xcc, 0x01, ...tx.raw.subarray(2)]);
    expect(() => decodeTransaction(padded)).toThrow(/canonical/);
    try {
      decodeTransaction(padded);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('BAD_TRANSACTION');
    }
  });
});
