/**
 * devnet/: the public face of the local chain (transactions, blocks, JSON-RPC, CLI, client).
 * @module
 */

export { createCli, runCli } from './cli.js';
export {
  type Account,
  type Block,
  type BytesLike,
  type CallOptions,
  type CallResult,
  type Client,
  ClientError,
  type ClientErrorCode,
  type ClientOptions,
  ContractCallError,
  type ContractHandle,
  type ContractInterface,
  type ContractInterfaceResult,
  type ContractOptions,
  type ContractReceipt,
  contract,
  createClient,
  createSigner,
  type DeployParams,
  type DeployResult,
  type DevAccount,
  type DevSendParams,
  decodeMethodResult,
  decodeMsgpack,
  deployContract,
  devSigner,
  type EventLog,
  type ExecutionError,
  encodeMethodArgs,
  encodeUntyped,
  type GasEstimate,
  type Hex,
  type MethodArgs,
  type MethodInterface,
  type Proof,
  type Quantity,
  type Receipt,
  RPC_METHOD_NAMES,
  type RpcMethodName,
  RpcRequestError,
  type RpcSchema,
  readInterface,
  receiptToJson,
  type SendOptions,
  type Signer,
  type Subscription,
  type Transaction,
  type TransactionRequest,
} from './client/index.js';
export { type CliIo, ExitStatus } from './cliIo.js';
export { toHex } from './codec.js';
export { devAccount, generateKeyPair, type KeyPair } from './keys.js';
export { type Devnet, type StartDevnetOptions, startDevnet } from './startDevnet.js';
export {
  decodeTransaction,
  type SignedTransaction,
  signTransaction,
  type UnsignedTransaction,
  verifySignature,
} from './transaction.js';
