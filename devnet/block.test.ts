import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockHash,
  decodeBlockMeta,
  draftBlock,
  encodeBlockMeta,
  type Receipt,
  receiptsRoot,
  sealBlock,
  transactionsRoot,
} from './block.js';
import { devAccount } from './keys.js';
import { type SignedTransaction, signTransaction } from './transaction.js';

// a few real signed transactions (signing is slow next to encoding): blocks take any of them, repeats allowed
const key = devAccount(3);
const TRANSACTIONS: SignedTransaction[] = Array.from({ length: 12 }, (_, i) =>
  signTransaction(
    i % 2 === 0
      ? {
          kind: 'transfer',
          chainId: 1337n,
          nonce: BigInt(i),
          gasLimit: 100_000n,
          gasPrice: 1n,
          value: 5n,
          to: devAccount(4).address,
        }
      : {
          kind: 'call',
          chainId: 1337n,
          nonce: BigInt(i),
          gasLimit: 2_000_000n,
          gasPrice: 3n,
          value: 0n,
          to: devAccount(5).address,
          method: 'transfer',
          args: new Uint8Array(i * 7).fill(i),
        },
    key.secretKey,
    key.publicKey,
  ),
);

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const receipt: fc.Arbitrary<Receipt> = fc.record({
  txHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  status: fc.constantFrom('ok', 'revert', 'trap', 'out_of_gas'),
  gasUsed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  returnData: bytes(40),
  events: fc.array(fc.record({ contract: bytes(32), topic: bytes(12), data: bytes(90) }), { maxLength: 3 }),
  logs: fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }),
  error: fc.option(fc.record({ code: fc.string({ maxLength: 10 }), message: fc.string({ maxLength: 40 }) }), {
    nil: undefined,
  }),
  contractAddress: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
});
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const base = fc.record({
  chainId: u64,
  height: u64,
  parentHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  timestamp: u64,
  gasUsed: u64,
});
const stateRoot = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** What the chain did before draftBlock/sealBlock: the header's roots, metadata and hash each encoded apart. */
function reference(
  header: Parameters<typeof draftBlock>[0],
  transactions: readonly SignedTransaction[],
  receipts: readonly Receipt[],
  root: Uint8Array,
) {
  const full = { ...header, txRoot: transactionsRoot(transactions), receiptsRoot: receiptsRoot(receipts) };
  return {
    meta: encodeBlockMeta(full, transactions, receipts),
    header: { ...full, stateRoot: root },
    hash: blockHash({ ...full, stateRoot: root }),
  };
}

describe('draftBlock and sealBlock', () => {
  it('give the bytes, roots and hash of the separate encodings', () => {
    fc.assert(
      fc.property(
        base,
        fc.array(fc.nat(TRANSACTIONS.length - 1), { maxLength: 20 }),
        fc.array(receipt, { maxLength: 20 }),
        stateRoot,
        (header, picks, receipts, root) => {
          const transactions = picks.map((i) => TRANSACTIONS[i]!);
          const draft = draftBlock(header, transactions, receipts);
          const sealed = sealBlock(draft, root);
          const expected = reference(header, transactions, receipts, root);
          expect(draft.meta).toEqual(expected.meta);
          expect(sealed.header).toEqual(expected.header);
          expect(sealed.hash).toEqual(expected.hash);
          // and what is stored reads back as the block
          const decoded = decodeBlockMeta(draft.meta, root);
          expect(decoded.hash).toEqual(sealed.hash);
          expect(decoded.receipts.length).toBe(receipts.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('write the receipts array header as msgpackr does past 15 and 65,535 elements', () => {
    const one: Receipt = {
      txHash: new Uint8Array(32).fill(1),
      status: 'ok',
      gasUsed: 7n,
      returnData: new Uint8Array(0),
      events: [],
      logs: [],
      error: undefined,
      contractAddress: undefined,
    };
    const header = { chainId: 1n, height: 2n, parentHash: new Uint8Array(32), timestamp: 3n, gasUsed: 4n };
    for (const count of [0, 15, 16, 300, 65_535, 65_536]) {
      const receipts = Array.from({ length: count }, () => one);
      const transactions = TRANSACTIONS.slice(0, count % 5);
      const draft = draftBlock(header, transactions, receipts);
      const expected = reference(header, transactions, receipts, new Uint8Array(32).fill(9));
      // Buffer equality: toEqual walks a 3 MB array element by element
      expect(Buffer.from(draft.meta).equals(expected.meta), `${count} receipts`).toBe(true);
      expect(sealBlock(draft, new Uint8Array(32).fill(9)).hash).toEqual(expected.hash);
    }
  });
});
