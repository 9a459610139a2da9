/**
 * `createClient({ url })`: a typed JSON-RPC client of the devnet, one action per method (viem's style), each
 * taking named params with lenient inputs and returning typed values (the rule is in convert.ts: identifiers as
 * `Hex`, payloads as `Uint8Array`, quantities as `bigint`). The `dev_*` methods sit under `client.dev`.
 * Subscriptions (`watchBlocks`, `watchEvents`) open a WebSocket to the same port. `client.request` is the raw,
 * typed escape hatch on the wire shapes of rpcSchema.ts.
 *
 * Browser-safe: this module uses only `fetch` and the standard WebSocket API, so the explorer bundles it. The
 * WebSocket class is `options.webSocket`, else the global one; Node 20 has none, so the Node entry (index.ts,
 * nodeClient.ts) passes the `ws` package's class.
 * @module
 */
import {
  type Block,
  type BytesLike,
  type CallResult,
  type EventLog,
  fromHex,
  type GasEstimate,
  hexOf,
  parseBlock,
  parseCallResult,
  parseEstimate,
  parseEventLog,
  parseHeader,
  parseReceipt,
  parseTransaction,
  type Quantity,
  quantityOf,
  type Receipt,
  type Transaction,
} from './convert.js';
import { ClientError, RpcRequestError } from './errors.js';
import type {
  BlockJson,
  EventLogJson,
  Hex,
  RpcMethodName,
  RpcParams,
  RpcResult,
  TransactionJson,
} from './rpcSchema.js';
import { httpTransport, type Transport } from './transport.js';

/** The part of the standard WebSocket API the client uses (the browser's class and `ws`'s both fit). */
export type WebSocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void, options?: { once?: boolean }): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
};
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** readyState of an open socket in the standard API. */
const OPEN = 1;

export type ClientOptions = {
  /** The node's JSON-RPC URL, e.g. `http://127.0.0.1:8545/`. */
  readonly url: string;
  /** The WebSocket class for subscriptions; default: the global one (browsers, Node 22+). */
  readonly webSocket?: WebSocketConstructor;
  /** The WebSocket URL for subscriptions; default: the URL with ws: for http:. */
  readonly wsUrl?: string;
  /** Per request, in milliseconds (default 120 s). */
  readonly timeoutMs?: number;
};

export type Account = { readonly balance: bigint; readonly nonce: bigint; readonly codeHash: Hex | null };

export type TransactionWithLocation = Transaction & {
  /** Null while the transaction is pending. */
  readonly blockHeight: bigint | null;
  readonly index: number | null;
};

export type Proof = {
  readonly height: bigint;
  readonly root: Hex;
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly proof: Uint8Array;
  readonly verified: boolean;
};

export type ContractInterfaceResult = {
  readonly raw: Uint8Array;
  /** The parsed JSON of the `gasket:interface` section, or null if it is not valid JSON. */
  readonly interface: unknown;
};

export type DevAccount = {
  readonly index: number;
  readonly address: Hex;
  readonly publicKey: Hex;
  readonly secretKey: Hex;
  readonly balance: bigint;
};

export type DevSendParams = {
  /** A dev account index or address. */
  readonly from: number | BytesLike;
  readonly kind: 'transfer' | 'deploy' | 'call';
  readonly to?: BytesLike;
  readonly code?: BytesLike;
  readonly method?: string;
  readonly args?: BytesLike;
  readonly value?: Quantity;
  readonly gasLimit?: Quantity;
  readonly gasPrice?: Quantity;
};

export type Subscription = {
  /** The node's subscription id. */
  readonly id: string;
  /** Unsubscribes and closes the WebSocket. */
  close(): Promise<void>;
};

