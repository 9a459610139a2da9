/**
 * Errors of devnet/: `DevnetError` codes for transactions the node refuses and requests it cannot serve, each
 * mapped to one JSON-RPC error number (viem's habit: one table, codes never change meaning).
 * @module
 */
import { GasketError } from '../errors.js';

export const DEVNET_ERROR_CODES = Object.freeze({
  BAD_TRANSACTION: -32010,
  BAD_SIGNATURE: -32011,
  WRONG_CHAIN: -32012,
  NONCE_TOO_LOW: -32013,
  NONCE_TOO_HIGH: -32014,
  INSUFFICIENT_FUNDS: -32015,
  GAS_LIMIT: -32016,
  NOT_FOUND: -32020,
  UNKNOWN_ACCOUNT: -32021,
  NO_SNAPSHOT: -32022,
  NO_CONTRACT: -32023,
  NO_METHOD: -32024,
  BAD_PARAMS: -32602,
  INTERNAL: -32603,
} as const);

export type DevnetErrorCode = keyof typeof DEVNET_ERROR_CODES;

export class DevnetError extends GasketError {
  override name = 'DevnetError';
  declare readonly code: DevnetErrorCode;
  constructor(code: DevnetErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
  get rpcCode(): number {
    return DEVNET_ERROR_CODES[this.code];
  }
}
