/**
 * `createClient` for Node: the browser-safe client of createClient.ts with the `ws` package's WebSocket class for
 * subscriptions (Node 20 has no global WebSocket). The CLI, tests and programs import this one through index.ts;
 * the explorer imports browser.ts, which never reaches `ws`.
 * @module
 */
import { WebSocket } from 'ws';
import {
  type Client,
  type ClientOptions,
  createClient as createBrowserSafeClient,
  type WebSocketConstructor,
} from './createClient.js';

export function createClient(options: ClientOptions): Client {
  return createBrowserSafeClient({ webSocket: WebSocket as unknown as WebSocketConstructor, ...options });
}
