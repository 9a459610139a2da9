/**
 * The block journal of a devnet on disk: what lets an automined block count as durable before LevelDB has it.
 *
 * A transaction is answered once its block survives the node being killed (SIGKILL: the data must reach the
 * operating system, not the platter). The block's LevelDB batch is written on libuv's thread pool, and waiting for
 * it (a wake-up of a pool thread, the write, a wake-up of this thread: about 100 µs a block on the 2-core VM
 * measured) was a fifth of a lone client's round trip. Instead the chain appends, on its own thread, one
 * `write(2)` of a small record per block here (its height, timestamp, hash and raw transactions: about 300 bytes
 * for a transfer), answers, and lets LevelDB catch up behind. After a kill, `Chain.open` re-executes the records
 * above the store's last block (deterministic: same block, same hash, checked) and starts the journal afresh.
 *
 * Only automined blocks of a lone submission are journaled, and only if they are their transactions and nothing
 * else: a block that carries dev writes made since the last one (dev_setBalance and the like, dev_loadState) is
 * not, nor one built while other submissions are in flight (there, waiting for LevelDB answers several blocks in
 * one turn, which costs less CPU a transaction: measured 0.51-0.53 ms against 0.60-0.63 journaled, 8 clients), nor
 * an interval block; those are answered once LevelDB has them, as before. Records are for consecutive heights on the chain's current branch: the journal is emptied at open (after
 * the replay), before a rewind (dev_revert, dev_reset), and when it grows past a few MiB and every journaled block
 * is in LevelDB.
 *
 * Record layout: u32 length (little-endian) of the body, u32 CRC-32 of the body, the body (msgpack `[height u64,
 * timestamp u64, block hash, [raw transaction...]]`). Reading stops at the first record that is torn or fails its
 * checksum (a write cut short by the kill: its block was never answered).
 * @module
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { asBytes, pack, readU64, u64, unpack } from './codec.js';

export type JournalRecord = {
  readonly height: bigint;
  readonly timestamp: bigint;
  readonly hash: Uint8Array;
  readonly raws: readonly Uint8Array[];
};

const HEADER_BYTES = 8;

export class BlockJournal {
  readonly path: string;
  #fd: number;
  #size: number;
  /** Records appended since the journal was opened: tells a deferred reset whether anything came in meanwhile. */
  appends = 0;

  private constructor(path: string, fd: number, size: number) {
    this.path = path;
    this.#fd = fd;
    this.#size = size;
  }

  /** Opens (or creates) the journal at `path` and reads the records it holds, up to the first torn one. */
  static open(path: string): { journal: BlockJournal; records: JournalRecord[] } {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      bytes = Buffer.alloc(0);
    }
    const records = readRecords(bytes);
    const fd = openSync(path, 'a');
    return { journal: new BlockJournal(path, fd, bytes.length), records };
  }

  /** Bytes in the journal. */
  get size(): number {
    return this.#size;
  }

  /** Appends one record with one `write(2)`: once this returns, a kill of the process does not lose it. */
  append(record: JournalRecord): void {
    const body = pack([u64(record.height), u64(record.timestamp), record.hash, record.raws]);
    const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    out.writeUInt32LE(body.length, 0);
    out.writeUInt32LE(crc32(body), 4);
    out.set(body, HEADER_BYTES);
    let at = 0;
    while (at < out.length) at += writeSync(this.#fd, out, at, out.length - at);
    this.#size += out.length;
    this.appends++;
  }

  /** Empties the journal: only when every block it records is in the store. */
  reset(): void {
    ftruncateSync(this.#fd);
    this.#size = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** The records of a journal's bytes, up to the first torn or damaged one. */
export function readRecords(bytes: Uint8Array): JournalRecord[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: JournalRecord[] = [];
  let at = 0;
  while (at + HEADER_BYTES <= buffer.length) {
    const length = buffer.readUInt32LE(at);
    const end = at + HEADER_BYTES + length;
    if (end > buffer.length) break;
    const body = buffer.subarray(at + HEADER_BYTES, end);
    if (crc32(body) !== buffer.readUInt32LE(at + 4)) break;
    try {
      const [height, timestamp, hash, raws] = unpack(body) as unknown[];
      if (!Array.isArray(raws)) break;
      records.push({
        height: readU64(height, 'height'),
        timestamp: readU64(timestamp, 'timestamp'),
        hash: asBytes(hash, 'hash'),
        raws: raws.map((raw) => asBytes(raw, 'raw')),
      });
    } catch {
      break;
    }
    at = end;
  }
  return records;
}
