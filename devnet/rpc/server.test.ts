import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcMethods } from './jsonRpc.js';
import { type RpcServer, startRpcServer } from './server.js';
import type { Subscriptions } from './subscriptions.js';

const methods: RpcMethods = {
  echo: (params) => params,
  big: () => ({ amount: 2n ** 70n, nested: [1n, 'x'] }),
};

let server: RpcServer;
beforeAll(async () => {
  server = await startRpcServer(methods, {} as Subscriptions, { port: 0 });
});
afterAll(() => server.close());

/** Writes `text` on one connection and reads until `responses` HTTP responses (with bodies) have arrived. */
function exchange(text: string, responses: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => {
      received += data.toString('latin1');
      const complete = received.split('HTTP/1.1 ').slice(1);
      const done = complete.filter((r) => {
        const length = /content-length: (\d+)/i.exec(r);
        const body = r.split('\r\n\r\n')[1] ?? '';
        return length !== null && body.length >= Number(length[1]);
      });
      if (done.length === responses) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.write(text);
  });
}

const post = (body: string) =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('HTTP answers', () => {
  it('carry a content-length (not chunked) and bigints as decimal strings', async () => {
    const text = await exchange(post('{"jsonrpc":"2.0","id":7,"method":"big"}'), 1);
    expect(text).toMatch(/content-length: \d+/i);
    expect(text).not.toMatch(/transfer-encoding/i);
    const body = JSON.parse(text.split('\r\n\r\n')[1]!);
    expect(body).toEqual({ jsonrpc: '2.0', id: 7, result: { amount: (2n ** 70n).toString(), nested: ['1', 'x'] } });
  });

  it('answers pipelined requests on one keep-alive connection, in order', async () => {
    const bodies = ['é', 'ü', 'plain'].map((word, i) =>
      JSON.stringify({ jsonrpc: '2.0', id: i, method: 'echo', params: { word } }),
    );
    const text = await exchange(bodies.map(post).join(''), 3);
    const answers = text
      .split('HTTP/1.1 ')
      .slice(1)
      .map((r) => JSON.parse(Buffer.from(r.split('\r\n\r\n')[1]!, 'latin1').toString('utf8')));
    expect(answers).toEqual(['é', 'ü', 'plain'].map((word, i) => ({ jsonrpc: '2.0', id: i, result: { word } })));
  });
});
