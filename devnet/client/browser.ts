/**
 * The browser entry of devnet/client/: the same typed client and interface codec as index.ts, through modules
 * that use only `fetch`, the standard WebSocket and msgpackr (no Node built-ins, no `ws`, no key derivation).
 * The explorer imports the client only from here; dependency-cruiser checks that nothing it reaches is Node-only.
 * @module
 */
export {
  type AbiType,
  asContractInterface,
  type ContractInterface,
  decodeMethodResult,
  decodeMsgpack,
  decodeTyped,
  encodeMethodArgs,
  encodeTyped,
  type MethodInterface,
} from './abi.js';
export type {
  Block,
  BytesLike,
  CallResult,
  EventLog,
  ExecutionError,
  Quantity,
  Receipt,
  ReceiptEvent,
  Transaction,
} from './convert.js';
export { fromHex, toHexString } from './convert.js';
export {
  type Account,
  type Client,
  type ClientOptions,
  type ContractInterfaceResult,
  createClient,
  type DevAccount,
  type Subscription,
  type TransactionWithLocation,
} from './createClient.js';
export { ClientError, RpcRequestError } from './errors.js';
export type { Hex, RpcResult } from './rpcSchema.js';
