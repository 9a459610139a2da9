/**
 * Blocks and receipts and their canonical encodings (BLOCK_FORMAT_VERSION 1). A block is stored as the state
 * store's block metadata, in the same atomic batch as the state it produced; its state root is the store's root
 * for that version, so the hash is computed after the commit: sha256 of the encoded header with the root.
 *
 * The chain builds a block with `draftBlock` and `sealBlock`, which encode each part once: a receipt's bytes give
 * both its hash (for the receipts root) and its place in the stored metadata, and the header's bytes both the
 * metadata and the block hash. msgpack is concatenative (an array is its length header followed by its elements'
 * encodings; the codec has no records or bundled strings), so the result is byte for byte what
 * `encodeBlockMeta`, `receiptsRoot` and `blockHash` give (block.test.ts checks it): about 9 µs less a one-transfer
 * block (two msgpack encodes of the 8 header fields and of each receipt were done twice).
 * @module
 */
import { allocBytes } from '../state/index.js';
import type { CallStatus } from '../vm/index.js';
import { asBytes, merkleRoot, pack, packView, readU64, sha256, u64, unpack } from './codec.js';
import { decodeTransaction, type SignedTransaction } from './transaction.js';

export const BLOCK_FORMAT_VERSION = 1;

export type ReceiptEvent = { readonly contract: Uint8Array; readonly topic: Uint8Array; readonly data: Uint8Array };

export type Receipt = {
  readonly txHash: Uint8Array;
  readonly status: CallStatus;
  readonly gasUsed: bigint;
  readonly returnData: Uint8Array;
  readonly events: readonly ReceiptEvent[];
  readonly logs: readonly string[];
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** For deploys: the contract's address (also when the deploy failed, for reference). */
  readonly contractAddress: Uint8Array | undefined;
};

export type BlockHeader = {
  readonly chainId: bigint;
  readonly height: bigint;
  readonly parentHash: Uint8Array;
  readonly timestamp: bigint;
  readonly txRoot: Uint8Array;
  readonly receiptsRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly gasUsed: bigint;
};

export type Block = {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly transactions: readonly SignedTransaction[];
  readonly receipts: readonly Receipt[];
};

const STATUS_CODES: Record<CallStatus, number> = { ok: 0, revert: 1, trap: 2, out_of_gas: 3 };
const STATUSES: readonly CallStatus[] = ['ok', 'revert', 'trap', 'out_of_gas'];

export function encodeReceipt(receipt: Receipt): unknown[] {
  return [
    receipt.txHash,
    STATUS_CODES[receipt.status],
    u64(receipt.gasUsed),
    receipt.returnData,
    receipt.events.map((event) => [event.contract, event.topic, event.data]),
    receipt.logs,
    receipt.error ? [receipt.error.code, receipt.error.message] : null,
    receipt.contractAddress ?? null,
  ];
}

function decodeReceipt(fields: unknown): Receipt {
  const [txHash, status, gasUsed, returnData, events, logs, error, contractAddress] = fields as unknown[];
  return {
    txHash: asBytes(txHash, 'txHash'),
    status: STATUSES[status as number]!,
    gasUsed: readU64(gasUsed, 'gasUsed'),
    returnData: asBytes(returnData, 'returnData'),
    events: (events as unknown[][]).map(([contract, topic, data]) => ({
      contract: asBytes(contract, 'event contract'),
      topic: asBytes(topic, 'event topic'),
      data: asBytes(data, 'event data'),
    })),
    logs: logs as string[],
    error: error ? { code: (error as string[])[0]!, message: (error as string[])[1]! } : undefined,
    contractAddress: contractAddress ? asBytes(contractAddress, 'contractAddress') : undefined,
  };
}

export function receiptHash(receipt: Receipt): Uint8Array {
  return sha256(packView(encodeReceipt(receipt)));
}

export function transactionsRoot(transactions: readonly SignedTransaction[]): Uint8Array {
  return merkleRoot(transactions.map((tx) => tx.hash));
}

export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array {
  return merkleRoot(receipts.map(receiptHash));
}

function headerFields(header: Omit<BlockHeader, 'stateRoot'>): unknown[] {
  return [
    BLOCK_FORMAT_VERSION,
    u64(header.chainId),
    u64(header.height),
    header.parentHash,
    u64(header.timestamp),
    header.txRoot,
    header.receiptsRoot,
    u64(header.gasUsed),
  ];
}

export function blockHash(header: BlockHeader): Uint8Array {
  return sha256(packView([...headerFields(header), header.stateRoot]));
}

/** The metadata stored with the state commit: everything of the block but its state root. */
export function encodeBlockMeta(
  header: Omit<BlockHeader, 'stateRoot'>,
  transactions: readonly SignedTransaction[],
  receipts: readonly Receipt[],
): Uint8Array {
  return pack([headerFields(header), transactions.map((tx) => tx.raw), receipts.map(encodeReceipt)]);
}

