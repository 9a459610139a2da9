/**
 * The HTTP transport of the client: one JSON-RPC 2.0 request per `fetch` POST (Node 20's global fetch), with an
 * id per request, a timeout, and every failure turned into a typed error: `ClientError('UNREACHABLE')` when the
 * node does not answer, `ClientError('BAD_RESPONSE')` when the answer is not a response to this request, and
 * `RpcRequestError` when the node answers with an error.
 * @module
 */
import { ClientError, RpcRequestError } from './errors.js';

export type TransportOptions = {
  readonly url: string;
  /** Per request, in milliseconds. Default 120 s (a sent transaction returns after its block with automine). */
  readonly timeoutMs?: number;
};

export type Transport = {
  readonly url: string;
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
};

export function httpTransport(options: TransportOptions): Transport {
  const url = options.url;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let nextId = 1;
  return {
    url,
    async request(method, params) {
      const id = nextId++;
      const body = JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
      let text: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        throw new ClientError('UNREACHABLE', `cannot reach the devnet at ${url}: start it with npm start`, {
          cause: error,
        });
      }
      let json: { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ClientError('BAD_RESPONSE', `${url} did not answer ${method} with JSON`, { cause: error });
      }
      if (typeof json !== 'object' || json === null) {
        throw new ClientError('BAD_RESPONSE', `${url} did not answer ${method} with a JSON-RPC response`);
      }
      if (json.error && typeof json.error === 'object') {
        // errors about the whole body (size limit) come back with id null
        if (json.id === id || json.id === null) throw new RpcRequestError(method, json.error);
      }
      if (json.id !== id || !('result' in json)) {
        throw new ClientError('BAD_RESPONSE', `${url} answered ${method} with a response to another request`);
      }
      return json.result;
    },
  };
}
