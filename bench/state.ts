/**
 * State store benchmark: Gasket's Jellyfish state store against @ethereumjs/mpt (the Ethereum Merkle Patricia
 * trie) on LevelDB (classic-level), the same workload in one run:
 *
 * - 100,000 random 32-byte keys with 32-byte values, committed in 100 blocks of 1,000 keys;
 * - 10,000 random reads of existing keys (after the writes, and again on a freshly reopened store: cold caches);
 * - 1,000 inclusion and 100 non-inclusion proofs created and verified, with their sizes;
 * - disk bytes after compaction (keep-all, and for Gasket after `prune(1)`), against the flat size (64 bytes a
 *   pair) and against a plain LevelDB holding only the pairs.
 *
 * Gasket's `commitBlock` returns once the root is computed and writes its batch behind (state/index.ts): its
 * commit figures are that part, and keys/s and block CPU include waiting for the last block's write (`flushed()`).
 *
 * Run: `npm run bench:state` (compiles, then `node dist/bench/state.js`). BENCH_BLOCKS=n shortens the run for a
 * quick look; the published figures use the default 100. Keys and values come from a fixed-seed PRNG.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMerkleProof, createMPT, type MerklePatriciaTrie, verifyMPTWithMerkleProof } from '@ethereumjs/mpt';
import { ClassicLevel } from 'classic-level';
import { encodeProof, openState, verifyProof } from '../state/index.js';
import { randomBytes, statePairs } from './stateWorkload.js';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 100);
const PER_BLOCK = 1000;
const N = BLOCKS * PER_BLOCK;
const READS = 10_000;
const PROOFS = 1000;
const NON_PROOFS = 100;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(join(dir, f))).size;
  return total;
}

type Result = {
  keysPerSec: number;
  blockMs: number;
  commitMs: number;
  lastCommitMs: number;
  /** CPU time of the process (all threads, LevelDB's included) per commit: robust to other load on the machine. */
  lastCommitCpuMs?: number;
  /** CPU time of the process (all threads) per block over the whole write phase (puts, commits, compactions). */
  blockCpuMs?: number;
  /** Tree nodes written per block (median). */
  nodesPerBlock?: number;
  /** LevelDB operations (puts and deletes) in a block's batch per committed key (median). */
  opsPerKey?: number;
  bytesPerKey: number;
  readsPerSec: Rate;
  coldReadsPerSec: Rate;
  proveMs: number;
  verifyPerSec: Rate;
  verifyNodePerSec?: Rate;
  proofBytes: number;
  proofBytesMax: number;
  nonProofBytes: number;
  diskKeepAll: number;
  diskPruned?: number;
};

const { next, keys, values } = statePairs(N);
const readIdx = Array.from({ length: READS }, () => next() % N);
const proofIdx = Array.from({ length: PROOFS }, () => next() % N);
const absent = randomBytes(next, NON_PROOFS, 32);
const FLAT_BYTES = N * 64;

/**
 * Operations a second, median over rounds: by the wall clock, and per CPU-second of the process (all threads),
 * which other load on a shared machine disturbs far less than the wall clock of a round lasting milliseconds.
 */
type Rate = { wall: number; cpu: number };

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

