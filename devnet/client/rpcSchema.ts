/**
 * The devnet's JSON-RPC methods as types: for each method, its named params and its result, in the wire shapes
 * of devnet/json.ts (bytes as 0x-hex, integers that may exceed 2^53 as decimal strings, small indexes as numbers).
 * `client.request(method, params)` is typed by this table; the reference is docs/rpc.md.
 * @module
 */

export type Hex = `0x${string}`;
/** An integer as a decimal string ("0", "1000"). */
export type DecimalString = string;
export type CallStatus = 'ok' | 'revert' | 'trap' | 'out_of_gas';
export type ExecutionErrorJson = { code: string; message: string } | null;

export type TransactionJson = {
  hash: Hex;
  from: Hex;
  kind: 'transfer' | 'deploy' | 'call';
  chainId: DecimalString;
  nonce: DecimalString;
  gasLimit: DecimalString;
  gasPrice: DecimalString;
  value: DecimalString;
  to: Hex | null;
  method: string | null;
  args: Hex | null;
  codeSize: number | null;
  raw: Hex;
};

export type BlockJson<Tx = Hex> = {
  hash: Hex;
  height: DecimalString;
  parentHash: Hex;
  timestamp: DecimalString;
  txRoot: Hex;
  receiptsRoot: Hex;
  stateRoot: Hex;
  gasUsed: DecimalString;
  chainId: DecimalString;
  transactions: Tx[];
};

export type EventJson = { contract: Hex; topic: Hex; data: Hex };

export type ReceiptJson = {
  txHash: Hex;
  status: CallStatus;
  gasUsed: DecimalString;
  returnData: Hex;
  events: EventJson[];
  logs: string[];
  error: ExecutionErrorJson;
  contractAddress: Hex | null;
  blockHeight: DecimalString;
  blockHash: Hex;
  index: number;
};

/** A call frame of `tx_trace` / `contract_traceCall` (built by devnet/json.ts, traceToJson). */
export type TraceFrameJson = {
  contract: Hex;
  caller: Hex;
  method: string;
  args: Hex;
  value: string;
  depth: number;
  gasLimit: string;
  gasUsed: string;
  /** Gas of this frame alone: its total less its nested calls' totals. */
  gasSelf: string;
  status: string | null;
  returnData: Hex;
  error: { code: string; message: string } | null;
  hostCalls: Array<{ op: string; gas: string; detail?: Record<string, unknown>; call?: TraceFrameJson }>;
};

export type EventLogJson = EventJson & { blockHeight: DecimalString; txHash: Hex; txIndex: number; eventIndex: number };

