/**
 * Where a devnet's CPU goes, per transfer, from a `perf` recording: on-CPU samples of every thread of the node
 * process (kernel included), so the total matches the CPU the bench reads from /proc, unlike `--cpu-prof`, which
 * samples wall time and charges a thread's preempted time to whatever call woke another thread or process (socket
 * writes, LevelDB batches queued to libuv's pool, worker messages). docs/benchmarks.md (Devnet, 2026-11-25 06:54)
 * has the table this prints and how it was read.
 *
 * Steps (perf must be allowed to sample the process; frame pointers, which V8's JIT code keeps, give the stacks):
 *   1. `BENCH_TARGETS=gasket-disk BENCH_CLIENTS=8 BENCH_MODES=automine BENCH_REPS=1 BENCH_PARTS=0
 *      BENCH_GASKET_NODE_FLAGS=--perf-basic-prof perf record -F 1999 -g -o rec.data -- node dist/bench/devnet.js`
 *      (the node writes /tmp/perf-<pid>.map, JS names for perf; its pid is that file's)
 *   2. `perf script -i rec.data --pid <pid> -F tid,time,ip,sym,dso > rec.txt`
 *   3. `node dist/bench/perfBudget.js rec.txt <pid> <transfers> <transfers/s> [hz]`: the window is the last
 *      transfers / rate seconds of the process's samples (the timed part; the warm-up and set-up come before).
 *
 * Attribution: a main-thread sample whose native frames below the first JS frame say what it is goes there (V8's
 * GC, libsodium, the LevelDB binding, socket syscalls, a worker `postMessage`); else to the innermost frame of the
 * project's compiled code (dist/), by file, with devnet/codec.js and library frames counted to their caller.
 * TurboFan-inlined functions count as their caller. Other threads by what their stacks hold. `DUMP=<category>`
 * lists that category's commonest leaves. Not part of `npm test`: a measuring aid.
 * @module
 */
import { readFileSync } from 'node:fs';

type Rule = readonly [category: string, pattern: RegExp];

