/**
 * Serves the explorer's pre-built static files (`vite build` into dist/explorer/, run by `npm install`) on GET
 * requests at the RPC port: `/` is the page, `/assets/…` its scripts and styles. Nothing is read at start-up (the
 * devnet starts as fast without it): the folder is listed on the first GET and each file read once, then kept.
 * Only files found in that listing are served, so no path can reach outside the folder. The explorer talks to
 * the node through the public JSON-RPC and WebSocket API only, like any other client.
 * @module
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
};

/**
 * Where the built files are: dist/explorer/ beside dist/devnet/ when this runs compiled, or the repository's
 * dist/explorer/ when it runs from source (tests).
 */
export function explorerDir(): string | undefined {
  const candidates = [new URL('../explorer/', import.meta.url), new URL('../dist/explorer/', import.meta.url)];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/** A GET handler for startRpcServer's `onGet`: true when it answered the request. */
export function serveExplorer(
  dir: string | undefined = undefined,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  let listing: Promise<Set<string> | undefined> | undefined;
  let root: string | undefined;
  const files = new Map<string, Promise<Buffer>>();
  const list = () => {
    listing ??= (async () => {
      root = dir === undefined ? explorerDir() : existsSync(join(dir, 'index.html')) ? dir : undefined;
      if (root === undefined) return undefined;
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      const names = entries
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(root!.length).replaceAll('\\', '/'))
        .map((name) => (name.startsWith('/') ? name : `/${name}`));
      return new Set(names);
    })();
    return listing;
  };
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const name = path === '/' ? '/index.html' : path;
    list()
      .then(async (names) => {
        if (names === undefined) {
          response
            .writeHead(404, { 'content-type': 'text/plain' })
            .end('The explorer is not built: run npm install (or npm run build:explorer).\n');
          return;
        }
        if (!names.has(name)) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          return;
        }
        let body = files.get(name);
        if (!body) {
          body = readFile(join(root!, name));
          files.set(name, body);
        }
        const extension = name.slice(name.lastIndexOf('.') + 1);
        response
          .writeHead(200, {
            'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
            // built assets carry a content hash in their names; the page itself is looked up again each time
            'cache-control': name.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          })
          .end(await body);
      })
      .catch(() => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('cannot read the explorer files\n');
      });
    return true;
  };
}
