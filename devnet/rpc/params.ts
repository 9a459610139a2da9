/**
 * Reading named JSON-RPC params with exact types: 0x-hex bytes, decimal-string integers, strings, booleans. A
 * wrong or missing param is an RpcParamsError (-32602) naming the param and what it should be.
 * @module
 */
import { HEX_BYTES } from '../codec.js';
import { RpcParamsError } from './jsonRpc.js';

type Params = Record<string, unknown>;

export function bytesParam(params: Params, name: string, length?: number): Uint8Array {
  const value = params[name];
  if (typeof value !== 'string' || !HEX_BYTES.test(value)) {
    throw new RpcParamsError(`param "${name}" must be 0x-prefixed hex bytes`);
  }
  const bytes = new Uint8Array(Buffer.from(value.slice(2), 'hex'));
  if (length !== undefined && bytes.length !== length) {
    throw new RpcParamsError(`param "${name}" must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * bytesParam's bytes without the copy: a view of the Buffer the hex was decoded into (for short values a slice of
 * Node's shared pool). Only for a callee that copies them at once and keeps nothing of the view:
 * decodeTransaction does (a signed transaction's `raw` param).
 */
export function transientBytesParam(params: Params, name: string): Uint8Array {
  const value = params[name];
  if (typeof value !== 'string' || !HEX_BYTES.test(value)) {
    throw new RpcParamsError(`param "${name}" must be 0x-prefixed hex bytes`);
  }
  return Buffer.from(value.slice(2), 'hex');
}

export function optionalBytesParam(params: Params, name: string, length?: number): Uint8Array | undefined {
  return params[name] === undefined ? undefined : bytesParam(params, name, length);
}

export function bigintParam(params: Params, name: string, max = (1n << 128n) - 1n): bigint {
  const value = params[name];
  if (typeof value !== 'string' || !/^(0|[1-9]\d*)$/.test(value)) {
    throw new RpcParamsError(`param "${name}" must be a decimal integer string, e.g. "1000"`);
  }
  const n = BigInt(value);
  if (n > max) throw new RpcParamsError(`param "${name}" must be at most ${max}`);
  return n;
}

export function optionalBigintParam(params: Params, name: string, max?: bigint): bigint | undefined {
  return params[name] === undefined ? undefined : bigintParam(params, name, max);
}

export function stringParam(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== 'string') throw new RpcParamsError(`param "${name}" must be a string`);
  return value;
}

export function booleanParam(params: Params, name: string): boolean {
  const value = params[name];
  if (typeof value !== 'boolean') throw new RpcParamsError(`param "${name}" must be true or false`);
  return value;
}

export function optionalBooleanParam(params: Params, name: string): boolean | undefined {
  return params[name] === undefined ? undefined : booleanParam(params, name);
}

export const U64_MAX = (1n << 64n) - 1n;