function timeRounds(rounds: number, perRound: number, fn: (i: number) => void): Rate {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    const c = cpuSeconds();
    for (let i = 0; i < perRound; i++) fn(r * perRound + i);
    cpu.push(perRound / (cpuSeconds() - c));
    wall.push(perRound / ((performance.now() - t) / 1000));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function timeRoundsAsync(rounds: number, perRound: number, fn: (i: number) => Promise<void>): Promise<Rate> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    const c = cpuSeconds();
    for (let i = 0; i < perRound; i++) await fn(r * perRound + i);
    cpu.push(perRound / (cpuSeconds() - c));
    wall.push(perRound / ((performance.now() - t) / 1000));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function benchGasket(dir: string): Promise<Result> {
  let store = await openState({ path: dir, create: true });
  const commitCpuMs: number[] = [];
  const blockMs: number[] = [];
  const commitMs: number[] = [];
  const bytes: number[] = [];
  const nodes: number[] = [];
  const ops: number[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < BLOCKS; b++) {
    const tb = performance.now();
    for (let i = b * PER_BLOCK; i < (b + 1) * PER_BLOCK; i++) store.put(keys[i]!, values[i]!);
    const tc = performance.now();
    const c0 = process.cpuUsage();
    const res = await store.commitBlock();
    const end = performance.now();
    const c = process.cpuUsage(c0);
    commitCpuMs.push((c.user + c.system) / 1000);
    commitMs.push(end - tc);
    blockMs.push(end - tb);
    bytes.push(res.bytesWritten / res.keys);
    nodes.push(res.nodesWritten);
    ops.push(res.operations / res.keys);
  }
  // commitBlock writes behind: the write phase ends when the last block is on disk, so that is in the time too
  await store.flushed();
  const keysPerSec = N / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  const blockCpuMs = (cpu.user + cpu.system) / 1000 / BLOCKS;
  const check = (i: number) => {
    const v = store.get(keys[readIdx[i % READS]!]!);
    if (v === undefined || v[0] !== values[readIdx[i % READS]!]![0]) throw new Error('gasket read mismatch');
  };
  // Reads and verifications are timed with LevelDB settled (a full compaction first, for both stores): the
  // background compaction a write phase or a reopen leaves behind would otherwise compete for the 2 cores and
  // count as CPU time of the reads. Each warm round is the whole read workload (10,000 random reads of
  // existing keys); median of 5. Cold: a reopened store (empty value cache and LevelDB block cache), one round.
  await store.compact();
  const readsPerSec = timeRounds(5, READS, check);
  await store.close();
  store = await openState({ path: dir });
  await store.compact();
  const coldReadsPerSec = timeRounds(1, READS, check);
  const root = store.root;
  const proofs = proofIdx.map((i) => store.prove(keys[i]!));
  const tp = performance.now();
  for (const i of proofIdx) store.prove(keys[i]!);
  const proveMs = (performance.now() - tp) / PROOFS;
  const nonProofs = absent.map((k) => store.prove(k));
  for (const [j, k] of absent.entries()) if (!verifyProof(root, k, null, nonProofs[j]!)) throw new Error('non-incl');
  const sizes = proofs.map((p) => encodeProof(p).length);
  const verifyPerSec = timeRounds(5, PROOFS, (i) => {
    const j = i % PROOFS;
    if (!verifyProof(root, keys[proofIdx[j]!]!, values[proofIdx[j]!]!, proofs[j]!)) throw new Error('gasket proof');
  });
  const nodeSha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
  const verifyNodePerSec = timeRounds(5, PROOFS, (i) => {
    const j = i % PROOFS;
    const ok = verifyProof(root, keys[proofIdx[j]!]!, values[proofIdx[j]!]!, proofs[j]!, { sha256: nodeSha256 });
    if (!ok) throw new Error('gasket proof (node:crypto)');
  });
  await store.close();
  const diskKeepAll = await dirBytes(dir);
  store = await openState({ path: dir });
  await store.prune(1);
  await store.compact();
  await store.close();
  const diskPruned = await dirBytes(dir);
  return {
    keysPerSec,
    blockMs: median(blockMs),
    commitMs: median(commitMs),
    lastCommitMs: median(commitMs.slice(-10)),
    lastCommitCpuMs: median(commitCpuMs.slice(-10)),
    blockCpuMs,
    nodesPerBlock: median(nodes),
    opsPerKey: median(ops),
    bytesPerKey: median(bytes),
    readsPerSec,
    coldReadsPerSec,
    proveMs,
    verifyPerSec,
    verifyNodePerSec,
    proofBytes: median(sizes),
    proofBytesMax: Math.max(...sizes),
    nonProofBytes: median(nonProofs.map((p) => encodeProof(p).length)),
    diskKeepAll,
    diskPruned,
  };
}

/** The @ethereumjs/util DB interface over classic-level (hex string keys, byte values), counting bytes written. */
class LevelAdapter {
  readonly db: ClassicLevel<string, Uint8Array>;
  written = 0;
  constructor(db: ClassicLevel<string, Uint8Array>) {
    this.db = db;
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.db.get(key);
  }
  async put(key: string, value: Uint8Array): Promise<void> {
    this.written += key.length + value.length;
    await this.db.put(key, value);
  }
  async del(key: string): Promise<void> {
    await this.db.del(key);
  }
  async batch(ops: { type: 'put' | 'del'; key: string; value?: Uint8Array }[]): Promise<void> {
    for (const op of ops) if (op.type === 'put') this.written += op.key.length + (op.value?.length ?? 0);
    await this.db.batch(
      ops.map((op) =>
        op.type === 'put'
          ? { type: 'put' as const, key: op.key, value: op.value! }
          : { type: 'del' as const, key: op.key },
      ),
    );
  }
  shallowCopy(): LevelAdapter {
    return this;
  }
  async open(): Promise<void> {}
}

async function benchMpt(dir: string): Promise<Result> {
  const level = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await level.open();
  const adapter = new LevelAdapter(level);
  const opts = { db: adapter as never, useKeyHashing: true, valueEncoding: 'view' as const };
  let trie: MerklePatriciaTrie = await createMPT(opts);
  const blockMs: number[] = [];
  const commitMs: number[] = [];
  const bytes: number[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < BLOCKS; b++) {
    const tb = performance.now();
    const before = adapter.written;
    trie.checkpoint();
    for (let i = b * PER_BLOCK; i < (b + 1) * PER_BLOCK; i++) await trie.put(keys[i]!, values[i]!);
    const tc = performance.now();
    await trie.commit();
    const end = performance.now();
    commitMs.push(end - tc);
    blockMs.push(end - tb);
    bytes.push((adapter.written - before) / PER_BLOCK);
  }
  const keysPerSec = N / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  const blockCpuMs = (cpu.user + cpu.system) / 1000 / BLOCKS;
  const root = trie.root();
  const check = async (i: number) => {
    const v = await trie.get(keys[readIdx[i % READS]!]!);
    if (v === null || v[0] !== values[readIdx[i % READS]!]![0]) throw new Error('mpt read mismatch');
  };
  await level.compactRange('', '\uffff'); // settled, as for Gasket
  const readsPerSec = await timeRoundsAsync(5, READS, check);
  trie = await createMPT({ ...opts, root });
  const coldReadsPerSec = await timeRoundsAsync(1, READS, check);
  const proofs: Uint8Array[][] = [];
  const tp = performance.now();
  for (const i of proofIdx) proofs.push(await createMerkleProof(trie, keys[i]!));
  const proveMs = (performance.now() - tp) / PROOFS;
  const verifyPerSec = await timeRoundsAsync(5, PROOFS, async (i) => {
    const j = i % PROOFS;
    const v = await verifyMPTWithMerkleProof(trie, root, keys[proofIdx[j]!]!, proofs[j]!);
    if (v === null || v[0] !== values[proofIdx[j]!]![0]) throw new Error('mpt proof');
  });
  const nonProofs = [];
  for (const k of absent) {
    const p = await createMerkleProof(trie, k);
    if ((await verifyMPTWithMerkleProof(trie, root, k, p)) !== null) throw new Error('mpt non-incl');
    nonProofs.push(p);
  }
  const size = (p: Uint8Array[]) => p.reduce((n, x) => n + x.length, 0);
  const sizes = proofs.map(size);
  await level.close();
  return {
    keysPerSec,
    blockMs: median(blockMs),
    commitMs: median(commitMs),
    lastCommitMs: median(commitMs.slice(-10)),
    blockCpuMs,
    bytesPerKey: median(bytes),
    readsPerSec,
    coldReadsPerSec,
    proveMs,
    verifyPerSec,
    proofBytes: median(sizes),
    proofBytesMax: Math.max(...sizes),
    nonProofBytes: median(nonProofs.map(size)),
    diskKeepAll: await dirBytes(dir),
  };
}

/** Disk bytes of a plain LevelDB holding only the final 100,000 key/value pairs, compacted: the flat baseline. */
async function plainLevelBytes(dir: string): Promise<number> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  for (let b = 0; b < BLOCKS; b++) {
    const ops = [];
    for (let i = b * PER_BLOCK; i < (b + 1) * PER_BLOCK; i++)
      ops.push({ type: 'put' as const, key: keys[i]!, value: values[i]! });
    await db.batch(ops);
  }
  await db.compactRange(new Uint8Array([0]), new Uint8Array(33).fill(0xff));
  await db.close();
  return dirBytes(dir);
}

