import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_LIMITS, type RpcMethods } from './jsonRpc.js';
import { type RpcServer, startRpcServer } from './server.js';
import type { Subscriptions } from './subscriptions.js';

/**
 * The fast path for JSON-RPC POSTs (fastHttp.ts) against node:http, which takes every other request: the same
 * answers, headers and order on one connection, whichever of the two answers.
 */

const methods: RpcMethods = {
  echo: (params) => params,
  slow: async (params) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return params;
  },
};

let server: RpcServer;
let corsServer: RpcServer;
beforeAll(async () => {
  server = await startRpcServer(methods, {} as Subscriptions, { port: 0 });
  corsServer = await startRpcServer(methods, {} as Subscriptions, { port: 0, cors: '*' });
});
afterAll(async () => {
  await server.close();
  await corsServer.close();
});

type Answer = { status: number; headers: Record<string, string>; body: string };

/** Parses complete HTTP/1.1 responses (content-length or chunked bodies) off `text`. */
function parseResponses(text: Buffer): { answers: Answer[]; complete: boolean } {
  const answers: Answer[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) return { answers, complete: false };
    const [statusLine, ...lines] = text.toString('latin1', at, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(' ')[1]);
    if (headers['transfer-encoding'] === 'chunked') {
      // node:http sends some of its own answers chunked: sizes in hex, each chunk followed by CRLF, 0 to end
      let body = '';
      let next = end + 4;
      for (;;) {
        const sizeEnd = text.indexOf('\r\n', next);
        if (sizeEnd < 0) return { answers, complete: false };
        const size = Number.parseInt(text.toString('latin1', next, sizeEnd), 16);
        if (text.length < sizeEnd + 2 + size + 2) return { answers, complete: false };
        body += text.toString('utf8', sizeEnd + 2, sizeEnd + 2 + size);
        next = sizeEnd + 2 + size + 2;
        if (size === 0) break;
      }
      answers.push({ status, headers, body });
      at = next;
      continue;
    }
    const length = Number(headers['content-length'] ?? 0);
    if (text.length < end + 4 + length) return { answers, complete: false };
    answers.push({ status, headers, body: text.toString('utf8', end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return { answers, complete: true };
}

/**
 * Writes `parts` on one connection (a pause between parts, so each is its own packet) and resolves with the first
 * `count` answers, and whether the server closed the connection after them.
 */
function exchange(
  port: number,
  parts: (string | Buffer)[],
  count: number,
): Promise<{ answers: Answer[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let answers: Answer[] = [];
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answers, closed });
    };
    const timer = setTimeout(() => finish(false), 1_500);
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      const parsed = parseResponses(received);
      answers = parsed.answers;
      // wait a moment for a close that follows the last answer
      if (parsed.complete && answers.length >= count) setTimeout(() => finish(socket.readableEnded), 100);
    });
    socket.on('end', () => {
      if (answers.length >= count) finish(true);
    });
    socket.on('error', reject);
    (async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })().catch(reject);
  });
}

const call = (id: number, params: unknown, method = 'echo') => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const post = (body: string, extra = '') =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
/** The same request with a chunked body: node:http's, since the fast path takes content-length bodies only. */
const chunked = (body: string) =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;

