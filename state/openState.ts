/**
 * Opening a state store: on disk with classic-level (LevelDB, the default) or in memory with memory-level
 * (tests and `--in-memory` mode). Both offer the synchronous `getSync` the read path needs.
 *
 * Safety: the database is identified by its format record (`GASKET-STATE`, format version). A missing database
 * is created only with `create: true`; a directory holding anything else, a LevelDB without our format record,
 * or a newer format gives a typed error naming the path and versions, and nothing is written to it.
 * @module
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ClassicLevel } from 'classic-level';
import {
  decodeBlock,
  decodeFormat,
  encodeBlock,
  encodeFormat,
  META_FORMAT,
  META_LATEST,
  META_PRUNED,
  P_BLOCK,
  readU64,
  STATE_FORMAT_VERSION,
  u64,
  versionKey,
} from './_layout.js';
import {
  StateDbCorruptError,
  StateDbForeignError,
  StateDbFormatError,
  StateDbLockedError,
  StateDbMissingError,
} from './errors.js';
import { type LevelDb, StateStore, type StateStoreOptions } from './StateStore.js';

export type OpenStateOptions = StateStoreOptions &
  (
    | {
        /** Directory of the LevelDB database. */
        path: string;
        /** Create the database if the directory is missing or empty. Default false. */
        create?: boolean;
        /** LevelDB's block cache in bytes (flat values and nodes read from disk). Default 32 MiB. */
        levelCacheSize?: number;
        /**
         * LevelDB's write buffer (memtable) in bytes; up to two are held in memory. Default 32 MiB: with LevelDB's
         * own default of 4 MiB, a block of ~800 KB filled one every five blocks, and the level-0 flushes and
         * compactions that followed took twice the background CPU (measured, docs/benchmarks.md).
         */
        levelWriteBufferSize?: number;
      }
    | { inMemory: true }
  );

export type OpenStateErrorType =
  | StateDbMissingError
  | StateDbForeignError
  | StateDbFormatError
  | StateDbCorruptError
  | StateDbLockedError;

const MEMORY_PATH = ':memory:';
export const DEFAULT_LEVEL_CACHE_SIZE = 32 * 1024 * 1024;
export const DEFAULT_LEVEL_WRITE_BUFFER_SIZE = 32 * 1024 * 1024;

/**
 * Opens (or with `create: true`, creates) a state store.
 * @example
 * const state = await openState({ path: '.gasket/state', create: true });
 * state.put(key, value);
 * const { root } = await state.commitBlock();
 */
export async function openState(options: OpenStateOptions): Promise<StateStore> {
  if ('inMemory' in options) {
    // loaded only when asked for: a node on disk never pays for it at start-up
    const { MemoryLevel } = await import('memory-level');
    const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return load(db as unknown as LevelDb, MEMORY_PATH, true, options, false);
  }
  const path = resolve(options.path);
  const create = options.create ?? false;
  let entries: string[] | undefined;
  try {
    const st = await stat(path);
    if (!st.isDirectory()) throw new StateDbForeignError(path, 'a file, not a directory');
    entries = await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (entries === undefined || entries.length === 0) {
    if (!create) {
      throw new StateDbMissingError(path, {
        details: `${entries === undefined ? 'The directory does not exist' : 'The directory is empty'}; pass create: true to create a database (format version ${STATE_FORMAT_VERSION}).`,
      });
    }
    await mkdir(path, { recursive: true });
  } else if (!entries.includes('CURRENT')) {
    throw new StateDbForeignError(path, 'a non-empty directory without a LevelDB database');
  }
  const db = new ClassicLevel<Buffer, Buffer>(path, {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
    createIfMissing: create,
    cacheSize: options.levelCacheSize ?? DEFAULT_LEVEL_CACHE_SIZE,
    writeBufferSize: options.levelWriteBufferSize ?? DEFAULT_LEVEL_WRITE_BUFFER_SIZE,
  });
  try {
    await db.open();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'LEVEL_LOCKED') throw new StateDbLockedError(path, error);
    throw new StateDbForeignError(path, 'LevelDB cannot open it', { cause: error });
  }
  try {
    return await load(db as unknown as LevelDb, path, create, options, true);
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** `nativeBatch`: the database is classic-level, whose chained batch takes each operation in one native call. */
async function load(
  db: LevelDb,
  path: string,
  create: boolean,
  options: StateStoreOptions,
  nativeBatch: boolean,
): Promise<StateStore> {
  const format = await db.get(META_FORMAT);
  if (format === undefined) {
    const any = await db.keys({ limit: 1 }).all();
    if (any.length > 0) {
      throw new StateDbForeignError(path, 'a LevelDB database without a Gasket state format record');
    }
    if (!create) {
      throw new StateDbMissingError(path, {
        details: `The LevelDB database is empty; pass create: true to create one (format version ${STATE_FORMAT_VERSION}).`,
      });
    }
    await db.batch(
      [
        { type: 'put', key: META_FORMAT, value: encodeFormat(STATE_FORMAT_VERSION) },
        { type: 'put', key: META_LATEST, value: Buffer.from(u64(0)) },
        { type: 'put', key: META_PRUNED, value: Buffer.from(u64(0)) },
        {
          type: 'put',
          key: versionKey(P_BLOCK, 0),
          value: encodeBlock({ root: new Uint8Array(32), rootNode: undefined, meta: new Uint8Array(0) }),
        },
      ],
      { sync: true },
    );
  } else {
    const version = decodeFormat(format);
    if (version === undefined) throw new StateDbForeignError(path, 'its format record is not a Gasket state record');
    if (version !== STATE_FORMAT_VERSION) throw new StateDbFormatError(path, version, STATE_FORMAT_VERSION);
  }
  const latestRaw = await db.get(META_LATEST);
  const prunedRaw = await db.get(META_PRUNED);
  if (latestRaw?.length !== 8 || prunedRaw?.length !== 8) {
    throw new StateDbCorruptError(path, 'the latest/pruned version records are missing or malformed');
  }
  const latest = readU64(latestRaw, 0);
  const pruned = readU64(prunedRaw, 0);
  const blockRaw = await db.get(versionKey(P_BLOCK, latest));
  if (blockRaw === undefined) throw new StateDbCorruptError(path, `block record ${latest} is missing`);
  let block: ReturnType<typeof decodeBlock>;
  try {
    block = decodeBlock(blockRaw);
  } catch (cause) {
    throw new StateDbCorruptError(path, `block record ${latest} is malformed (${String(cause)})`);
  }
  return new StateStore(db, path, { latest, pruned, block, nativeBatch }, options);
}
