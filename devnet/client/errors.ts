/**
 * Errors of the devnet client. `RpcRequestError` is an error the node answered with: its `code` is the node's
 * stable string (`data.code`, e.g. `'NONCE_TOO_LOW'`) or, for standard JSON-RPC errors without one, a name for the
 * number (`'PARSE_ERROR'`, `'INVALID_REQUEST'`, `'METHOD_NOT_FOUND'`, `'BAD_PARAMS'`, `'INTERNAL'`); `rpcCode` is
 * the number. `ClientError` is everything the client itself refuses or cannot do, before or after the request.
 * @module
 */
import { GasketError, type GasketErrorOptions } from '../../errors.js';

export type ClientErrorCode =
  /** The node did not answer at all (connection refused, DNS, timeout). */
  | 'UNREACHABLE'
  /** The node answered something that is not a JSON-RPC response to this request. */
  | 'BAD_RESPONSE'
  /** waitForReceipt gave up. */
  | 'TIMEOUT'
  /** A contract handle was asked for a method its interface does not list. */
  | 'UNKNOWN_METHOD'
  /** Arguments do not fit the method's interface (missing, extra, wrong type). */
  | 'BAD_ARGS'
  /** The contract has no interface metadata and none was given. */
  | 'NO_INTERFACE'
  /** `send` on a contract handle created without a signer. */
  | 'NO_SIGNER'
  /** The gas estimate (or a read-only call) did not end with status ok. */
  | 'EXECUTION_FAILED'
  /** Return data that does not decode as the interface's return type. */
  | 'BAD_RETURN_DATA'
  /** A value given to the client is not what it should be (hex, key length, quantity). */
  | 'BAD_INPUT';

export class ClientError extends GasketError {
  override name = 'ClientError';
  declare readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string, options: GasketErrorOptions = {}) {
    super(code, message, options);
  }
}

const STANDARD_CODES: Readonly<Record<number, string>> = Object.freeze({
  [-32700]: 'PARSE_ERROR',
  [-32600]: 'INVALID_REQUEST',
  [-32601]: 'METHOD_NOT_FOUND',
  [-32602]: 'BAD_PARAMS',
  [-32603]: 'INTERNAL',
});

/** An error response of the node to one request. */
export class RpcRequestError extends GasketError {
  override name = 'RpcRequestError';
  /** The JSON-RPC error number (devnet/errors.ts, or a standard one). */
  readonly rpcCode: number;
  readonly method: string;
  readonly data: unknown;
  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    const data = error.data as { code?: unknown } | undefined;
    const code =
      typeof data?.code === 'string' ? data.code : (STANDARD_CODES[error.code] ?? `RPC_${String(error.code)}`);
    super(code, `${method}: ${error.message}`);
    this.rpcCode = error.code;
    this.method = method;
    this.data = error.data;
  }
}