/** A block built but not yet committed: its header without the state root, and its encodings. */
export type BlockDraft = {
  readonly header: Omit<BlockHeader, 'stateRoot'>;
  /** The stored metadata: byte for byte `encodeBlockMeta(header, transactions, receipts)`. */
  readonly meta: Uint8Array;
  /** msgpack of the 8 header fields (a fixarray): the metadata's first element and most of the hash's input. */
  readonly headerBytes: Uint8Array;
};

/**
 * Encodes a block's header (with its transactions and receipts roots) and metadata, each receipt and the header
 * fields encoded once (see the module header).
 */
export function draftBlock(
  base: Omit<BlockHeader, 'stateRoot' | 'txRoot' | 'receiptsRoot'>,
  transactions: readonly SignedTransaction[],
  receipts: readonly Receipt[],
): BlockDraft {
  // the encodings are hashed and copied into `meta` here, and the header's kept only until sealBlock: views
  const encodedReceipts = receipts.map((receipt) => packView(encodeReceipt(receipt)));
  const header = {
    chainId: base.chainId,
    height: base.height,
    parentHash: base.parentHash,
    timestamp: base.timestamp,
    txRoot: transactionsRoot(transactions),
    receiptsRoot: merkleRoot(encodedReceipts.map((bytes) => sha256(bytes))),
    gasUsed: base.gasUsed,
  };
  const headerBytes = packView(headerFields(header));
  const meta = concatBytes([
    arrayHeader(3),
    headerBytes,
    packView(transactions.map((tx) => tx.raw)),
    arrayHeader(receipts.length),
    ...encodedReceipts,
  ]);
  return { header, meta, headerBytes };
}

/** The committed block's header and hash (`blockHash`) from its draft and the state root the commit returned. */
export function sealBlock(draft: BlockDraft, stateRoot: Uint8Array): { header: BlockHeader; hash: Uint8Array } {
  const fields = draft.headerBytes;
  // [...8 header fields, stateRoot]: a 9-element array header, the 8 fields' encodings, the root's
  const hash = sha256(arrayHeader(9), fields.subarray(arrayHeaderLength(fields)), packView(stateRoot));
  // one literal, not a spread of the draft's header: the spread took V8's slow clone path (new hidden classes a
  // block, about 2.6 µs of a one-transfer block in perf); the same fields in the same order
  const h = draft.header;
  const header: BlockHeader = {
    chainId: h.chainId,
    height: h.height,
    parentHash: h.parentHash,
    timestamp: h.timestamp,
    txRoot: h.txRoot,
    receiptsRoot: h.receiptsRoot,
    gasUsed: h.gasUsed,
    stateRoot,
  };
  return { header, hash };
}

/** msgpack's header of an array of `length` elements (fixarray, array 16 or array 32), as msgpackr writes it. */
function arrayHeader(length: number): Uint8Array {
  if (length < 16) return Uint8Array.of(0x90 | length);
  if (length < 0x10000) return Uint8Array.of(0xdc, length >> 8, length & 0xff);
  return Uint8Array.of(0xdd, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

function arrayHeaderLength(encoded: Uint8Array): number {
  const first = encoded[0]!;
  if ((first & 0xf0) === 0x90) return 1;
  if (first === 0xdc) return 3;
  if (first === 0xdd) return 5;
  throw new TypeError(`not a msgpack array (first byte 0x${first.toString(16)})`);
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = allocBytes(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function decodeBlockMeta(meta: Uint8Array, stateRoot: Uint8Array): Block {
  const [fields, txs, receipts] = unpack(meta) as [unknown[], Uint8Array[], unknown[]];
  const [version, chainId, height, parentHash, timestamp, txRoot, receiptsRootBytes, gasUsed] = fields;
  if (version !== BLOCK_FORMAT_VERSION) throw new Error(`unknown block format version ${String(version)}`);
  const header: BlockHeader = {
    chainId: readU64(chainId, 'chainId'),
    height: readU64(height, 'height'),
    parentHash: asBytes(parentHash, 'parentHash'),
    timestamp: readU64(timestamp, 'timestamp'),
    txRoot: asBytes(txRoot, 'txRoot'),
    receiptsRoot: asBytes(receiptsRootBytes, 'receiptsRoot'),
    stateRoot,
    gasUsed: readU64(gasUsed, 'gasUsed'),
  };
  return {
    header,
    hash: blockHash(header),
    transactions: txs.map((raw) => decodeTransaction(asBytes(raw, 'transaction'))),
    receipts: receipts.map(decodeReceipt),
  };
}
