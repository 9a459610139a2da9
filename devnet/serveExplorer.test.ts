/**
 * The explorer's static files at the RPC port: the page and its assets on GET, JSON-RPC on POST, 404 for anything
 * else (no path leaves the built folder), a hint when it is not built, and `explorer: false` (--no-explorer).
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createMethods } from './rpc/methods.js';
import { startRpcServer } from './rpc/server.js';
import { serveExplorer } from './serveExplorer.js';
import { type Devnet, startDevnet } from './startDevnet.js';

/** A built explorer folder of our own, so the test does not depend on `vite build` having run. */
function fakeBuild(): string {
  const parent = mkdtempSync(join(tmpdir(), 'gasket-explorer-files-'));
  const dir = join(parent, 'build');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(parent, 'secret.txt'), 'outside the folder');
  return dir;
}

const noMethods = {} as ReturnType<typeof createMethods>;
const noSubscriptions = { dropConnection: () => undefined } as never;

describe('serveExplorer', () => {
  const dir = fakeBuild();
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const server = await startRpcServer(noMethods, noSubscriptions, { port: 0, onGet: serveExplorer(dir) });
    url = server.url;
    close = server.close;
  });
  afterAll(() => close());

  it('serves the page at / and its assets with their content types; POST stays JSON-RPC', async () => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<div id="app">');
    const script = await fetch(`${url}assets/index-abc.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    const rpc = await fetch(url, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"nope"}' });
    expect(((await rpc.json()) as { error: { code: number } }).error.code).toBe(-32601);
  });

  it('answers 404 for anything not in the built folder, including paths that climb out of it', async () => {
    for (const path of [
      'missing.js',
      'assets/../../secret.txt',
      '%2e%2e/secret.txt',
      'assets/%2e%2e%2f..%2fsecret.txt',
    ]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('outside the folder');
    }
  });

  it('says how to build it when the folder has no page', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gasket-explorer-empty-'));
    const server = await startRpcServer(noMethods, noSubscriptions, {
      port: 0,
      onGet: serveExplorer(join(empty, 'nothing-here')),
    });
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('not built');
    } finally {
      await server.close();
    }
  });
});

describe('startDevnet explorer option', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startDevnet({ inMemory: true, port: 0, explorer: false });
  });
  afterAll(() => devnet.close());

  it('explorer: false (--no-explorer) serves no page: GET is refused as before', async () => {
    const response = await fetch(devnet.server.url);
    expect(response.status).toBe(405);
  });
});