describe('the JSON-RPC fast path', () => {
  it('answers as node:http does: status, body and header names', async () => {
    const body = call(1, { word: 'é' });
    const fast = await exchange(server.port, [post(body)], 1);
    const slow = await exchange(server.port, [chunked(body)], 1);
    expect(fast.answers[0]!.status).toBe(200);
    expect(fast.answers[0]!.body).toBe(slow.answers[0]!.body);
    expect(JSON.parse(fast.answers[0]!.body)).toEqual({ jsonrpc: '2.0', id: 1, result: { word: 'é' } });
    expect(Object.keys(fast.answers[0]!.headers).sort()).toEqual(Object.keys(slow.answers[0]!.headers).sort());
    expect(fast.answers[0]!.headers['content-type']).toBe(slow.answers[0]!.headers['content-type']);
    expect(fast.answers[0]!.headers['keep-alive']).toBe(slow.answers[0]!.headers['keep-alive']);
  });

  it('reads a head and body split over many packets', async () => {
    const text = Buffer.from(post(call(2, { word: 'ü'.repeat(50) })));
    const parts = [text.subarray(0, 3), text.subarray(3, 40), text.subarray(40, text.length - 7), text.subarray(-7)];
    const { answers } = await exchange(server.port, parts, 1);
    expect(JSON.parse(answers[0]!.body).result).toEqual({ word: 'ü'.repeat(50) });
  });

  it('answers pipelined requests in order when an earlier one is slower, also across a hand-over to node:http', async () => {
    const requests = [
      post(call(1, { n: 1 }, 'slow')),
      post(call(2, { n: 2 })),
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n', // node:http from here on: 405
      post(call(4, { n: 4 })),
      chunked(call(5, { n: 5 })),
    ];
    const { answers } = await exchange(server.port, [requests.join('')], 5);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 405, 200, 200]);
    expect([0, 1, 3, 4].map((i) => JSON.parse(answers[i]!.body).id)).toEqual([1, 2, 4, 5]);
  });

  it('leaves to node:http: oversized bodies (413), notifications (204), Connection: close, a missing host', async () => {
    const big = `{"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":"${'a'.repeat(RPC_LIMITS.maxBodyBytes)}"}}`;
    const over = await exchange(server.port, [post(big)], 1);
    expect(over.answers[0]!.status).toBe(413);
    const note = await exchange(server.port, [post(JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: {} }))], 1);
    expect(note.answers[0]!.status).toBe(204);
    const closing = await exchange(server.port, [post(call(3, {}), 'Connection: close\r\n')], 1);
    expect(JSON.parse(closing.answers[0]!.body).id).toBe(3);
    expect(closing.closed).toBe(true);
    const hostless = await exchange(server.port, ['POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}'], 1);
    expect(hostless.answers[0]!.status).toBe(400);
  });

  it('takes a head again only if it is the same byte for byte: one that differs is read anew (Connection: close)', async () => {
    // the same head twice (the same length of body), then one with Connection: close: node:http's, which closes
    const heads = [
      post(call(10, { a: 1 })),
      post(call(11, { a: 2 })),
      post(call(12, { a: 3 }), 'Connection: close\r\n'),
    ];
    const { answers, closed } = await exchange(server.port, heads, 3);
    expect(answers.map((a) => [a.status, JSON.parse(a.body).id])).toEqual([
      [200, 10],
      [200, 11],
      [200, 12],
    ]);
    expect(answers[2]!.headers.connection).toBe('close');
    expect(closed).toBe(true);
    // a head the size of an accepted one but another (unknown) method: node:http's 400
    const body = call(13, { a: 4 });
    const other = await exchange(server.port, [post(body), post(body).replace('POST', 'PUTT')], 2);
    expect(other.answers.map((a) => a.status)).toEqual([200, 400]);
  });

  it('answers a client that half-closes after its request, then closes', async () => {
    const answer = await new Promise<Answer[]>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let received = Buffer.alloc(0);
      socket.on('data', (data) => {
        received = Buffer.concat([received, data]);
      });
      // at once, not at the keep-alive timeout
      const timer = setTimeout(() => reject(new Error('the server did not close within 1 s')), 1_000);
      socket.on('end', () => {
        clearTimeout(timer);
        resolve(parseResponses(received).answers);
      });
      socket.on('error', reject);
      socket.end(post(call(1, { n: 1 }, 'slow')) + post(call(2, { n: 2 })));
    });
    expect(answer.map((a) => JSON.parse(a.body).id)).toEqual([1, 2]);
  });

  it('adds the CORS headers when asked, and only then', async () => {
    const withCors = await exchange(corsServer.port, [post(call(1, {}))], 1);
    expect(withCors.answers[0]!.headers['access-control-allow-origin']).toBe('*');
    expect(withCors.answers[0]!.headers['access-control-allow-headers']).toBe('content-type');
    const without = await exchange(server.port, [post(call(1, {}))], 1);
    expect(without.answers[0]!.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await exchange(corsServer.port, ['OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n'], 1);
    expect(preflight.answers[0]!.status).toBe(204);
  });
});
