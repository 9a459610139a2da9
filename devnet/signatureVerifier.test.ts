import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { devAccount, sign } from './keys.js';
import { SignatureVerifier } from './signatureVerifier.js';
import {
  encodeUnsigned,
  type SignedTransaction,
  signTransaction,
  type UnsignedTransaction,
  unsignedBytes,
  verifySignature,
} from './transaction.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const common = { chainId: u64, nonce: u64, gasLimit: u64, gasPrice: u128, value: u128 };
const unsignedTx: fc.Arbitrary<UnsignedTransaction> = fc.oneof(
  fc.record({ ...common, kind: fc.constant('transfer' as const), to: bytes32 }),
  fc.record({
    ...common,
    kind: fc.constant('deploy' as const),
    code: fc.uint8Array({ maxLength: 300 }),
    args: fc.uint8Array({ maxLength: 70_000 }),
  }),
  fc.record({
    ...common,
    kind: fc.constant('call' as const),
    to: bytes32,
    method: fc.string({ maxLength: 40 }),
    args: fc.uint8Array({ maxLength: 300 }),
  }),
);

/** A signed transfer whose only varying field is its nonce. */
const smallTransfer = (nonce: bigint) =>
  signed({ kind: 'transfer', chainId: 1n, nonce, gasLimit: 9n, gasPrice: 1n, value: 1n, to: devAccount(3).address });

function signed(tx: UnsignedTransaction, account = 1): SignedTransaction {
  const key = devAccount(account);
  return signTransaction(tx, key.secretKey, key.publicKey);
}

/** The transaction with one bit of its signature, its key or its encoded fields changed (or none). */
function tampered(tx: SignedTransaction, what: number): SignedTransaction {
  if (what === 0) return tx;
  if (what === 1) return { ...tx, signature: tx.signature.map((b, i) => (i === 5 ? b ^ 1 : b)) };
  if (what === 2) return { ...tx, publicKey: devAccount(2).publicKey };
  return { ...tx, signature: sign(new Uint8Array([1, 2, 3]), devAccount(1).secretKey) };
}

describe('unsignedBytes', () => {
  it('is the unsigned encoding, cut from the signed one', () => {
    fc.assert(
      fc.property(unsignedTx, (tx) => {
        const s = signed(tx);
        expect(Buffer.from(unsignedBytes(s)).equals(Buffer.from(encodeUnsigned(s)))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('SignatureVerifier', () => {
  const pooled = new SignatureVerifier({ threads: 1, minBatch: 1 });
  const inline = new SignatureVerifier({ threads: 0 });
  const byDefault = new SignatureVerifier({ threads: 1 });
  afterAll(() => Promise.all([pooled.close(), byDefault.close()]));

  it('answers as verifySignature does, for valid and tampered transactions, in a worker and inline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(unsignedTx, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 12 }),
        async (cases) => {
          const txs = cases.map(([tx, what]) => tampered(signed(tx), what));
          const expected = txs.map(verifySignature);
          // all asked in one turn: they travel as one batch, and each answer goes to its own transaction
          expect(await Promise.all(txs.map((tx) => pooled.verify(tx)))).toEqual(expected);
          expect(await Promise.all(txs.map((tx) => inline.verify(tx)))).toEqual(expected);
          // one at a time (below the default smallest batch): inline, or on the worker when the caller is busy
          for (const [i, tx] of txs.entries()) {
            expect(await byDefault.verify(tx)).toBe(expected[i]);
            expect(await byDefault.verify(tx, { busy: true })).toBe(expected[i]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a tampered signature is refused by the worker', async () => {
    const tx = smallTransfer(0n);
    expect(await pooled.verify(tx)).toBe(true);
    expect(await pooled.verify(tampered(tx, 1))).toBe(false);
    expect(await pooled.verify(tampered(tx, 2))).toBe(false);
  });

  it('answers a lone check of an idle caller at once, not at the end of the turn; a busy one later', async () => {
    const tx = smallTransfer(4n);
    const answeredWithinMicrotasks = async (busy: boolean) => {
      let answered = false;
      const answer = byDefault.verify(tx, { busy }).then((ok) => {
        answered = true;
        return ok;
      });
      for (let i = 0; i < 5; i++) await Promise.resolve();
      const soon = answered;
      expect(await answer).toBe(true);
      return soon;
    };
    expect(await answeredWithinMicrotasks(false)).toBe(true);
    expect(await answeredWithinMicrotasks(true)).toBe(false);
  });

  it('starts again after close', async () => {
    const verifier = new SignatureVerifier({ threads: 1, minBatch: 1 });
    const tx = smallTransfer(3n);
    expect(await verifier.verify(tx)).toBe(true);
    await verifier.close();
    expect(await verifier.verify(tampered(tx, 1))).toBe(false);
    expect(await verifier.verify(tx)).toBe(true);
    await verifier.close();
  });

  it('checks inline by default when libsodium is there, with a worker when it is not (GASKET_NO_SODIUM=1)', () => {
    const before = process.env.GASKET_NO_SODIUM;
    try {
      delete process.env.GASKET_NO_SODIUM;
      expect(new SignatureVerifier().threads).toBe(0);
      process.env.GASKET_NO_SODIUM = '1';
      expect(new SignatureVerifier().threads).toBeGreaterThanOrEqual(1);
    } finally {
      if (before === undefined) delete process.env.GASKET_NO_SODIUM;
      else process.env.GASKET_NO_SODIUM = before;
    }
  });
});