export type RpcSchema = {
  chain_id: { params: Record<string, never>; result: { chainId: DecimalString } };
  chain_head: { params: Record<string, never>; result: BlockJson };
  chain_getBlock: {
    params: { height?: DecimalString; hash?: Hex; full?: boolean };
    result: BlockJson<Hex | TransactionJson> | null;
  };
  tx_send: { params: { raw: Hex }; result: { hash: Hex } };
  tx_get: {
    params: { hash: Hex };
    result: (TransactionJson & { blockHeight: DecimalString | null; index: number | null }) | null;
  };
  tx_getReceipt: { params: { hash: Hex }; result: ReceiptJson | null };
  tx_trace: {
    params: { hash: Hex };
    result: { receipt: ReceiptJson; trace: TraceFrameJson | null } | null;
  };
  tx_estimateGas: {
    params: { raw: Hex };
    result: { gasUsed: DecimalString; status: CallStatus; error: ExecutionErrorJson };
  };
  account_get: {
    params: { address: Hex };
    result: { balance: DecimalString; nonce: DecimalString; codeHash: Hex | null };
  };
  contract_call: {
    params: { contract: Hex; method: string; args?: Hex; from?: Hex; gasLimit?: DecimalString };
    result: { status: CallStatus; gasUsed: DecimalString; returnData: Hex; logs: string[]; error: ExecutionErrorJson };
  };
  contract_traceCall: {
    params: { contract: Hex; method: string; args?: Hex; from?: Hex; gasLimit?: DecimalString };
    result: {
      status: CallStatus;
      gasUsed: DecimalString;
      returnData: Hex;
      error: ExecutionErrorJson;
      trace: TraceFrameJson | null;
    };
  };
  contract_getInterface: { params: { contract: Hex }; result: { raw: Hex; interface: unknown } | null };
  state_get: { params: { key: Hex }; result: Hex | null };
  state_getProof: {
    params: { key: Hex; height?: DecimalString };
    result: {
      height: DecimalString;
      root: Hex;
      key: Hex;
      value: Hex | null;
      proof: Hex;
      verified: boolean;
    };
  };
  events_query: {
    params: { fromHeight?: DecimalString; toHeight?: DecimalString; contract?: Hex; topic?: Hex };
    result: EventLogJson[];
  };
  subscribe: { params: { kind: 'blocks' | 'events'; contract?: Hex; topic?: Hex }; result: { subscription: string } };
  unsubscribe: { params: { subscription: string }; result: boolean };
  dev_accounts: {
    params: Record<string, never>;
    result: { index: number; address: Hex; publicKey: Hex; secretKey: Hex; balance: DecimalString }[];
  };
  dev_sendUnsigned: {
    params: {
      from: number | Hex;
      kind: 'transfer' | 'deploy' | 'call';
      to?: Hex;
      code?: Hex;
      method?: string;
      args?: Hex;
      value?: DecimalString;
      gasLimit?: DecimalString;
      gasPrice?: DecimalString;
    };
    result: { hash: Hex };
  };
  dev_mine: { params: { blocks?: DecimalString }; result: BlockJson };
  dev_setAutomine: { params: { enabled: boolean }; result: { automine: boolean } };
  dev_setTime: { params: { timestamp: DecimalString }; result: true };
  dev_increaseTime: { params: { seconds: DecimalString }; result: true };
  dev_snapshot: { params: Record<string, never>; result: { id: DecimalString } };
  dev_revert: { params: { id: DecimalString }; result: BlockJson };
  dev_setBalance: { params: { address: Hex; balance: DecimalString }; result: true };
  dev_reset: { params: Record<string, never>; result: BlockJson };
  dev_setCode: { params: { address: Hex; code: Hex }; result: { codeHash: Hex } };
  dev_setStorage: { params: { contract: Hex; key: Hex; value: Hex | null }; result: true };
  dev_setNonce: { params: { address: Hex; nonce: DecimalString }; result: true };
  dev_impersonate: { params: { address: Hex }; result: true };
  dev_stopImpersonating: { params: { address: Hex }; result: true };
  dev_dumpState: { params: Record<string, never>; result: { state: Hex } };
  dev_loadState: { params: { state: Hex }; result: BlockJson };
};

export type RpcMethodName = keyof RpcSchema;
export type RpcParams<M extends RpcMethodName> = RpcSchema[M]['params'];
export type RpcResult<M extends RpcMethodName> = RpcSchema[M]['result'];

/** Every method name, in the order of docs/rpc.md (tests check it matches the node's table). */
export const RPC_METHOD_NAMES: readonly RpcMethodName[] = Object.freeze([
  'chain_id',
  'chain_head',
  'chain_getBlock',
  'tx_send',
  'tx_get',
  'tx_getReceipt',
  'tx_trace',
  'tx_estimateGas',
  'account_get',
  'contract_call',
  'contract_traceCall',
  'contract_getInterface',
  'state_get',
  'state_getProof',
  'events_query',
  'subscribe',
  'unsubscribe',
  'dev_accounts',
  'dev_sendUnsigned',
  'dev_mine',
  'dev_setAutomine',
  'dev_setTime',
  'dev_increaseTime',
  'dev_snapshot',
  'dev_revert',
  'dev_setBalance',
  'dev_reset',
  'dev_setCode',
  'dev_setStorage',
  'dev_setNonce',
  'dev_impersonate',
  'dev_stopImpersonating',
  'dev_dumpState',
  'dev_loadState',
] as const);
