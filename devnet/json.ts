/**
 * The devnet's JSON shapes: bytes as 0x-prefixed hex, amounts, gas, heights and nonces as decimal strings, so no
 * value ever passes through a JavaScript number. Used by the RPC server and, in reverse, by the client.
 * @module
 */
import type { TraceFrame, TraceHostCall } from '../vm/index.js';
import type { Block, Receipt } from './block.js';
import type { TraceFrameJson } from './client/rpcSchema.js';
import { toHex } from './codec.js';
import type { SignedTransaction } from './transaction.js';

export type Hex = `0x${string}`;

export function transactionToJson(tx: SignedTransaction) {
  return {
    hash: toHex(tx.hash),
    from: toHex(tx.from),
    kind: tx.kind,
    chainId: tx.chainId.toString(),
    nonce: tx.nonce.toString(),
    gasLimit: tx.gasLimit.toString(),
    gasPrice: tx.gasPrice.toString(),
    value: tx.value.toString(),
    to: tx.kind === 'deploy' ? null : toHex(tx.to),
    method: tx.kind === 'call' ? tx.method : null,
    args: tx.kind === 'transfer' ? null : toHex(tx.args),
    codeSize: tx.kind === 'deploy' ? tx.code.length : null,
    raw: toHex(tx.raw),
  };
}

export function receiptToJson(receipt: Receipt, block?: { height: bigint; hash: Uint8Array }, index?: number) {
  const json: {
    txHash: Hex;
    status: Receipt['status'];
    gasUsed: string;
    returnData: Hex;
    events: { contract: Hex; topic: Hex; data: Hex }[];
    logs: string[];
    error: { readonly code: string; readonly message: string } | null;
    contractAddress: Hex | null;
    blockHeight?: string;
    blockHash?: Hex;
    index?: number | undefined;
  } = {
    txHash: toHex(receipt.txHash),
    status: receipt.status,
    gasUsed: receipt.gasUsed.toString(),
    returnData: toHex(receipt.returnData),
    events: receipt.events.map((event) => ({
      contract: toHex(event.contract),
      topic: toHex(event.topic),
      data: toHex(event.data),
    })),
    logs: receipt.logs.slice(),
    error: receipt.error ?? null,
    contractAddress: receipt.contractAddress ? toHex(receipt.contractAddress) : null,
  };
  // added after, in the same order, not spread in: the spread took V8's generic clone path a receipt
  if (block) {
    json.blockHeight = block.height.toString();
    json.blockHash = toHex(block.hash);
    json.index = index;
  }
  return json;
}

export function blockToJson(block: Block, full = false) {
  const h = block.header;
  return {
    hash: toHex(block.hash),
    height: h.height.toString(),
    parentHash: toHex(h.parentHash),
    timestamp: h.timestamp.toString(),
    txRoot: toHex(h.txRoot),
    receiptsRoot: toHex(h.receiptsRoot),
    stateRoot: toHex(h.stateRoot),
    gasUsed: h.gasUsed.toString(),
    chainId: h.chainId.toString(),
    transactions: full ? block.transactions.map(transactionToJson) : block.transactions.map((tx) => toHex(tx.hash)),
  };
}

export type { TraceFrameJson } from './client/rpcSchema.js';

/** A VM call trace in JSON: bytes as hex, gas as decimal strings, a nested call's frame under its host call. */
export function traceToJson(frame: TraceFrame): TraceFrameJson {
  const nested = frame.hostCalls.reduce((sum, call) => sum + (call.call?.gasUsed ?? 0n), 0n);
  return {
    contract: toHex(frame.contract),
    caller: toHex(frame.caller),
    method: frame.method,
    args: toHex(frame.input),
    value: frame.value.toString(),
    depth: frame.depth,
    gasLimit: frame.gasLimit.toString(),
    gasUsed: frame.gasUsed.toString(),
    gasSelf: (frame.gasUsed - nested).toString(),
    status: frame.status ?? null,
    returnData: toHex(frame.returnData),
    error: frame.error ?? null,
    hostCalls: frame.hostCalls.map((call: TraceHostCall) => ({
      op: call.op,
      gas: call.gas.toString(),
      ...(call.detail ? { detail: detailToJson(call.detail) } : {}),
      ...(call.call ? { call: traceToJson(call.call) } : {}),
    })),
  };
}

function detailToJson(detail: NonNullable<TraceHostCall['detail']>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    out[key] = value instanceof Uint8Array ? toHex(value) : typeof value === 'bigint' ? value.toString() : value;
  }
  return out;
}

export type EventFilter = { readonly contract?: Uint8Array; readonly topic?: Uint8Array };

/** The block's events that match the filter, in receipt then emission order, as JSON. */
export function blockEventsToJson(block: Block, filter: EventFilter = {}) {
  const events: Array<{
    blockHeight: string;
    txHash: Hex;
    txIndex: number;
    eventIndex: number;
    contract: Hex;
    topic: Hex;
    data: Hex;
  }> = [];
  block.receipts.forEach((receipt, txIndex) => {
    receipt.events.forEach((event, eventIndex) => {
      if (filter.contract && !Buffer.from(event.contract).equals(filter.contract)) return;
      if (filter.topic && !Buffer.from(event.topic).equals(filter.topic)) return;
      events.push({
        blockHeight: block.header.height.toString(),
        txHash: toHex(receipt.txHash),
        txIndex,
        eventIndex,
        contract: toHex(event.contract),
        topic: toHex(event.topic),
        data: toHex(event.data),
      });
    });
  });
  return events;
}
