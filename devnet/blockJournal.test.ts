import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openState } from '../state/index.js';
import { devTransfer as transfer } from '../test/index.js';
import { BlockJournal, type JournalRecord, readRecords } from './blockJournal.js';
import { Chain } from './chain.js';
import { toHex } from './codec.js';
import { DevnetError } from './errors.js';
import { devAccount } from './keys.js';
import type { SignedTransaction } from './transaction.js';

const record: fc.Arbitrary<JournalRecord> = fc.record({
  height: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  timestamp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  raws: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }),
});

const plain = (records: readonly JournalRecord[]) =>
  records.map((r) => ({ ...r, hash: toHex(r.hash), raws: r.raws.map((raw) => toHex(raw)) }));

async function openChain(dir: string) {
  const state = await openState({ path: join(dir, 'chain'), create: true });
  const { journal, records } = BlockJournal.open(join(dir, 'journal'));
  const chain = await Chain.open(state, {}, { journal, replay: records });
  return { state, journal, chain };
}

describe('BlockJournal', () => {
  it('reads back what it appended; a journal cut anywhere reads as a prefix of its records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-journal-'));
    let n = 0;
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), fc.nat(), (records, cutAt) => {
        const path = join(dir, `j${n++}`);
        const { journal } = BlockJournal.open(path);
        for (const r of records) journal.append(r);
        journal.close();
        expect(plain(BlockJournal.open(path).records)).toEqual(plain(records));
        const bytes = readFileSync(path);
        const read = readRecords(bytes.subarray(0, bytes.length === 0 ? 0 : cutAt % bytes.length));
        expect(read.length).toBeLessThan(records.length + (bytes.length === 0 ? 1 : 0));
        expect(plain(read)).toEqual(plain(records.slice(0, read.length)));
      }),
      { numRuns: 60 },
    );
  });

  it('stops at a record whose bytes were damaged (checksum)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gasket-journal-')), 'journal');
    const { journal } = BlockJournal.open(path);
    const r = { height: 1n, timestamp: 2n, hash: new Uint8Array(32).fill(3), raws: [Uint8Array.of(4, 5)] };
    journal.append(r);
    journal.append({ ...r, height: 2n });
    journal.close();
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(path, bytes);
    expect(BlockJournal.open(path).records.map((x) => x.height)).toEqual([1n]);
  });
});

describe('a chain with a block journal', () => {
  it('replays the journaled blocks LevelDB lost: same blocks, roots and receipts; blocks after dev writes are not journaled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-journal-chain-'));
    const first = await openChain(dir);
    await first.chain.setBalance(devAccount(5).address, 123n); // a dev write: the next block is not journaled
    await first.chain.submit(transfer(1, 0n, 10n).raw);
    expect(first.journal.appends).toBe(0);
    const sent: SignedTransaction[] = [];
    for (let i = 0; i < 6; i++) {
      const sender = 1 + (i % 3);
      const tx = transfer(sender, BigInt(Math.floor(i / 3)) + (sender === 1 ? 1n : 0n), BigInt(i + 1));
      sent.push(tx);
      await first.chain.submit(tx.raw);
    }
    expect(first.journal.appends).toBe(6);
    await first.chain.idle();
    const head = first.chain.head;
    const receipts = sent.map((tx) => first.chain.findTransaction(tx.hash)?.receipt);
    // a kill before LevelDB had the last four blocks: the store goes back, the journal keeps them
    await first.state.revertTo(head.header.height + 1n - 4n);
    await first.state.close();
    first.journal.close();

    const second = await openChain(dir);
    expect(second.chain.head.header.height).toBe(head.header.height);
    expect(toHex(second.chain.head.hash)).toBe(toHex(head.hash));
    expect(toHex(second.state.root)).toBe(toHex(head.header.stateRoot));
    for (const [i, tx] of sent.entries()) {
      const found = second.chain.findTransaction(tx.hash);
      expect(found?.receipt?.status).toBe('ok');
      expect(found?.receipt?.gasUsed).toBe(receipts[i]?.gasUsed);
    }
    expect(second.journal.size).toBe(0); // replayed and in LevelDB: the journal starts afresh
    await second.chain.submit(transfer(4, 0n, 1n).raw);
    expect(second.journal.appends).toBe(1);
    // a rewind empties it: no block of the abandoned branch may come back
    const snapshot = second.chain.snapshot();
    await second.chain.submit(transfer(4, 1n, 1n).raw);
    await second.chain.revert(snapshot);
    expect(second.journal.size).toBe(0);
    await second.chain.idle();
    await second.state.close();
    second.journal.close();
  });

  it('a full journal: the next block waits for LevelDB and empties it, then journaling resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-journal-chain-'));
    const state = await openState({ path: join(dir, 'chain'), create: true });
    const { journal } = BlockJournal.open(join(dir, 'journal'));
    const chain = await Chain.open(state, {}, { journal, replay: [], journalLimit: 1 });
    await chain.submit(transfer(1, 0n, 1n).raw);
    expect([journal.appends, journal.size > 0]).toEqual([1, true]); // past the limit: full
    await chain.submit(transfer(1, 1n, 1n).raw);
    expect([journal.appends, journal.size]).toEqual([1, 0]); // not journaled; once on disk, emptied
    await chain.submit(transfer(1, 2n, 1n).raw);
    expect(journal.appends).toBe(2);
    await chain.idle();
    await state.close();
    journal.close();
  });

  it('a journal that cannot be written: blocks are answered once LevelDB has them, as without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-journal-chain-'));
    const state = await openState({ path: join(dir, 'chain'), create: true });
    const { journal } = BlockJournal.open(join(dir, 'journal'));
    const chain = await Chain.open(state, {}, { journal, replay: [] });
    journal.close(); // every append and reset now fails (EBADF)
    const start = chain.head.header.height;
    for (let nonce = 0n; nonce < 3n; nonce++) await chain.submit(transfer(1, nonce, 1n).raw);
    expect(chain.head.header.height).toBe(start + 3n);
    expect(journal.appends).toBe(0);
    await chain.idle();
    await state.close();
    const reopened = await openState({ path: join(dir, 'chain') });
    expect(reopened.version - 1n).toBe(start + 3n);
    await reopened.close();
  });

  it('refuses a journal whose record does not give the block it names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-journal-chain-'));
    const first = await openChain(dir);
    const height = first.chain.head.header.height + 1n;
    await first.state.close();
    first.journal.append({ height, timestamp: 1_735_689_601n, hash: new Uint8Array(32), raws: [] });
    first.journal.close();
    const state = await openState({ path: join(dir, 'chain') });
    const { journal, records } = BlockJournal.open(join(dir, 'journal'));
    const error = await Chain.open(state, {}, { journal, replay: records }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevnetError);
    expect((error as DevnetError).code).toBe('INTERNAL');
    await state.close();
    journal.close();
  });
});
