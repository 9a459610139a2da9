/**
 * Blocks and receipts and their canonical encodings (BLOCK_FORMAT_VERSION 1). A block is stored as the state
 * store's block metadata, in the same atomic batch as the state it produced; its state root is the store's root
 * for that version, so the hash is computed after the commit: sha256 of the encoded header with the root.
 * @module
 */
import type { CallStatus } from '../vm/index.js';
import { asBytes, merkleRoot, pack, readU64, sha256, u64, unpack } from './codec.js';
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
  return sha256(pack(encodeReceipt(receipt)));
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
  return sha256(pack([...headerFields(header), header.stateRoot]));
}

/** The metadata stored with the state commit: everything of the block but its state root. */
export function encodeBlockMeta(
  header: Omit<BlockHeader, 'stateRoot'>,
  transactions: readonly SignedTransaction[],
  receipts: readonly Receipt[],
): Uint8Array {
  return pack([headerFields(header), transactions.map((tx) => tx.raw), receipts.map(encodeReceipt)]);
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