const NATIVE: readonly Rule[] = [
  [
    'GC (main thread)',
    /v8::internal::(Heap|Scaveng|MarkCompact|IncrementalMarking|GCTracer|MinorMarkCompact|Sweeper|ConcurrentMarking|MarkingVisitor|Evacuat|MemoryChunk|PagedSpace|ScavengerCollector)|\(garbage/,
  ],
  [
    'signature: check (libsodium, node:crypto)',
    /crypto_sign|libsodium|sodium-native|ed25519|EVP_|libcrypto|curve25519|ge25519|sc25519|fe25519|sha512/,
  ],
  [
    'LevelDB: batch built and queued, reads',
    /batch_write|batch_put|batch_init|batch_del|classic-level|abstract-level|leveldb::/,
  ],
  ['signature: hand-off to the worker', /postMessage|MessagePort|worker::Message/],
  [
    'HTTP: socket syscalls (kernel loopback TCP)',
    /writeUtf8String|writeBuffer|writev|uv__read|uv__write|uv_try_write|tcp_sendmsg|tcp_recvmsg|__x64_sys_write|__x64_sys_read|sock_/,
  ],
];

const FILES: readonly Rule[] = [
  ['block journal append', /\/devnet\/blockJournal\.js/],
  ['signature: hand-off to the worker', /\/devnet\/signatureVerifier\.js/],
  ['signature: check (libsodium, node:crypto)', /\/devnet\/sodiumAccepts\.js|JS:\S*verify(Ed25519|Signature|OneShot) /],
  ['transaction decode (transaction.js)', /\/devnet\/transaction\.js/],
  ['VM execution (vm/, metering/)', /\/dist\/vm\/|\/dist\/metering\//],
  ['state commit and reads (state/)', /\/dist\/state\//],
  ['receipt and block building (block.js)', /\/devnet\/block\.js/],
  ['chain.js glue (pool, validate, #mineNow, #execute)', /\/devnet\/chain\.js/],
  ['RPC methods (params, receipt JSON)', /\/rpc\/methods\.js|\/rpc\/params\.js|\/devnet\/json\.js/],
  ['JSON-RPC parse, dispatch, stringify (jsonRpc.js)', /\/rpc\/jsonRpc\.js/],
  ['HTTP: fastHttp.js', /\/rpc\/fastHttp\.js|\/rpc\/server\.js/],
  ['other project code', /\/dist\//],
];

const NODE_INTERNALS: readonly Rule[] = [
  [
    'event loop, promise jobs, timers',
    /processTicksAndRejections|runMicrotasks|processImmediate|RunMicrotasks|listOnTimeout|uv__io_poll|epoll/,
  ],
  ['HTTP: node stream internals', /node:net|node:internal\/stream|onStreamRead/],
];

function mainThreadCategory(frames: readonly string[]): string {
  for (const frame of frames) {
    if (frame.includes('JS:') || frame.includes('RegExp:')) break;
    for (const [category, pattern] of NATIVE) if (pattern.test(frame)) return category;
  }
  for (const frame of frames) {
    if (!frame.includes('JS:')) continue;
    if (NATIVE[3]![1].test(frame)) return NATIVE[3]![0];
    if (frame.includes('/dist/') && !frame.includes('/devnet/codec.js')) {
      for (const [category, pattern] of FILES) if (pattern.test(frame)) return category;
    }
  }
  for (const frame of frames)
    for (const [category, pattern] of NODE_INTERNALS) if (pattern.test(frame)) return category;
  if (frames[0] && /malloc|_int_free|cfree|unlink_chunk/.test(frames[0])) return 'malloc/free (caller not unwound)';
  return 'other (main thread)';
}

function otherThreadCategory(frames: readonly string[]): string {
  const text = frames.join('\n');
  if (/crypto_sign|sodium|worker eval|curve25519/.test(text)) return 'signature worker thread';
  if (/leveldb|uv_work|ThreadPoolWork|uv__fs|batch/.test(text)) return 'libuv pool threads (LevelDB writes)';
  if (/Heap|Marking|Scaveng|Sweep|GC|Evacuat|PageMemory|MemoryAllocator/.test(text)) return 'V8 helper threads: GC';
  if (/Compil|Turbofan|compiler::|Maglev/.test(text)) return 'V8 helper threads: optimizing compiler';
  return 'thread wake-up and sleep, other threads (futex, scheduler)';
}

type Sample = { tid: number; time: number; frames: string[] };

function readSamples(path: string): Sample[] {
  const samples: Sample[] = [];
  let current: Sample | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const header = /^\s*(\d+)\s+(\d+\.\d+):/.exec(line);
    if (header) {
      current = { tid: Number(header[1]), time: Number(header[2]), frames: [] };
      samples.push(current);
      continue;
    }
    const text = line.trim();
    if (text && current) {
      const space = text.indexOf(' ');
      current.frames.push(space > 0 ? text.slice(space + 1) : text);
    }
  }
  return samples;
}

function main() {
  const [path, pidText, transfersText, rateText, hzText] = process.argv.slice(2);
  if (!path || !pidText || !transfersText || !rateText) {
    process.stderr.write(
      'usage: node dist/bench/perfBudget.js <perf script output> <pid> <transfers> <transfers/s> [hz]\n',
    );
    process.exit(2);
  }
  const pid = Number(pidText);
  const transfers = Number(transfersText);
  const hz = Number(hzText ?? 1999);
  const all = readSamples(path);
  const end = Math.max(...all.filter((s) => s.tid === pid).map((s) => s.time));
  const start = end - transfers / Number(rateText);
  const counts = new Map<string, number>();
  const leaves = new Map<string, number>();
  let total = 0;
  for (const sample of all) {
    if (sample.time < start || sample.time > end) continue;
    const category = sample.tid === pid ? mainThreadCategory(sample.frames) : otherThreadCategory(sample.frames);
    counts.set(category, (counts.get(category) ?? 0) + 1);
    total++;
    if (category === process.env.DUMP) {
      const js = sample.frames.filter((f) => f.includes('JS:')).slice(0, 2);
      const key = `${(sample.frames[0] ?? '?').slice(0, 70)} << ${js.map((f) => f.split(' (')[0]).join(' < ')}`;
      leaves.set(key, (leaves.get(key) ?? 0) + 1);
    }
  }
  const us = (n: number) => ((n / hz) * 1e6) / transfers;
  const out = [
    `${total} samples at ${hz} Hz from ${start.toFixed(3)} to ${end.toFixed(3)} s: ${us(total).toFixed(1)} µs of CPU a transfer (${transfers} transfers)`,
    '',
    '| where | µs a transfer | share |',
    '| --- | ---: | ---: |',
    ...[...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([category, n]) => `| ${category} | ${us(n).toFixed(1)} | ${((100 * n) / total).toFixed(1)}% |`),
    ...[...leaves]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([leaf, n]) => `    ${n} ${leaf}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
