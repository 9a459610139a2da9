/**
 * The node the explorer talks to: the devnet that served the page (same origin), or any Gasket node given as
 * `?rpc=http://host:port/` in the page's URL (that node needs `--cors`). One client for the whole page, from the
 * project's own devnet/client (browser entry), over the public JSON-RPC and WebSocket API only.
 * @module
 */
import { type Client, createClient } from '../../client/browser.js';

export function nodeUrl(location: { readonly search: string; readonly origin: string }): string {
  const given = new URLSearchParams(location.search).get('rpc');
  return given ?? `${location.origin}/`;
}

export const client: Client = createClient({ url: nodeUrl(window.location), timeoutMs: 30_000 });
