import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGasketError } from '../errors.js';
import { encodeFormat, META_FORMAT } from './_layout.js';
import { openState, STATE_FORMAT_VERSION, StateDbFormatError } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gasket-open-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reopenedKeys(path: string): Promise<string[]> {
  const db = new ClassicLevel<string, string>(path);
  await db.open();
  try {
    return await db.keys().all();
  } finally {
    await db.close();
  }
}

describe('openState', () => {
  it('refuses a missing directory without create, naming the path', async () => {
    const path = join(dir, 'nope');
    const error = await openState({ path }).catch((e: unknown) => e);
    expect(isGasketError(error, 'STATE_DB_MISSING')).toBe(true);
    expect((error as Error).message).toContain(path);
    await expect(readdir(path)).rejects.toThrow();
  });

  it('refuses an empty directory without create', async () => {
    await expect(openState({ path: dir })).rejects.toMatchObject({ code: 'STATE_DB_MISSING' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates with create: true, and reopens at the committed block', async () => {
    const path = join(dir, 'db');
    const s = await openState({ path, create: true });
    expect(s.version).toBe(0n);
    s.put(Uint8Array.of(1), Uint8Array.of(2));
    const { root } = await s.commitBlock(Uint8Array.of(42));
    await s.close();
    const t = await openState({ path });
    expect(t.version).toBe(1n);
    expect(t.root).toEqual(root);
    expect(t.blockMeta(1n)).toEqual(Uint8Array.of(42));
    expect(t.get(Uint8Array.of(1))).toEqual(Uint8Array.of(2));
    await t.close();
  });

  it('refuses a non-empty directory that is not a LevelDB, and leaves it untouched', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await expect(openState({ path: dir, create: true })).rejects.toMatchObject({ code: 'STATE_DB_FOREIGN' });
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('refuses a file path', async () => {
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    await expect(openState({ path: file, create: true })).rejects.toMatchObject({ code: 'STATE_DB_FOREIGN' });
  });

  it('refuses a foreign LevelDB (no Gasket format record) and does not write to it', async () => {
    const path = join(dir, 'foreign');
    const db = new ClassicLevel<string, string>(path);
    await db.open();
    await db.put('hello', 'world');
    await db.close();
    const error = await openState({ path, create: true }).catch((e: unknown) => e);
    expect(isGasketError(error, 'STATE_DB_FOREIGN')).toBe(true);
    expect((error as Error).message).toContain(path);
    expect(await reopenedKeys(path)).toEqual(['hello']);
  });

  it('refuses a newer format version with both versions and the path in the message, never rewriting it', async () => {
    const path = join(dir, 'newer');
    const s = await openState({ path, create: true });
    await s.close();
    const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    await db.put(META_FORMAT, encodeFormat(STATE_FORMAT_VERSION + 1));
    await db.close();
    const error = await openState({ path, create: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDbFormatError);
    expect(error).toMatchObject({
      code: 'STATE_DB_FORMAT',
      found: STATE_FORMAT_VERSION + 1,
      supported: STATE_FORMAT_VERSION,
    });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(`format version ${STATE_FORMAT_VERSION + 1}`);
    const check = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await check.open();
    expect(await check.get(META_FORMAT)).toEqual(encodeFormat(STATE_FORMAT_VERSION + 1));
    await check.close();
  });

  it('reports a database locked by another open store', async () => {
    const path = join(dir, 'locked');
    const s = await openState({ path, create: true });
    await expect(openState({ path })).rejects.toMatchObject({ code: 'STATE_DB_LOCKED' });
    await s.close();
  });

  it('rejects bad keys, values and closed stores with typed errors', async () => {
    const s = await openState({ inMemory: true });
    expect(() => s.put(new Uint8Array(0), Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'STATE_INPUT' }));
    expect(() => s.get(new Uint8Array(5000))).toThrow(expect.objectContaining({ code: 'STATE_INPUT' }));
    expect(() => s.getAt(Uint8Array.of(1), 5n)).toThrow(expect.objectContaining({ code: 'STATE_VERSION_UNKNOWN' }));
    await expect(s.prune(0)).rejects.toMatchObject({ code: 'STATE_INPUT' });
    await s.close();
    expect(() => s.get(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'STATE_CLOSED' }));
  });

  it('a block is committed when commitBlock returns: writes made while its batch is written go to the next block', async () => {
    const s = await openState({ inMemory: true });
    s.put(Uint8Array.of(1), Uint8Array.of(1));
    const committing = s.commitBlock();
    expect(s.get(Uint8Array.of(1))).toEqual(Uint8Array.of(1));
    s.put(Uint8Array.of(2), Uint8Array.of(2));
    const next = s.commitBlock();
    expect((await committing).version).toBe(1n);
    expect((await next).version).toBe(2n);
    expect(s.getAt(Uint8Array.of(2), 1)).toBeUndefined();
    expect(s.getAt(Uint8Array.of(2), 2)).toEqual(Uint8Array.of(2));
    await s.flushed();
    await s.close();
  });

  it('rejects writes and a second commit while revertTo is running', async () => {
    const s = await openState({ inMemory: true });
    s.put(Uint8Array.of(1), Uint8Array.of(1));
    await s.commitBlock();
    s.put(Uint8Array.of(1), Uint8Array.of(2));
    await s.commitBlock();
    const reverting = s.revertTo(1);
    expect(() => s.put(Uint8Array.of(2), Uint8Array.of(2))).toThrow(expect.objectContaining({ code: 'STATE_BUSY' }));
    await expect(s.commitBlock()).rejects.toMatchObject({ code: 'STATE_BUSY' });
    await reverting;
    expect(s.get(Uint8Array.of(1))).toEqual(Uint8Array.of(1));
    s.put(Uint8Array.of(2), Uint8Array.of(2));
    await s.close();
  });

  it('close() lets a prune or revertTo under way finish before it closes the database', async () => {
    for (const operation of ['prune', 'revertTo'] as const) {
      const s = await openState({ inMemory: true });
      for (let i = 0; i < 3; i++) {
        s.put(Uint8Array.of(1), Uint8Array.of(i));
        s.put(Uint8Array.of(10 + i), Uint8Array.of(i));
        await s.commitBlock();
      }
      const running = operation === 'prune' ? s.prune(1) : s.revertTo(1);
      await s.close();
      await expect(running).resolves.not.toThrow();
    }
  });

  it('error messages stay actionable', () => {
    const e = new StateDbFormatError('/data/state', 2, 1);
    expect(e.toJSON()).toMatchInlineSnapshot(`
      {
        "code": "STATE_DB_FORMAT",
        "details": "The database was written by a newer Gasket: upgrade Gasket to open it. It was left untouched.",
        "message": "State database /data/state has format version 2; this Gasket reads format version 1",
        "name": "StateDbFormatError",
      }
    `);
  });
});