/** Two table rows for a rate: by the wall clock, and per CPU-second (see {@link Rate}). */
function rateRows(name: string, g: Rate, m: Rate, target: string): [string, string, string, string, string][] {
  return [
    [name, fmt(g.wall), fmt(m.wall), `${fmt(g.wall / m.wall, 1)}x`, target],
    [`${name}, per CPU-second`, fmt(g.cpu), fmt(m.cpu), `${fmt(g.cpu / m.cpu, 1)}x`, ''],
  ];
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'gasket-bench-state-'));
  try {
    console.log(
      `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `workload: ${fmt(N)} keys (32 B) + values (32 B) in ${BLOCKS} blocks of ${PER_BLOCK}; ${READS} reads; ${PROOFS} + ${NON_PROOFS} proofs`,
    );
    const g = await benchGasket(join(root, 'gasket'));
    console.log('gasket done');
    if (process.env.BENCH_ONLY === 'gasket') {
      console.log(g);
      return;
    }
    const m = await benchMpt(join(root, 'mpt'));
    console.log('mpt done');
    const plain = await plainLevelBytes(join(root, 'plain'));
    console.log(
      `load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
    );
    const rows: [string, string, string, string, string][] = [
      [
        'write+commit keys/s',
        fmt(g.keysPerSec),
        fmt(m.keysPerSec),
        `${fmt(g.keysPerSec / m.keysPerSec, 1)}x`,
        '>= 30x',
      ],
      ['block (puts+commit) ms, median', fmt(g.blockMs, 1), fmt(m.blockMs, 1), `${fmt(m.blockMs / g.blockMs, 1)}x`, ''],
      ['commit ms, median', fmt(g.commitMs, 1), fmt(m.commitMs, 1), `${fmt(m.commitMs / g.commitMs, 1)}x`, ''],
      ['commit ms, median of last 10 blocks', fmt(g.lastCommitMs, 1), fmt(m.lastCommitMs, 1), '', '<= 50 ms'],
      ['commit CPU ms (all threads), last 10', fmt(g.lastCommitCpuMs!, 1), 'n/a', '', ''],
      [
        `block CPU ms (all threads), all ${BLOCKS}`,
        fmt(g.blockCpuMs!, 1),
        fmt(m.blockCpuMs!, 1),
        `${fmt(m.blockCpuMs! / g.blockCpuMs!, 1)}x`,
        '',
      ],
      ['tree nodes written per block, median', fmt(g.nodesPerBlock!), 'n/a', '', ''],
      ['bytes written per committed key, median', fmt(g.bytesPerKey), fmt(m.bytesPerKey), '', ''],
      ['LevelDB operations per committed key, median', fmt(g.opsPerKey!, 2), 'n/a', '', ''],
      ...rateRows('reads/s (warm, 10,000 reads a round)', g.readsPerSec, m.readsPerSec, '>= 200,000'),
      ...rateRows('reads/s (cold, reopened)', g.coldReadsPerSec, m.coldReadsPerSec, ''),
      ['prove ms each', fmt(g.proveMs, 3), fmt(m.proveMs, 3), `${fmt(m.proveMs / g.proveMs, 1)}x`, ''],
      ...rateRows('verify/s', g.verifyPerSec, m.verifyPerSec, '>= 20,000'),
      ['verify/s with node:crypto sha256', fmt(g.verifyNodePerSec!.wall), '', '', ''],
      [
        'inclusion proof bytes, median (max)',
        `${g.proofBytes} (${g.proofBytesMax})`,
        `${m.proofBytes} (${m.proofBytesMax})`,
        '',
        '< 1,024',
      ],
      ['non-inclusion proof bytes, median', fmt(g.nonProofBytes), fmt(m.nonProofBytes), '', ''],
      ['disk bytes/key, keep-all, compacted', fmt(g.diskKeepAll / N), fmt(m.diskKeepAll / N), '', ''],
      [
        'disk / flat size, keep-all',
        `${fmt(g.diskKeepAll / FLAT_BYTES, 2)}x`,
        `${fmt(m.diskKeepAll / FLAT_BYTES, 2)}x`,
        '',
        '',
      ],
      ['disk / flat size, after prune(1)', `${fmt(g.diskPruned! / FLAT_BYTES, 2)}x`, 'n/a', '', '<= 3x'],
      [
        'disk / plain LevelDB of the pairs, pruned',
        `${fmt(g.diskPruned! / plain, 2)}x`,
        `${fmt(m.diskKeepAll / plain, 2)}x`,
        '',
        '',
      ],
      ['plain LevelDB of the pairs, bytes/key', fmt(plain / N), '', '', ''],
    ];
    const head: [string, string, string, string, string] = ['metric', 'gasket', '@ethereumjs/mpt', 'ratio', 'target'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
