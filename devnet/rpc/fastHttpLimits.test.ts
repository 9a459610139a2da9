/**
 * The fast path's bounds against a client that misbehaves on purpose: a body sent a few bytes at a time is joined
 * once, not at every chunk (a 5 MB body so sent would otherwise cost the node hours of copying), and a client that
 * pipelines requests without reading answers gets at most MAX_PIPELINED of them worked on at once.
 */
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_PIPELINED, serveFast } from './fastHttp.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server that serves every connection on the fast path with `answer`. */
async function fastServer(answer: (body: string) => Promise<string | undefined>, keepAliveMs = 5_000): Promise<number> {
  const http = createHttpServer();
  const server = createServer({ allowHalfOpen: true }, (socket) =>
    serveFast(socket, http, answer, { maxBodyBytes: 5 * 1024 * 1024, keepAliveMs }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function connected(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

const head = (length: number) =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
const turn = () => new Promise((resolve) => setImmediate(resolve));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const closedAt = (socket: Socket) => new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));

describe('fast path keep-alive timeout', () => {
  const keepAliveMs = 300;
  const request = (i: number) => {
    const body = `{"jsonrpc":"2.0","id":${i},"method":"m"}`;
    return head(body.length) + body;
  };

  it('closes a connection idle for the keep-alive time (not before, by 1.5 times it plus slack)', async () => {
    const port = await fastServer(async (body) => body, keepAliveMs);
    const socket = await connected(port);
    const closed = closedAt(socket);
    socket.write(request(1));
    await new Promise((resolve) => socket.once('data', resolve));
    const answered = Date.now();
    const idle = (await closed) - answered;
    expect(idle).toBeGreaterThanOrEqual(keepAliveMs - 20);
    expect(idle).toBeLessThan(keepAliveMs * 1.5 + 400);
  });

  it('keeps a connection open while it is used, and while an answer longer than the timeout is under way', async () => {
    const port = await fastServer(async (body) => {
      if (body.includes('"id":99')) await sleep(keepAliveMs * 2.5);
      return body;
    }, keepAliveMs);
    const socket = await connected(port);
    let closed = false;
    socket.once('close', () => {
      closed = true;
    });
    let answers = 0;
    socket.on('data', (data) => {
      answers += data.toString().split('HTTP/1.1 200').length - 1;
    });
    // a request every 100 ms for 3 keep-alive periods
    for (let i = 0; i < 9; i++) {
      socket.write(request(i));
      await sleep(100);
    }
    expect(closed).toBe(false);
    // one slow answer: the connection waits for it
    socket.write(request(99));
    await sleep(keepAliveMs * 2.5 + 100);
    expect(answers).toBe(10);
    expect(closed).toBe(false);
  });
});

describe('fast path bounds', () => {
  it('joins a body that arrives in many chunks once', async () => {
    let received = '';
    const port = await fastServer(async (body) => {
      received = body;
      return '{"ok":true}';
    });
    const socket = await connected(port);
    const body = JSON.stringify({ pad: 'x'.repeat(60_000) });
    const concat = vi.spyOn(Buffer, 'concat');
    socket.write(head(body.length));
    for (let at = 0; at < body.length; at += 200) {
      socket.write(body.slice(at, at + 200));
      await turn(); // one chunk a turn: the server sees them as separate reads
    }
    const answer = await new Promise<string>((resolve) => socket.once('data', (data) => resolve(data.toString())));
    expect(answer).toContain('{"ok":true}');
    expect(received).toBe(body);
    // 300 chunks: joined once (plus at most a few while the head itself arrived), never once a chunk
    expect(concat.mock.calls.length).toBeLessThan(10);
  });

  it('works on at most MAX_PIPELINED requests of one connection while their answers are held', async () => {
    const held: (() => void)[] = [];
    let started = 0;
    const port = await fastServer(async (body) => {
      started++;
      await new Promise<void>((resolve) => held.push(resolve));
      return body;
    });
    const socket = await connected(port);
    const request = (i: number) => {
      const body = `{"jsonrpc":"2.0","id":${i},"method":"m"}`;
      return head(body.length) + body;
    };
    const total = MAX_PIPELINED * 4;
    let text = '';
    socket.on('data', (data) => {
      text += data.toString();
    });
    socket.write(Array.from({ length: total }, (_, i) => request(i)).join(''));
    while (started < MAX_PIPELINED) await turn();
    for (let i = 0; i < 20; i++) await turn(); // time for more to start, if anything let them
    expect(started).toBe(MAX_PIPELINED);
    // released, every request is answered, in order
    while (text.split('HTTP/1.1 200').length - 1 < total) {
      for (const release of held.splice(0)) release();
      await turn();
    }
    expect(started).toBe(total);
    const ids = [...text.matchAll(/"id":(\d+)/g)].map((match) => Number(match[1]));
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
