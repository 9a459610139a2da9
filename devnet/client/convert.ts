/**
 * Conversions between the client's values and the wire shapes. Inputs are lenient: bytes as `Uint8Array` or
 * 0x-hex, quantities as `bigint`, safe-integer `number` or decimal string. Outputs follow one rule: identifiers
 * (addresses, hashes, roots, keys) are lowercase `Hex` strings, payloads (code, args, return data, event topic and
 * data, state keys, values and proofs, raw transactions) are `Uint8Array`, amounts, gas, nonces, heights,
 * timestamps and chain ids are `bigint`, and small positions (transaction and event indexes) are `number`.
 * @module
 */
import { ClientError } from './errors.js';
import type {
  BlockJson,
  EventJson,
  EventLogJson,
  ExecutionErrorJson,
  Hex,
  ReceiptJson,
  RpcResult,
  TransactionJson,
} from './rpcSchema.js';

export type BytesLike = Uint8Array | Hex | string;
export type Quantity = bigint | number | string;

// Hex by table, not Buffer: this module also runs in the browser (the explorer).
const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase 0x-hex of bytes. */
export function toHexString(bytes: Uint8Array): Hex {
  let out = '0x';
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i]!];
  return out as Hex;
}

/** Bytes of even-length hex digits after a 0x prefix (checked by the callers). */
function hexDigitsToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array((hex.length - 2) >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return bytes;
}

export function hexOf(value: BytesLike, what: string, length?: number): Hex {
  return toHexString(bytesOf(value, what, length));
}

