/**
 * devnet/client/: the typed JSON-RPC client of the devnet (createClient), signers that build, sign and send
 * transactions (createSigner, devSigner), and contract handles from interface metadata (contract,
 * deployContract). Re-exported by devnet/index.ts.
 * @module
 */
export {
  type AbiType,
  type ContractInterface,
  decodeMethodResult,
  decodeMsgpack,
  encodeMethodArgs,
  encodeUntyped,
  type MethodInterface,
} from './abi.js';
export {
  type CallOptions,
  ContractCallError,
  type ContractHandle,
  type ContractOptions,
  type ContractReceipt,
  contract,
  type DeployParams,
  type DeployResult,
  deployContract,
  type MethodArgs,
  readInterface,
  type SendOptions,
} from './contract.js';
export type {
  Block,
  BytesLike,
  CallResult,
  EventLog,
  ExecutionError,
  GasEstimate,
  Quantity,
  Receipt,
  ReceiptEvent,
  Transaction,
} from './convert.js';
export { receiptToJson } from './convert.js';
export type {
  Account,
  Client,
  ClientOptions,
  ContractInterfaceResult,
  DevAccount,
  DevSendParams,
  Proof,
  Subscription,
  TransactionWithLocation,
  WebSocketConstructor,
  WebSocketLike,
} from './createClient.js';
export { ClientError, type ClientErrorCode, RpcRequestError } from './errors.js';
export { createClient } from './nodeClient.js';
export {
  type Hex,
  RPC_METHOD_NAMES,
  type RpcMethodName,
  type RpcParams,
  type RpcResult,
  type RpcSchema,
} from './rpcSchema.js';
export {
  createSigner,
  devSigner,
  ESTIMATE_GAS_LIMIT,
  gasWithMargin,
  type Signer,
  type TransactionRequest,
} from './signer.js';