export type Client = {
  readonly url: string;
  readonly wsUrl: string;
  /** A raw request on the wire shapes. */
  request<M extends RpcMethodName>(method: M, params?: RpcParams<M>): Promise<RpcResult<M>>;
  getChainId(): Promise<bigint>;
  getHead(): Promise<Block>;
  /** By height or hash (the head if neither); null if there is no such block. */
  getBlock(params?: { readonly height?: Quantity; readonly hash?: BytesLike }): Promise<Block | null>;
  getBlockWithTransactions(params?: {
    readonly height?: Quantity;
    readonly hash?: BytesLike;
  }): Promise<Block<Transaction> | null>;
  /** Sends a signed transaction; returns its hash (with automine, after its block). */
  sendRawTransaction(raw: BytesLike): Promise<Hex>;
  getTransaction(hash: BytesLike): Promise<TransactionWithLocation | null>;
  /** Null until the transaction is in a block. */
  getReceipt(hash: BytesLike): Promise<Receipt | null>;
  /** Polls until the receipt exists (ClientError TIMEOUT after `timeoutMs`, default 120 s). */
  waitForReceipt(
    hash: BytesLike,
    options?: { readonly timeoutMs?: number; readonly pollMs?: number },
  ): Promise<Receipt>;
  estimateGas(raw: BytesLike): Promise<GasEstimate>;
  getAccount(address: BytesLike): Promise<Account>;
  getBalance(address: BytesLike): Promise<bigint>;
  /** A read-only call against the latest state (`contract_call`); args are the raw input bytes. */
  call(params: {
    readonly contract: BytesLike;
    readonly method: string;
    readonly args?: BytesLike;
    readonly from?: BytesLike;
    readonly gasLimit?: Quantity;
  }): Promise<CallResult>;
  /** A read-only call with its call trace (`contract_traceCall`), in the node's JSON shape. */
  traceCall(params: {
    readonly contract: BytesLike;
    readonly method: string;
    readonly args?: BytesLike;
    readonly from?: BytesLike;
  }): Promise<RpcResult<'contract_traceCall'>>;
  /** A mined transaction's call trace (`tx_trace`), re-executed on the state before it; null if unknown. */
  traceTransaction(hash: BytesLike): Promise<RpcResult<'tx_trace'>>;
  /** The contract's `gasket:interface` section; null if it has none (RpcRequestError NO_CONTRACT if no contract). */
  getInterface(contract: BytesLike): Promise<ContractInterfaceResult | null>;
  /** A raw state key's value (null if absent). */
  getState(key: BytesLike): Promise<Uint8Array | null>;
  getProof(params: { readonly key: BytesLike; readonly height?: Quantity }): Promise<Proof>;
  /** Events of blocks fromHeight..toHeight (default: all, at most 10,001 blocks); a string topic is UTF-8 text. */
  queryEvents(params?: {
    readonly fromHeight?: Quantity;
    readonly toHeight?: Quantity;
    readonly contract?: BytesLike;
    readonly topic?: BytesLike;
  }): Promise<EventLog[]>;
  watchBlocks(onBlock: (block: Block) => void): Promise<Subscription>;
  watchEvents(
    filter: { readonly contract?: BytesLike; readonly topic?: BytesLike },
    onEvent: (event: EventLog) => void,
  ): Promise<Subscription>;
  readonly dev: {
    accounts(): Promise<DevAccount[]>;
    /** Signs with a dev account on the node; returns the hash. */
    sendUnsigned(params: DevSendParams): Promise<Hex>;
    mine(blocks?: Quantity): Promise<Block>;
    setAutomine(enabled: boolean): Promise<boolean>;
    /** The next block's timestamp (seconds, after the head's). */
    setNextTimestamp(timestamp: Quantity): Promise<void>;
    increaseTime(seconds: Quantity): Promise<void>;
    snapshot(): Promise<bigint>;
    /** Back to the snapshot's block; returns the new head. */
    revert(id: Quantity): Promise<Block>;
    setBalance(address: BytesLike, balance: Quantity): Promise<void>;
    reset(): Promise<Block>;
    /** Sets (or replaces) the code at an address, metered as at deploy; returns the instrumented code's hash. */
    setCode(address: BytesLike, code: BytesLike): Promise<Hex>;
    /** Sets one key of a contract's storage; null removes it. */
    setStorage(contract: BytesLike, key: BytesLike, value: BytesLike | null): Promise<void>;
    setNonce(address: BytesLike, nonce: Quantity): Promise<void>;
    /** Lets `sendUnsigned({ from: address })` send as the address without its key, until stopImpersonating. */
    impersonate(address: BytesLike): Promise<void>;
    stopImpersonating(address: BytesLike): Promise<void>;
    /** The whole state in the versioned dump format (docs/rpc.md, dev_dumpState). */
    dumpState(): Promise<Uint8Array>;
    /** Replaces the whole state with a dump and mines a block; returns it. */
    loadState(state: BytesLike): Promise<Block>;
  };
};

