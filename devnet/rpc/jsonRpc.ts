/**
 * JSON-RPC 2.0 dispatch, transport-free: parses a request body (single or batch), enforces the size and batch
 * limits, calls the method table, and turns every failure into a standard error object: -32700 parse error,
 * -32600 invalid request, -32601 method not found, -32602 invalid params, -32603 internal error, and the devnet's
 * own codes (devnet/errors.ts) with a stable `data.code`. A bad request never reaches state.
 * @module
 */
import { GasketError } from '../../errors.js';
import { DevnetError } from '../errors.js';

export type RpcContext = { readonly connectionId?: number; notify?: (method: string, params: unknown) => void };
export type RpcMethod = (params: Record<string, unknown>, context: RpcContext) => unknown;
export type RpcMethods = Readonly<Record<string, RpcMethod>>;

export const RPC_LIMITS = Object.freeze({ maxBodyBytes: 5 * 1024 * 1024, maxBatch: 100 });

type RpcError = { code: number; message: string; data?: unknown };
type RpcResponse = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: RpcError };

export class RpcParamsError extends DevnetError {
  constructor(message: string) {
    super('BAD_PARAMS', message);
  }
}

/**
 * Handles one HTTP or WebSocket message; returns the response text, or undefined for notifications only. A single
 * request to a method that answers synchronously is answered without awaiting anything (a promise and microtask
 * turns less per request: tx_getReceipt, the receipt polls, is such a method); the answers are the same.
 */
export function handleRpcBody(body: string, methods: RpcMethods, context: RpcContext): Promise<string | undefined> {
  try {
    if (body.length > RPC_LIMITS.maxBodyBytes) {
      return Promise.resolve(
        JSON.stringify(errorResponse(null, { code: -32600, message: `request over ${RPC_LIMITS.maxBodyBytes} bytes` })),
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return Promise.resolve(
        JSON.stringify(errorResponse(null, { code: -32700, message: 'parse error: the body is not valid JSON' })),
      );
    }
    if (Array.isArray(parsed)) return handleBatch(parsed, methods, context);
    const response = handleOne(parsed, methods, context);
    if (response instanceof Promise) return response.then(answerText);
    return Promise.resolve(answerText(response));
  } catch (error) {
    return Promise.reject(error);
  }
}

function answerText(response: RpcResponse | undefined): string | undefined {
  return response ? stringify(response) : undefined;
}

async function handleBatch(batch: unknown[], methods: RpcMethods, context: RpcContext): Promise<string | undefined> {
  if (batch.length === 0) return JSON.stringify(errorResponse(null, { code: -32600, message: 'empty batch' }));
  if (batch.length > RPC_LIMITS.maxBatch) {
    return JSON.stringify(errorResponse(null, { code: -32600, message: `batch over ${RPC_LIMITS.maxBatch} requests` }));
  }
  const responses: RpcResponse[] = [];
  for (const request of batch) {
    const response = await handleOne(request, methods, context);
    if (response) responses.push(response);
  }
  return responses.length > 0 ? stringify(responses) : undefined;
}

/** One request's response: at once when its method answers synchronously, else a promise of it. */
function handleOne(
  request: unknown,
  methods: RpcMethods,
  context: RpcContext,
): RpcResponse | undefined | Promise<RpcResponse | undefined> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(null, { code: -32600, message: 'invalid request: expected an object' });
  }
  const { jsonrpc, method, params, id } = request as Record<string, unknown>;
  const isNotification = !('id' in (request as object));
  const validId = id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (jsonrpc !== '2.0' || typeof method !== 'string' || (!isNotification && !validId)) {
    return errorResponse(validId ? id : null, {
      code: -32600,
      message: 'invalid request: needs jsonrpc "2.0", a method and an id',
    });
  }
  const fn = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!fn)
    return isNotification ? undefined : errorResponse(id, { code: -32601, message: `method not found: ${method}` });
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    return isNotification
      ? undefined
      : errorResponse(id, { code: -32602, message: 'params must be an object of named parameters' });
  }
  const succeeded = (result: unknown): RpcResponse | undefined =>
    isNotification ? undefined : { jsonrpc: '2.0', id, result: result === undefined ? null : result };
  const failed = (error: unknown): RpcResponse | undefined =>
    isNotification ? undefined : errorResponse(id, toRpcError(error));
  let result: unknown;
  try {
    result = fn((params ?? {}) as Record<string, unknown>, context);
  } catch (error) {
    return failed(error);
  }
  // what `await` would adopt: any thenable, not only a Promise
  if (isThenable(result)) return Promise.resolve(result).then(succeeded, failed);
  return succeeded(result);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export function toRpcError(error: unknown): RpcError {
  if (error instanceof DevnetError) {
    return { code: error.rpcCode, message: error.message, data: { code: error.code } };
  }
  if (error instanceof GasketError) return { code: -32000, message: error.message, data: { code: error.code } };
  if (error instanceof TypeError || error instanceof RangeError) {
    return { code: -32602, message: `invalid params: ${error.message}`, data: { code: 'BAD_PARAMS' } };
  }
  return {
    code: -32603,
    message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    data: { code: 'INTERNAL' },
  };
}

function errorResponse(id: unknown, error: RpcError): RpcResponse {
  return { jsonrpc: '2.0', id: id ?? null, error };
}

/**
 * JSON text with bigints as decimal strings. Most answers hold no bigint (the methods write amounts as strings):
 * those take JSON.stringify's fast path without a replacer; one that does throws a TypeError and is redone.
 */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