export function bytesOf(value: BytesLike, what: string, length?: number): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) {
    bytes = hexDigitsToBytes(value);
  } else throw new ClientError('BAD_INPUT', `${what} must be a Uint8Array or 0x-prefixed hex bytes`);
  if (length !== undefined && bytes.length !== length) {
    throw new ClientError('BAD_INPUT', `${what} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function quantityOf(value: Quantity, what: string): string {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\d+$/.test(value)) n = BigInt(value);
  else throw new ClientError('BAD_INPUT', `${what} must be a non-negative integer (bigint, number or decimal string)`);
  if (n < 0n) throw new ClientError('BAD_INPUT', `${what} must not be negative`);
  return n.toString();
}

export const fromHex = (hex: string): Uint8Array => hexDigitsToBytes(hex);

export type ExecutionError = { readonly code: string; readonly message: string };

export type Transaction = {
  readonly hash: Hex;
  readonly from: Hex;
  readonly kind: 'transfer' | 'deploy' | 'call';
  readonly chainId: bigint;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice: bigint;
  readonly value: bigint;
  readonly to: Hex | null;
  readonly method: string | null;
  readonly args: Uint8Array | null;
  readonly codeSize: number | null;
  readonly raw: Uint8Array;
};

export type Block<Tx = Hex> = {
  readonly hash: Hex;
  readonly height: bigint;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  readonly txRoot: Hex;
  readonly receiptsRoot: Hex;
  readonly stateRoot: Hex;
  readonly gasUsed: bigint;
  readonly chainId: bigint;
  readonly transactions: readonly Tx[];
};

export type ReceiptEvent = { readonly contract: Hex; readonly topic: Uint8Array; readonly data: Uint8Array };

export type Receipt = {
  readonly txHash: Hex;
  readonly status: 'ok' | 'revert' | 'trap' | 'out_of_gas';
  readonly gasUsed: bigint;
  readonly returnData: Uint8Array;
  readonly events: readonly ReceiptEvent[];
  readonly logs: readonly string[];
  readonly error: ExecutionError | null;
  /** For deploys: the new contract's address (also when the deploy failed). */
  readonly contractAddress: Hex | null;
  readonly blockHeight: bigint;
  readonly blockHash: Hex;
  readonly index: number;
};

export type EventLog = ReceiptEvent & {
  readonly blockHeight: bigint;
  readonly txHash: Hex;
  readonly txIndex: number;
  readonly eventIndex: number;
};

export function parseTransaction(json: TransactionJson): Transaction {
  return {
    hash: json.hash,
    from: json.from,
    kind: json.kind,
    chainId: BigInt(json.chainId),
    nonce: BigInt(json.nonce),
    gasLimit: BigInt(json.gasLimit),
    gasPrice: BigInt(json.gasPrice),
    value: BigInt(json.value),
    to: json.to,
    method: json.method,
    args: json.args === null ? null : fromHex(json.args),
    codeSize: json.codeSize,
    raw: fromHex(json.raw),
  };
}

export function parseBlock<Tx>(json: BlockJson<unknown>, tx: (value: unknown) => Tx): Block<Tx> {
  return {
    hash: json.hash,
    height: BigInt(json.height),
    parentHash: json.parentHash,
    timestamp: BigInt(json.timestamp),
    txRoot: json.txRoot,
    receiptsRoot: json.receiptsRoot,
    stateRoot: json.stateRoot,
    gasUsed: BigInt(json.gasUsed),
    chainId: BigInt(json.chainId),
    transactions: json.transactions.map(tx),
  };
}

export const parseHeader = (json: BlockJson): Block => parseBlock(json, (hash) => hash as Hex);

const parseEvent = (json: EventJson): ReceiptEvent => ({
  contract: json.contract,
  topic: fromHex(json.topic),
  data: fromHex(json.data),
});

const parseError = (json: ExecutionErrorJson): ExecutionError | null =>
  json ? { code: json.code, message: json.message } : null;

export function parseReceipt(json: ReceiptJson): Receipt {
  return {
    txHash: json.txHash,
    status: json.status,
    gasUsed: BigInt(json.gasUsed),
    returnData: fromHex(json.returnData),
    events: json.events.map(parseEvent),
    logs: [...json.logs],
    error: parseError(json.error),
    contractAddress: json.contractAddress,
    blockHeight: BigInt(json.blockHeight),
    blockHash: json.blockHash,
    index: json.index,
  };
}

export function parseEventLog(json: EventLogJson): EventLog {
  return {
    ...parseEvent(json),
    blockHeight: BigInt(json.blockHeight),
    txHash: json.txHash,
    txIndex: json.txIndex,
    eventIndex: json.eventIndex,
  };
}

export type CallResult = {
  readonly status: 'ok' | 'revert' | 'trap' | 'out_of_gas';
  readonly gasUsed: bigint;
  readonly returnData: Uint8Array;
  readonly logs: readonly string[];
  readonly error: ExecutionError | null;
};

export function parseCallResult(json: RpcResult<'contract_call'>): CallResult {
  return {
    status: json.status,
    gasUsed: BigInt(json.gasUsed),
    returnData: fromHex(json.returnData),
    logs: [...json.logs],
    error: parseError(json.error),
  };
}

export type GasEstimate = {
  readonly gasUsed: bigint;
  readonly status: 'ok' | 'revert' | 'trap' | 'out_of_gas';
  readonly error: ExecutionError | null;
};

export function parseEstimate(json: RpcResult<'tx_estimateGas'>): GasEstimate {
  return { gasUsed: BigInt(json.gasUsed), status: json.status, error: parseError(json.error) };
}

/** The receipt in its wire shape again (for JSON output: `--json`, logs). */
export function receiptToJson(receipt: Receipt): ReceiptJson {
  const hex = (bytes: Uint8Array) => hexOf(bytes, 'bytes');
  return {
    txHash: receipt.txHash,
    status: receipt.status,
    gasUsed: receipt.gasUsed.toString(),
    returnData: hex(receipt.returnData),
    events: receipt.events.map((event) => ({
      contract: event.contract,
      topic: hex(event.topic),
      data: hex(event.data),
    })),
    logs: [...receipt.logs],
    error: receipt.error,
    contractAddress: receipt.contractAddress,
    blockHeight: receipt.blockHeight.toString(),
    blockHash: receipt.blockHash,
    index: receipt.index,
  };
}
