/**
 * Crash safety: a child process commits blocks (with pruning) and is killed with SIGKILL at varied moments;
 * every reopen must be at a committed block whose root, flat index and older roots are consistent, and at or
 * after every block the child reported durable (`flushed()`; blocks are written behind `commitBlock`, with or
 * without a group-commit delay).
 * The child runs the compiled store from dist/ (built by the test global setup).
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeRoot, openState } from './index.js';

const DIST = pathToFileURL(resolve(import.meta.dirname, '../dist/state/index.js')).href;

/** The workload, shared verbatim by the child (as source) and the model here. */
const WORKLOAD = `
function key(k) { return Uint8Array.of(3, k >> 8, k & 255); }
function blockOps(b) {
  const ops = [];
  const n = b % 5 === 0 ? 400 : 40;
  for (let i = 0; i < n; i++) { const k = (b * 37 + i * 11) % 700; ops.push(['put', k, Uint8Array.of(b & 255, b >> 8, i & 255, k & 255)]); }
  ops.push(['del', (b * 13) % 700]);
  return ops;
}`;

const CHILD = `
import { openState } from '${DIST}';
${WORKLOAD}
const writeDelayMs = Number(process.argv[2]);
const store = await openState({ path: process.argv[1], create: true, writeDelayMs });
for (let b = Number(store.version) + 1; ; b++) {
  for (const [op, k, v] of blockOps(b)) {
    store.checkpoint();
    store.put(key(k), Uint8Array.of(0xee));
    store.revert();
    if (op === 'put') store.put(key(k), v); else store.delete(key(k));
  }
  const { version, root } = await store.commitBlock();
  // reported once on disk (commitBlock writes behind; the next block is built meanwhile); with a write delay only
  // every fourth block asks (flushed() starts a waiting group), so groups of blocks wait for their delay
  if (writeDelayMs === 0 || b % 4 === 0)
    store.flushed().then(() => process.stdout.write(version + ' ' + Buffer.from(root).toString('hex') + '\\n'));
  if (b % 7 === 0) await store.prune(5);
}
`;

// the same workload, evaluated here for the model
const { key, blockOps } = new Function(`${WORKLOAD}; return { key, blockOps };`)() as {
  key: (k: number) => Uint8Array;
  blockOps: (b: number) => [string, number, Uint8Array][];
};

function modelAt(version: number): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (let b = 1; b <= version; b++) {
    for (const [op, k, v] of blockOps(b)) {
      const h = Buffer.from(key(k)).toString('hex');
      if (op === 'put') m.set(h, v);
      else m.delete(h);
    }
  }
  return m;
}

function runAndKill(dir: string, killAfterMs: number, writeDelayMs: number): Promise<Map<number, string>> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir, String(writeDelayMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported = new Map<number, string>();
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        const [v, root] = line.split(' ');
        reported.set(Number(v), root!);
      }
      // kill a fixed time after the first committed block of this run
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') done(reported);
      else fail(new Error(`child exited without being killed: ${err}`));
    });
  });
}

describe('crash safety', () => {
  it('reopens consistently after SIGKILL at varied moments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gasket-crash-'));
    const roots = new Map<number, string>();
    try {
      // group commit: runs with a write delay leave several blocks waiting for one write when killed
      for (const [killAfterMs, writeDelayMs] of [
        [0, 0],
        [7, 3],
        [23, 0],
        [61, 5],
        [113, 0],
        [3, 2],
        [41, 8],
      ] as const) {
        const reported = await runAndKill(dir, killAfterMs, writeDelayMs);
        for (const [v, r] of reported) roots.set(v, r);
        const store = await openState({ path: dir });
        try {
          const latest = Number(store.version);
          expect(latest).toBeGreaterThanOrEqual(Math.max(0, ...reported.keys()));
          // every root a child reported is still the root of that version
          for (const [v, r] of roots) if (v <= latest) expect(Buffer.from(store.rootAt(v)).toString('hex')).toBe(r);
          const model = modelAt(latest);
          const listed = new Map<string, string>();
          for await (const [k, v] of store.entries())
            listed.set(Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex'));
          expect(listed).toEqual(new Map([...model].map(([k, v]) => [k, Buffer.from(v).toString('hex')])));
          const expected = computeRoot([...model].map(([k, v]) => [Buffer.from(k, 'hex'), v] as const));
          expect(Buffer.from(store.root).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
          // older kept versions read back through their own trees
          for (let v = Math.max(Number(store.oldestVersion), latest - 3); v <= latest; v++) {
            const old = modelAt(v);
            for (let k = 0; k < 700; k += 29) {
              const value = store.getAt(key(k), v);
              expect(value && Buffer.from(value).toString('hex')).toBe(
                old.has(Buffer.from(key(k)).toString('hex'))
                  ? Buffer.from(old.get(Buffer.from(key(k)).toString('hex'))!).toString('hex')
                  : undefined,
              );
            }
          }
        } finally {
          await store.close();
        }
      }
      expect(roots.size).toBeGreaterThan(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