/** Topics: bytes, 0x-hex, or (any other string) UTF-8 text such as "Transfer". */
export function topicOf(topic: BytesLike): Hex {
  if (typeof topic === 'string' && !/^0x([0-9a-fA-F]{2})*$/.test(topic)) {
    return hexOf(new TextEncoder().encode(topic), 'topic');
  }
  return hexOf(topic, 'topic');
}

const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function createClient(options: ClientOptions): Client {
  const transport: Transport = httpTransport({ url: options.url, timeoutMs: options.timeoutMs });
  const wsUrl = options.wsUrl ?? options.url.replace(/^http/, 'ws');
  const request = <M extends RpcMethodName>(method: M, params?: RpcParams<M>) =>
    transport.request(method, params as Record<string, unknown> | undefined) as Promise<RpcResult<M>>;
  const optionalQuantity = (value: Quantity | undefined, what: string) =>
    value === undefined ? undefined : quantityOf(value, what);
  const blockParams = (params: { height?: Quantity; hash?: BytesLike } = {}) =>
    defined({
      height: optionalQuantity(params.height, 'height'),
      hash: params.hash === undefined ? undefined : hexOf(params.hash, 'hash', 32),
    });

  const getReceipt = async (hash: BytesLike) => {
    const json = await request('tx_getReceipt', { hash: hexOf(hash, 'hash', 32) });
    return json ? parseReceipt(json) : null;
  };

  const watch = async (params: RpcParams<'subscribe'>, onResult: (result: unknown) => void): Promise<Subscription> => {
    const WebSocketClass =
      options.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
    if (!WebSocketClass) {
      throw new ClientError('UNREACHABLE', 'no WebSocket class here: pass createClient({ webSocket })');
    }
    const socket = new WebSocketClass(wsUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener(
        'error',
        () => reject(new ClientError('UNREACHABLE', `cannot reach the devnet at ${wsUrl}: start it with npm start`)),
        { once: true },
      );
    });
    let id: string | undefined;
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
    let nextId = 1;
    socket.addEventListener('message', (event) => {
      let message: {
        id?: number;
        method?: string;
        params?: { subscription?: string; result?: unknown };
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      };
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const note = message.params;
      if (message.method === 'subscription' && note && note.subscription === id) {
        onResult(note.result);
        return;
      }
      const waiter = typeof message.id === 'number' ? pending.get(message.id) : undefined;
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.error) waiter.reject(new RpcRequestError('subscribe', message.error));
      else waiter.resolve(message.result);
    });
    const send = (method: string, sendParams: object) =>
      new Promise<unknown>((resolve, reject) => {
        const requestId = nextId++;
        pending.set(requestId, { resolve, reject });
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: requestId, method, params: sendParams }));
      });
    try {
      id = ((await send('subscribe', params)) as RpcResult<'subscribe'>).subscription;
    } catch (error) {
      socket.close();
      throw error;
    }
    const subscription = id;
    return {
      id: subscription,
      close: async () => {
        if (socket.readyState !== OPEN) return;
        await send('unsubscribe', { subscription }).catch(() => undefined);
        await new Promise<void>((resolve) => {
          socket.addEventListener('close', () => resolve(), { once: true });
          socket.close();
        });
      },
    };
  };

  return {
    url: transport.url,
    wsUrl,
    request,
    getChainId: async () => BigInt((await request('chain_id')).chainId),
    getHead: async () => parseHeader(await request('chain_head')),
    getBlock: async (params) => {
      const json = await request('chain_getBlock', blockParams(params));
      return json ? parseHeader(json as BlockJson) : null;
    },
    getBlockWithTransactions: async (params) => {
      const json = await request('chain_getBlock', { ...blockParams(params), full: true });
      return json ? parseBlock(json, (tx) => parseTransaction(tx as TransactionJson)) : null;
    },
    sendRawTransaction: async (raw) => (await request('tx_send', { raw: hexOf(raw, 'raw') })).hash,
    getTransaction: async (hash) => {
      const json = await request('tx_get', { hash: hexOf(hash, 'hash', 32) });
      if (!json) return null;
      return {
        ...parseTransaction(json),
        blockHeight: json.blockHeight === null ? null : BigInt(json.blockHeight),
        index: json.index,
      };
    },
    getReceipt,
    waitForReceipt: async (hash, waitOptions = {}) => {
      const timeoutMs = waitOptions.timeoutMs ?? 120_000;
      const pollMs = waitOptions.pollMs ?? 100;
      const start = Date.now();
      for (;;) {
        const receipt = await getReceipt(hash);
        if (receipt) return receipt;
        if (Date.now() - start > timeoutMs) {
          throw new ClientError('TIMEOUT', `no receipt for ${hexOf(hash, 'hash')} after ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    estimateGas: async (raw) => parseEstimate(await request('tx_estimateGas', { raw: hexOf(raw, 'raw') })),
    traceCall: (params) =>
      request(
        'contract_traceCall',
        defined({
          contract: hexOf(params.contract, 'contract', 32),
          method: params.method,
          args: params.args === undefined ? undefined : hexOf(params.args, 'args'),
          from: params.from === undefined ? undefined : hexOf(params.from, 'from', 32),
        }),
      ),
    traceTransaction: (hash) => request('tx_trace', { hash: hexOf(hash, 'hash', 32) }),
    getAccount: async (address) => {
      const json = await request('account_get', { address: hexOf(address, 'address', 32) });
      return { balance: BigInt(json.balance), nonce: BigInt(json.nonce), codeHash: json.codeHash };
    },
    getBalance: async (address) =>
      BigInt((await request('account_get', { address: hexOf(address, 'address', 32) })).balance),
    call: async (params) =>
      parseCallResult(
        await request(
          'contract_call',
          defined({
            contract: hexOf(params.contract, 'contract', 32),
            method: params.method,
            args: params.args === undefined ? undefined : hexOf(params.args, 'args'),
            from: params.from === undefined ? undefined : hexOf(params.from, 'from', 32),
            gasLimit: optionalQuantity(params.gasLimit, 'gasLimit'),
          }),
        ),
      ),
    getInterface: async (contract) => {
      const json = await request('contract_getInterface', { contract: hexOf(contract, 'contract', 32) });
      return json ? { raw: fromHex(json.raw), interface: json.interface } : null;
    },
    getState: async (key) => {
      const json = await request('state_get', { key: hexOf(key, 'key') });
      return json === null ? null : fromHex(json);
    },
    getProof: async (params) => {
      const json = await request(
        'state_getProof',
        defined({ key: hexOf(params.key, 'key'), height: optionalQuantity(params.height, 'height') }),
      );
      return {
        height: BigInt(json.height),
        root: json.root,
        key: fromHex(json.key),
        value: json.value === null ? null : fromHex(json.value),
        proof: fromHex(json.proof),
        verified: json.verified,
      };
    },
    queryEvents: async (params = {}) =>
      (
        await request(
          'events_query',
          defined({
            fromHeight: optionalQuantity(params.fromHeight, 'fromHeight'),
            toHeight: optionalQuantity(params.toHeight, 'toHeight'),
            contract: params.contract === undefined ? undefined : hexOf(params.contract, 'contract', 32),
            topic: params.topic === undefined ? undefined : topicOf(params.topic),
          }),
        )
      ).map(parseEventLog),
    watchBlocks: (onBlock) => watch({ kind: 'blocks' }, (result) => onBlock(parseHeader(result as BlockJson))),
    watchEvents: (filter, onEvent) =>
      watch(
        defined({
          kind: 'events' as const,
          contract: filter.contract === undefined ? undefined : hexOf(filter.contract, 'contract', 32),
          topic: filter.topic === undefined ? undefined : topicOf(filter.topic),
        }),
        (result) => onEvent(parseEventLog(result as EventLogJson)),
      ),
    dev: {
      accounts: async () =>
        (await request('dev_accounts')).map((account) => ({ ...account, balance: BigInt(account.balance) })),
      sendUnsigned: async (params) =>
        (
          await request(
            'dev_sendUnsigned',
            defined({
              from: typeof params.from === 'number' ? params.from : hexOf(params.from, 'from', 32),
              kind: params.kind,
              to: params.to === undefined ? undefined : hexOf(params.to, 'to', 32),
              code: params.code === undefined ? undefined : hexOf(params.code, 'code'),
              method: params.method,
              args: params.args === undefined ? undefined : hexOf(params.args, 'args'),
              value: optionalQuantity(params.value, 'value'),
              gasLimit: optionalQuantity(params.gasLimit, 'gasLimit'),
              gasPrice: optionalQuantity(params.gasPrice, 'gasPrice'),
            }),
          )
        ).hash,
      mine: async (blocks) =>
        parseHeader(await request('dev_mine', defined({ blocks: optionalQuantity(blocks, 'blocks') }))),
      setAutomine: async (enabled) => (await request('dev_setAutomine', { enabled })).automine,
      setNextTimestamp: async (timestamp) => {
        await request('dev_setTime', { timestamp: quantityOf(timestamp, 'timestamp') });
      },
      increaseTime: async (seconds) => {
        await request('dev_increaseTime', { seconds: quantityOf(seconds, 'seconds') });
      },
      snapshot: async () => BigInt((await request('dev_snapshot')).id),
      revert: async (id) => parseHeader(await request('dev_revert', { id: quantityOf(id, 'id') })),
      setBalance: async (address, balance) => {
        await request('dev_setBalance', {
          address: hexOf(address, 'address', 32),
          balance: quantityOf(balance, 'balance'),
        });
      },
      reset: async () => parseHeader(await request('dev_reset')),
      setCode: async (address, code) =>
        (await request('dev_setCode', { address: hexOf(address, 'address', 32), code: hexOf(code, 'code') })).codeHash,
      setStorage: async (contract, key, value) => {
        await request('dev_setStorage', {
          contract: hexOf(contract, 'contract', 32),
          key: hexOf(key, 'key'),
          value: value === null ? null : hexOf(value, 'value'),
        });
      },
      setNonce: async (address, nonce) => {
        await request('dev_setNonce', { address: hexOf(address, 'address', 32), nonce: quantityOf(nonce, 'nonce') });
      },
      impersonate: async (address) => {
        await request('dev_impersonate', { address: hexOf(address, 'address', 32) });
      },
      stopImpersonating: async (address) => {
        await request('dev_stopImpersonating', { address: hexOf(address, 'address', 32) });
      },
      dumpState: async () => fromHex((await request('dev_dumpState')).state),
      loadState: async (state) => parseHeader(await request('dev_loadState', { state: hexOf(state, 'state') })),
    },
  };
}
