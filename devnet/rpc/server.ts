/**
 * The JSON-RPC server: HTTP POST and WebSocket on one port (127.0.0.1 by default), CORS off unless asked for.
 * Bodies over the size limit are refused before they are read whole. `listen()` resolves with the bound
 * address; `close()` ends connections and subscriptions. JSON-RPC POSTs on keep-alive connections take a fast path
 * (fastHttp.ts, about a third of node:http's CPU a request); everything else is node:http's. The transport (`startHttpServer`) takes any body
 * handler: `startRpcServer` answers with a method table on this thread, the devnet's front end
 * (frontEndWorker.ts) runs the same transport on a worker thread and forwards bodies to the chain's thread.
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import type { WebSocketServer } from 'ws';
import type { GasketError } from '../../errors.js';
import { serveFast } from './fastHttp.js';
import { handleRpcBody, RPC_LIMITS, type RpcContext, type RpcMethods } from './jsonRpc.js';
import type { Subscriptions } from './subscriptions.js';

export type RpcServerOptions = {
  readonly host?: string;
  readonly port?: number;
  /** Allowed origin for CORS (e.g. "*"); off by default. */
  readonly cors?: string;
  /** Serves GET requests other than the RPC (the explorer, when it exists). */
  readonly onGet?: (request: IncomingMessage, response: ServerResponse) => boolean;
};

export type RpcServer = {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  /**
   * Settles with the error if the server stops serving on its own (the `--rpc-worker` front end's thread failed);
   * never for the server on the chain's thread, which fails only with the process.
   */
  readonly failed?: Promise<GasketError>;
  close(): Promise<void>;
};

/** What the transport asks of its user: an answer to a body (undefined: notifications only), and connection ends. */
export type RpcBodyHandler = {
  handle(body: string, context: RpcContext): Promise<string | undefined>;
  dropConnection(connectionId: number): void;
};

export function startRpcServer(
  methods: RpcMethods,
  subscriptions: Subscriptions,
  options: RpcServerOptions = {},
): Promise<RpcServer> {
  return startHttpServer(
    {
      handle: (body, context) => handleRpcBody(body, methods, context),
      dropConnection: (connectionId) => subscriptions.dropConnection(connectionId),
    },
    options,
  );
}

export async function startHttpServer(handler: RpcBodyHandler, options: RpcServerOptions = {}): Promise<RpcServer> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((request, response) => {
    if (options.cors) {
      response.setHeader('access-control-allow-origin', options.cors);
      response.setHeader('access-control-allow-headers', 'content-type');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(options.cors ? 204 : 405).end();
      return;
    }
    if (request.method === 'GET' && options.onGet?.(request, response)) return;
    if (request.method !== 'POST') {
      response.writeHead(405, { 'content-type': 'text/plain' }).end('POST JSON-RPC 2.0 requests here\n');
      return;
    }
    readBody(request, RPC_LIMITS.maxBodyBytes)
      .then(async (body) => {
        if (body === undefined) {
          respond(
            response,
            413,
            JSON.stringify({
              jsonrpc: '2.0',
              id: null,
              error: { code: -32600, message: `request over ${RPC_LIMITS.maxBodyBytes} bytes` },
            }),
          );
          return;
        }
        const answer = await handler.handle(body, {});
        if (answer === undefined) response.writeHead(204).end();
        else respond(response, 200, answer);
      })
      .catch((error: unknown) => {
        respond(
          response,
          500,
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: String(error) } }),
        );
      });
  });
  server.keepAliveTimeout = 30_000;
  // connections start on the fast path for JSON-RPC POSTs (fastHttp.ts), which hands anything else to `server`
  const fastSockets = new Set<Socket>();
  const listener = createNetServer({ allowHalfOpen: true }, (socket) => {
    fastSockets.add(socket);
    socket.once('close', () => fastSockets.delete(socket));
    serveFast(socket, server, (body) => handler.handle(body, {}), {
      maxBodyBytes: RPC_LIMITS.maxBodyBytes,
      cors: options.cors,
      keepAliveMs: server.keepAliveTimeout,
    });
  });

  // The WebSocket server (the `ws` package) is loaded on the first upgrade request, not at start-up.
  let wss: WebSocketServer | undefined;
  let nextConnection = 1;
  const webSockets = async (): Promise<WebSocketServer> => {
    if (wss) return wss;
    const { WebSocketServer } = await import('ws');
    wss ??= new WebSocketServer({ noServer: true, maxPayload: RPC_LIMITS.maxBodyBytes });
    wss.on('connection', (socket) => {
      const connectionId = nextConnection++;
      const notify = (method: string, params: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ jsonrpc: '2.0', method, params }));
      };
      socket.on('message', (data) => {
        handler
          .handle(data.toString(), { connectionId, notify })
          .then((answer) => {
            if (answer !== undefined && socket.readyState === socket.OPEN) socket.send(answer);
          })
          .catch(() => socket.close(1011));
      });
      socket.on('close', () => handler.dropConnection(connectionId));
      socket.on('error', () => handler.dropConnection(connectionId));
    });
    return wss;
  };
  server.on('upgrade', (request, socket, head) => {
    webSockets()
      .then((ws) => ws.handleUpgrade(request, socket, head, (client) => ws.emit('connection', client, request)))
      .catch(() => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 8545, host, () => resolve());
  });
  const port = (listener.address() as AddressInfo).port;
  const display = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${display}:${port}/`,
    wsUrl: `ws://${display}:${port}/`,
    port,
    close: async () => {
      if (wss) {
        const open = wss;
        for (const client of open.clients) client.terminate();
        await new Promise<void>((resolve) => open.close(() => resolve()));
      }
      server.closeAllConnections();
      for (const socket of fastSockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

/** One write with a content-length (headers set by writeHead alone would make Node send the body chunked). */
function respond(response: ServerResponse, status: number, body: string): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    .end(body);
}

/** The request body as text, or undefined if it is over `max` bytes. */
function readBody(request: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > max) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (over) resolve(undefined);
      else resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}
