/**
 * `npm run calibrate` (issue 12): times every operation class the cost schedule prices and every host function,
 * on this machine, through the real pipeline (instrument, deploy, module cache, host ABI), and proposes a schedule
 * with gas proportional to the measured time.
 *
 * Method. Each wasm class is timed by a contract whose `run` loops N times over K copies of a pattern (a chain of
 * dependent instructions on the stack, so V8 can neither fold nor overlap them), minus the same loop with an empty
 * body; the helper instructions a pattern needs (the `local.get` feeding an `i32.add`, say) are subtracted at their
 * own measured times, in dependency order. Segment charges the metering injects are part of what is measured: a
 * `br_if` pays for the charge after it. Host functions are timed per call (minus the cheapest host call, which
 * prices the wasm/JS crossing) and per byte (two sizes, the slope). Storage writes include a block commit.
 * Gas = time x GAS_PER_NS, rounded, at least 1 for every priced class (a zero price invites abuse).
 *
 * Flags: `--quick` (fewer repetitions), `--json FILE` (write the proposal), `--scale G` (gas per ns).
 * Prints a markdown table (for docs/gas-calibration.md) and the proposal as JSON.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { DEFAULT_LIMITS } from '../metering/index.js';
import { HOST_IMPORTS_WAT as IMPORTS, Lab, loadWabt, median, nowNs, timeCall, wat, watBytes } from './gasLab.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const QUICK = args.includes('--quick');
const REPS = QUICK ? 5 : 11;
/**
 * Gas per nanosecond: 10, so 1 gas is about one simple wasm instruction as V8's optimising tier runs it (V1's
 * meaning of 1 gas); simple instructions, measured under a nanosecond, keep a floor of 1 gas.
 */
export const GAS_PER_NS = Number(flag('--scale') ?? 10);

/** Memory layout of every lab contract. */
export const MEM = {
  y32: 8, // i32 3
  y64: 16, // i64 7
  big: 24, // i64 2^62
  one: 36, // i32 1
  key: 64, // 32 bytes, the first 4 varied per iteration for distinct keys
  callee: 128, // 32-byte address of the callee contract
  zero128: 160, // u128 0
  method: 200, // "noop"
  sig: 256, // 64 bytes
  pk: 320, // 32 bytes
  badPk: 352, // 32 bytes that are not a curve point
  buf: 1024, // up to 32 KiB of data
  bulk: 65536, // bulk-memory target, 32 KiB
};

export type Pattern = {
  /** Instructions before the loop (once per call). */
  pre?: string;
  /** One repetition. */
  body: string;
  /** Repetitions per loop iteration. */
  k: number;
  /** Chain value: `i32` or `i64` keeps a value on the stack across repetitions (`local.get $acc` ... `local.set`). */
  chain?: 'i32' | 'i64';
  /** Extra functions, table, ... */
  extra?: string;
  memoryPages?: number;
  maxPages?: number;
};

/** A lab contract: `run` loops `n` times over the pattern; `init` (if `initBody`) runs at deploy. */
export function labContract(p: Pattern, n: number, initBody = '', data = ''): string {
  const rep = p.body;
  const reps = Array.from({ length: p.k }, () => rep).join('\n');
  const body =
    p.chain === 'i32'
      ? `local.get $acc ${reps} local.set $acc`
      : p.chain === 'i64'
        ? `local.get $acc64 ${reps} local.set $acc64`
        : reps;
  return `(module ${IMPORTS}
  (memory (export "memory") ${p.memoryPages ?? 2} ${p.maxPages ?? 256})
  (global $g (mut i32) (i32.const 1))
  (data (i32.const ${MEM.y32}) "\\03\\00\\00\\00")
  (data (i32.const ${MEM.y64}) "\\07\\00\\00\\00\\00\\00\\00\\00")
  (data (i32.const ${MEM.big}) "\\00\\00\\00\\00\\00\\00\\00\\40")
  (data (i32.const ${MEM.one}) "\\01\\00\\00\\00")
  (data (i32.const ${MEM.method}) "noop")
  ${data}
  ${p.extra ?? ''}
  (func (export "init") ${initBody})
  (func (export "run")
    (local $i i32) (local $acc i32) (local $y i32) (local $z i32) (local $one i32) (local $sel i32) (local $t i32)
    (local $acc64 i64) (local $y64 i64) (local $big i64)
    (local.set $y (i32.load (i32.const ${MEM.y32})))
    (local.set $one (i32.load (i32.const ${MEM.one})))
    (local.set $y64 (i64.load (i32.const ${MEM.y64})))
    (local.set $big (i64.load (i32.const ${MEM.big})))
    (local.set $acc64 (local.get $big))
    ${p.pre ?? ''}
    (block $exit (br_if $exit (i32.eqz (i32.const ${n})))
    (loop $L
      (local.set $sel (i32.and (local.get $i) (i32.const 3)))
      (i32.store (i32.const ${MEM.key}) (i32.add (local.get $i) (local.get $t)))
      ${body}
      (br_if $L (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const ${n})))))
    (i32.store (i32.const 4000) (i32.add (local.get $acc) (i32.wrap_i64 (local.get $acc64)))))
  (func $id (param i32) (result i32) local.get 0)
  (func $idx (param i32) (result i32) local.get 0)
  (type $t1 (func (param i32) (result i32)))
  (table 1 funcref) (elem (i32.const 0) $idx)
)`;
}

export type Measurement = { name: string; cls: string; ns: number; note: string };

type Bench = {
  name: string;
  /** The class (or host cost) this measures. */
  cls: string;
  pattern: Pattern;
  /** Other classes in one repetition, subtracted at their measured time. */
  helpers?: Record<string, number>;
  /** Count of the measured class in one repetition. */
  count?: number;
  n?: number;
  note?: string;
  commit?: boolean;
  init?: string;
  data?: string;
  args?: (rep: number) => Uint8Array;
};

const stmt = (body: string, k = 8): Pattern => ({ body, k });

/** The wasm instruction classes, in dependency order. */
function wasmBenches(): Bench[] {
  const alt = (ops: string[]) => ops.join(' ');
  return [
    {
      name: 'local.get/set',
      cls: 'local',
      pattern: stmt('local.get $acc local.get $y i32.xor local.set $acc', 16),
      helpers: { arith: 1 },
      count: 3,
      note: 'measured together with one xor, so split evenly',
    },
    {
      name: 'i32 add/xor/rotl chain',
      cls: 'arith',
      pattern: {
        chain: 'i32',
        k: 16,
        body: alt(['local.get $y i32.add', 'local.get $y i32.xor', 'local.get $y i32.rotl', 'local.get $y i32.sub']),
      },
      helpers: { local: 4 },
      count: 4,
    },
    {
      name: 'i64 add/xor/rotl chain',
      cls: 'arith64',
      pattern: {
        chain: 'i64',
        k: 16,
        body: alt([
          'local.get $y64 i64.add',
          'local.get $y64 i64.xor',
          'local.get $y64 i64.rotl',
          'local.get $y64 i64.sub',
        ]),
      },
      helpers: { local: 4 },
      count: 4,
    },
    {
      name: 'i32.const + rotl/xor',
      cls: 'const',
      pattern: { chain: 'i32', k: 16, body: 'i32.const 5 i32.rotl i32.const 0x1234 i32.xor' },
      helpers: { arith: 2 },
      count: 2,
    },
    {
      name: 'global.get + add',
      cls: 'global',
      pattern: { chain: 'i32', k: 16, body: 'global.get $g i32.add local.tee $t global.set $g local.get $t' },
      helpers: { arith: 1, local: 2 },
      count: 2,
    },
    {
      name: 'i32.mul chain',
      cls: 'mul',
      pattern: { chain: 'i32', k: 16, body: 'local.get $y i32.mul' },
      helpers: { local: 1 },
      count: 1,
    },
    {
      name: 'i64.mul chain',
      cls: 'mul64',
      pattern: { chain: 'i64', k: 16, body: 'local.get $y64 i64.mul' },
      helpers: { local: 1 },
      count: 1,
    },
    {
      name: 'i32.div_u chain',
      cls: 'div32',
      pattern: { chain: 'i32', k: 8, body: 'local.get $y i32.div_u local.get $one i32.sub' },
      helpers: { local: 2, arith: 1 },
      count: 1,
    },
    {
      name: 'i64.div_s chain (large dividend)',
      cls: 'div',
      pattern: { chain: 'i64', k: 8, body: 'local.get $y64 i64.div_s local.get $big i64.add' },
      helpers: { local: 2, arith64: 1 },
      count: 1,
    },
    {
      name: 'i64.rem_u chain (large dividend)',
      cls: 'rem64',
      pattern: { chain: 'i64', k: 8, body: 'local.get $y64 i64.rem_u local.get $big i64.add' },
      helpers: { local: 2, arith64: 1 },
      count: 1,
    },
    { name: 'i32.load chain (address 0)', cls: 'load', pattern: { chain: 'i32', k: 16, body: 'i32.load' }, count: 1 },
    {
      name: 'i64.load chain',
      cls: 'load64',
      pattern: { chain: 'i32', k: 16, body: 'i64.load i32.wrap_i64' },
      helpers: { arith: 1 },
      count: 1,
    },
    {
      name: 'i32.store',
      cls: 'store',
      pattern: stmt('local.get $sel local.get $acc i32.store offset=2048', 16),
      helpers: { local: 2 },
      count: 1,
    },
    {
      name: 'i64.store',
      cls: 'store64',
      pattern: stmt('local.get $sel local.get $acc64 i64.store offset=2048', 16),
      helpers: { local: 2 },
      count: 1,
    },
    {
      name: 'br_if not taken (new segment each)',
      cls: 'branch',
      pattern: stmt('(block local.get $z br_if 0 local.get $acc local.get $y i32.add local.set $acc)', 16),
      helpers: { local: 3, arith: 1 },
      count: 1,
    },
    {
      name: 'br_if taken',
      cls: 'branchTaken',
      pattern: stmt('(block local.get $one br_if 0)', 16),
      helpers: { local: 1 },
      count: 1,
    },
    {
      name: 'if/else on a loaded flag',
      cls: 'if',
      pattern: stmt(
        'local.get $sel (if (then local.get $acc local.get $y i32.add local.set $acc) (else local.get $acc local.get $one i32.add local.set $acc))',
        16,
      ),
      helpers: { local: 4, arith: 1 },
      count: 1,
    },
    {
      name: 'br_table, 4 targets',
      cls: 'brTable',
      pattern: stmt(
        '(block (block (block (block local.get $sel br_table 0 1 2 3) local.get $acc local.get $y i32.add local.set $acc) local.get $acc local.get $one i32.add local.set $acc))',
        8,
      ),
      helpers: { local: 4, arith: 1 },
      count: 1,
    },
    {
      name: 'br_table, 4,096 targets',
      cls: 'brTableWide',
      pattern: stmt(
        `(block (block local.get $sel br_table 0 ${'1 '.repeat(4095)}) local.get $acc local.get $one i32.add local.set $acc)`,
        8,
      ),
      helpers: { local: 3, arith: 0.5 },
      count: 1,
    },
    {
      name: 'call of an internal function',
      cls: 'call',
      pattern: stmt('local.get $acc call $id local.set $acc', 16),
      helpers: { local: 3 },
      count: 1,
    },
    {
      name: 'call_indirect',
      cls: 'callIndirect',
      pattern: stmt('local.get $acc i32.const 0 call_indirect (type $t1) local.set $acc', 16),
      helpers: { local: 3, const: 1 },
      count: 1,
    },
    {
      name: 'memory.size',
      cls: 'memorySize',
      pattern: { chain: 'i32', k: 16, body: 'memory.size i32.add' },
      helpers: { arith: 1 },
      count: 1,
    },
    {
      name: 'memory.grow by 0',
      cls: 'memoryGrow',
      pattern: { chain: 'i32', k: 8, body: 'i32.const 0 memory.grow i32.add' },
      helpers: { arith: 1, const: 1 },
      count: 1,
    },
  ];
}

/** Per-byte and per-page costs: two sizes, the slope. */
function dynamicBenches(): { name: string; cls: string; small: Bench; large: Bench; units: number }[] {
  const fill = (len: number): Bench => ({
    name: `memory.fill ${len}`,
    cls: 'bulk',
    pattern: stmt(`(memory.fill (i32.const ${MEM.bulk}) (local.get $sel) (i32.const ${len}))`, 4),
    helpers: { const: 2, local: 1 },
    count: 1,
  });
  const copy = (len: number): Bench => ({
    name: `memory.copy ${len}`,
    cls: 'bulkCopy',
    pattern: stmt(
      `(memory.copy (i32.const ${MEM.bulk}) (i32.add (local.get $sel) (i32.const ${MEM.buf})) (i32.const ${len}))`,
      4,
    ),
    helpers: { const: 3, local: 1, arith: 1 },
    count: 1,
  });
  return [
    { name: 'memory.fill per byte', cls: 'bulkPerByte', small: fill(0), large: fill(32768), units: 32768 },
    { name: 'memory.copy per byte', cls: 'bulkCopyPerByte', small: copy(0), large: copy(32768), units: 32768 },
  ];
}

/** Host functions: per call (small) and per byte (the slope between two sizes). */
function hostBenches(
  validSig: Uint8Array,
  pk: Uint8Array,
  msg: Uint8Array,
): { cls: string; small: Bench; large?: Bench; units?: number }[] {
  const sigData = `(data (i32.const ${MEM.sig}) "${watBytes(validSig)}") (data (i32.const ${MEM.pk}) "${watBytes(pk)}") (data (i32.const ${MEM.badPk}) "${'\\ff'.repeat(32)}") (data (i32.const ${MEM.buf}) "${watBytes(msg)}")`;
  const host = (name: string, body: string, k = 4, extra: Partial<Bench> = {}, cls = name): Bench => ({
    name,
    cls,
    pattern: stmt(body, k),
    ...extra,
  });
  const len = (
    cls: string,
    make: (n: number) => string,
    small: number,
    large: number,
    extra: Partial<Bench> = {},
    k = 4,
  ) => ({
    cls,
    small: host(`${cls} ${small} B`, make(small), k, extra, cls),
    large: host(`${cls} ${large} B`, make(large), k, extra, cls),
    units: large - small,
  });
  const key = `(i32.const ${MEM.key}) (i32.const 32)`;
  const buf = MEM.buf;
  const presentInit = (size: number) =>
    `(call $swrite (i32.const ${MEM.key}) (i32.const 32) (i32.const ${buf}) (i32.const ${size}))`;
  return [
    { cls: 'hostCall', small: host('input_size (the crossing)', 'call $isize drop', 4, {}, 'hostCall') },
    { cls: 'block_height', small: host('block_height', 'call $height drop') },
    { cls: 'gas_left', small: host('gas_left', 'call $gasLeft drop') },
    { cls: 'caller', small: host('caller', `(call $caller (i32.const ${buf}))`) },
    { cls: 'self_address', small: host('self_address', `(call $self (i32.const ${buf}))`) },
    { cls: 'value_received', small: host('value_received', `(call $valueReceived (i32.const ${buf}))`) },
    { cls: 'balance', small: host('balance', `(call $balance (i32.const ${MEM.callee}) (i32.const ${buf}))`) },
    {
      cls: 'transfer',
      small: host(
        'transfer 0',
        `(drop (call $transfer (i32.const ${MEM.callee}) (i32.const ${MEM.zero128})))`,
        4,
        { commit: true },
        'transfer',
      ),
    },
    len('input_read', () => `(call $iread (i32.const ${buf}))`, 0, 0),
    len('return_data', (n) => `(call $ret (i32.const ${buf}) (i32.const ${n}))`, 0, 16384),
    len('result_read', () => `(call $rread (i32.const ${buf}))`, 0, 0),
    {
      cls: 'storage_read',
      small: host(
        'storage_read present 32 B',
        '',
        4,
        {
          init: presentInit(32),
          pattern: {
            ...stmt(`(drop (call $sread (i32.const 2000) (i32.const 32)))`, 4),
            pre: '(memory.copy (i32.const 2000) (i32.const 64) (i32.const 32))',
          },
        },
        'storage_read',
      ),
      large: host(
        'storage_read present 16 KiB',
        '',
        4,
        {
          init: presentInit(16384),
          pattern: {
            ...stmt(`(drop (call $sread (i32.const 2000) (i32.const 32)))`, 4),
            pre: '(memory.copy (i32.const 2000) (i32.const 64) (i32.const 32))',
          },
        },
        'storage_read',
      ),
      units: 16384 - 32,
    },
    {
      cls: 'storage_read_absent',
      small: host('storage_read absent', `(drop (call $sread ${key}))`, 4, {}, 'storage_read_absent'),
    },
    len(
      'storage_write',
      (n) => `(call $swrite ${key} (i32.const ${buf}) (i32.const ${n}))`,
      32,
      4096,
      { commit: true },
      1,
    ),
    {
      cls: 'storage_write_remove',
      small: host(
        'storage_write 32 B + remove',
        `(call $swrite ${key} (i32.const ${buf}) (i32.const 32)) (drop (call $sremove ${key}))`,
        1,
        { commit: true },
        'storage_write_remove',
      ),
    },
    {
      cls: 'storage_remove_absent',
      small: host(
        'storage_remove absent',
        `(drop (call $sremove ${key}))`,
        4,
        { commit: true },
        'storage_remove_absent',
      ),
    },
    len(
      'emit',
      (n) => `(call $emit (i32.const ${buf}) (i32.const 8) (i32.const ${buf}) (i32.const ${n}))`,
      0,
      4096,
      {},
      2,
    ),
    len('log', (n) => `(call $log (i32.const ${buf}) (i32.const ${n}))`, 0, 4096, {}, 2),
    len('sha256', (n) => `(call $sha256 (i32.const ${buf}) (i32.const ${n}) (i32.const 3000))`, 0, 16384),
    len('keccak256', (n) => `(call $keccak256 (i32.const ${buf}) (i32.const ${n}) (i32.const 3000))`, 0, 16384),
    len('blake3', (n) => `(call $blake3 (i32.const ${buf}) (i32.const ${n}) (i32.const 3000))`, 0, 16384),
    len(
      'ed25519_verify',
      (n) => `(drop (call $ed25519 (i32.const ${MEM.sig}) (i32.const ${MEM.pk}) (i32.const ${buf}) (i32.const ${n})))`,
      32,
      16384,
      { data: sigData },
      1,
    ),
    {
      cls: 'ed25519_verify_badkey',
      small: host(
        'ed25519_verify, key not on the curve',
        `(drop (call $ed25519 (i32.const ${MEM.sig}) (i32.const ${MEM.badPk}) (i32.const ${buf}) (i32.const 32)))`,
        1,
        { data: sigData },
        'ed25519_verify_badkey',
      ),
    },
    {
      cls: 'call_contract',
      small: host(
        'call (empty callee)',
        `(drop (call $call (i32.const ${MEM.callee}) (i32.const ${MEM.method}) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const ${MEM.zero128}) (i64.const 0)))`,
        1,
        {},
        'call_contract',
      ),
    },
  ];
}

/** Loop counts of the slower benchmarks (host calls), sized for a few ms a call. */
const HOST_N: Record<string, number> = {
  storage_write: 300,
  storage_write_remove: 300,
  storage_remove_absent: 1000,
  transfer: 500,
  ed25519_verify: 50,
  ed25519_verify_badkey: 50,
  call_contract: 300,
  sha256: 200,
  keccak256: 100,
  blake3: 200,
  emit: 500,
  log: 500,
  return_data: 500,
  storage_read: 1000,
  bulk: 2000,
  bulkCopy: 2000,
};

const CALLEE_WAT = '(module (memory (export "memory") 1) (func (export "noop")))';

async function runBench(lab: Lab, bench: Bench, calleeData: string): Promise<number> {
  const n = bench.n ?? (bench.cls in HOST_N ? HOST_N[bench.cls]! : 40_000);
  const data = `${bench.data ?? ''} ${calleeData}`;
  const full = lab.deploy(wat(labContract(bench.pattern, n, bench.init ?? '', data)));
  const empty = lab.deploy(
    wat(labContract({ ...bench.pattern, body: '', k: 1, chain: undefined }, n, bench.init ?? '', data)),
  );
  const opts = { reps: REPS, warmup: 6, commit: bench.commit };
  const t = await timeCall(lab, full, 'run', opts);
  const base = await timeCall(lab, empty, 'run', opts);
  return (t.ns - base.ns) / (n * bench.pattern.k);
}

export type Calibration = {
  measurements: Measurement[];
  perOpNs: Record<string, number>;
  callFrameNs: number;
  deployNote: string;
};

export async function calibrate(log: (line: string) => void = () => {}): Promise<Calibration> {
  await loadWabt();
  const lab = await Lab.open();
  const callee = lab.deploy(wat(CALLEE_WAT));
  const calleeData = `(data (i32.const ${MEM.callee}) "${watBytes(callee)}")`;
  const ns: Record<string, number> = {};
  const measurements: Measurement[] = [];
  const record = (name: string, cls: string, value: number, note = '') => {
    ns[cls] = value;
    measurements.push({ name, cls, ns: value, note });
    log(`${name.padEnd(44)} ${cls.padEnd(22)} ${value.toFixed(3)} ns`);
  };

  // The top-level call frame: an empty method, timed as a whole.
  const frameTime = (contract: Uint8Array) => {
    const frames: number[] = [];
    for (let i = 0; i < REPS * 50; i++) {
      const start = nowNs();
      lab.call(contract, 'noop');
      frames.push(nowNs() - start);
    }
    return median(frames.slice(REPS * 10));
  };
  const callee16 = lab.deploy(wat(CALLEE_WAT.replace('(memory (export "memory") 1)', '(memory (export "memory") 16)')));
  const frame1 = frameTime(callee);
  const frame16 = frameTime(callee16);
  record('call frame per page of memory (instance reset)', 'callFramePerPage', Math.max(0, (frame16 - frame1) / 15));
  record('call frame (execute of an empty method, 1 page)', 'callFrame', frame1 - (ns.callFramePerPage ?? 0));

  for (const bench of wasmBenches()) {
    const perRep = await runBench(lab, bench, calleeData);
    let helpers = 0;
    for (const [cls, count] of Object.entries(bench.helpers ?? {})) helpers += (ns[cls] ?? 0) * count;
    record(bench.name, bench.cls, Math.max(0, (perRep - helpers) / (bench.count ?? 1)), bench.note ?? '');
  }
  for (const dyn of dynamicBenches()) {
    const small = await runBench(lab, dyn.small, calleeData);
    const large = await runBench(lab, dyn.large, calleeData);
    record(dyn.name, dyn.cls, Math.max(0, (large - small) / dyn.units));
    if (dyn.cls === 'bulkPerByte') {
      const helpers = (ns.const ?? 0) * 2 + (ns.local ?? 0);
      record('memory.fill of 0 bytes', 'bulk', Math.max(0, small - helpers));
    }
  }
  record('memory.grow per page (1 page at a time, touched)', 'memoryGrowPerPage', await growPerPage(lab, calleeData));

  const seed = new Uint8Array(32).fill(7);
  const msg = new Uint8Array(16384).map((_, i) => (i * 31) & 0xff);
  const pk = ed25519.getPublicKey(seed);
  // A valid signature over the first 32 bytes; the 16 KiB variant verifies false at the same work.
  const sig = ed25519.sign(msg.subarray(0, 32), seed);
  for (const host of hostBenches(sig, pk, msg)) {
    const small = await runBench(lab, host.small, calleeData);
    const crossing = host.cls === 'hostCall' ? 0 : (ns.hostCall ?? 0);
    if (host.large && host.units) {
      const large = await runBench(lab, host.large, calleeData);
      const perByte = Math.max(0, (large - small) / host.units);
      record(`${host.cls} per byte`, `${host.cls}.perByte`, perByte);
      record(`${host.cls} per call`, host.cls, Math.max(0, small - crossing - perByte * smallBytes(host.small)));
    } else {
      record(host.small.name, host.cls, Math.max(0, small - crossing));
    }
  }
  await lab.close();
  return {
    measurements,
    perOpNs: ns,
    callFrameNs: ns.callFrame ?? 0,
    deployNote: 'deploy costs: bench/gasBench.ts (npm run bench:gas), part "deploys"',
  };
}

/** The byte count of the small variant of a per-byte benchmark (its name ends in "N B"). */
function smallBytes(bench: Bench): number {
  const match = / (\d+) B$/.exec(bench.name);
  return match ? Number(match[1]) : 0;
}

/** memory.grow 1 page at a time from 1 page to the memory cap, each page touched, in one call; minus a call that grows none. */
async function growPerPage(lab: Lab, calleeData: string): Promise<number> {
  const grow = (pages: number) =>
    lab.deploy(
      wat(
        labContract(
          {
            body: `(drop (memory.grow (i32.const 1))) (i32.store8 (i32.mul (memory.size) (i32.const 65535)) (i32.const 1))`,
            k: 1,
            memoryPages: 1,
          },
          pages,
          '',
          calleeData,
        ),
      ),
    );
  const top = DEFAULT_LIMITS.maxMemoryPages;
  const full = await timeCall(lab, grow(top - 1), 'run', { reps: REPS });
  const none = await timeCall(lab, grow(1), 'run', { reps: REPS });
  return (full.ns - none.ns) / (top - 2);
}

// ---------------------------------------------------------------------------------------------------------------

/** Weights of the proposal: gas = ns x scale, at least 1 for a priced class. */
export function propose(perOpNs: Record<string, number>, scale = GAS_PER_NS) {
  const g = (ns: number, floor = 1) => Math.max(floor, Math.round(ns * scale));
  const worst = (...classes: string[]) => Math.max(...classes.map((cls) => perOpNs[cls] ?? 0));
  const weights = {
    free: 0,
    const: g(worst('const')),
    local: g(worst('local')),
    global: g(worst('global')),
    arith: g(worst('arith', 'arith64')),
    mul: g(worst('mul', 'mul64')),
    div: g(worst('div', 'div32', 'rem64')),
    load: g(worst('load', 'load64')),
    store: g(worst('store', 'store64')),
    branch: g(worst('branch', 'branchTaken', 'if')),
    brTable: g(worst('brTable', 'brTableWide')),
    call: g(worst('call')),
    callIndirect: g(worst('callIndirect')),
    memorySize: g(worst('memorySize')),
    memoryGrow: g(worst('memoryGrow')),
    bulk: g(worst('bulk')),
  };
  // Per-byte terms round up: a copy that costs anything costs at least 1 gas a byte.
  const host = (cls: string) => ({
    base: g(perOpNs[cls] ?? 0, 0),
    perByte: Math.ceil((perOpNs[`${cls}.perByte`] ?? 0) * scale),
  });
  return {
    gasPerNs: scale,
    schedule: {
      weights,
      memoryGrowPerPage: g(worst('memoryGrowPerPage')),
      bulkPerByte: Math.max(1, Math.ceil(worst('bulkPerByte', 'bulkCopyPerByte') * scale)),
    },
    host: {
      hostCall: g(worst('hostCall')),
      callFrame: g(worst('callFrame')),
      callFramePerPage: g(worst('callFramePerPage')),
      input_read: host('input_read'),
      return_data: host('return_data'),
      storage_read: { base: g(worst('storage_read', 'storage_read_absent')), perByte: host('storage_read').perByte },
      storage_write: host('storage_write'),
      storage_remove: {
        base: g(Math.max(worst('storage_remove_absent'), worst('storage_write_remove') - worst('storage_write'))),
        perByte: 0,
      },
      caller: host('caller'),
      self_address: host('self_address'),
      value_received: host('value_received'),
      balance: host('balance'),
      transfer: host('transfer'),
      block_height: host('block_height'),
      gas_left: host('gas_left'),
      emit: host('emit'),
      log: host('log'),
      call: { base: g(worst('call_contract') - worst('callFrame') - worst('callFramePerPage')), perByte: 0 },
      sha256: host('sha256'),
      keccak256: host('keccak256'),
      blake3: host('blake3'),
      ed25519_verify: {
        base: g(worst('ed25519_verify', 'ed25519_verify_badkey')),
        perByte: host('ed25519_verify').perByte,
      },
    },
  };
}

async function main(): Promise<void> {
  console.log(
    `# Gas calibration\n\n${new Date().toISOString()}, node ${process.version}, ${REPS} repetitions, medians\n`,
  );
  const result = await calibrate((line) => process.stderr.write(`${line}\n`));
  console.log('| measurement | class | ns | gas at the proposed scale |');
  console.log('| --- | --- | ---: | ---: |');
  for (const m of result.measurements) {
    console.log(`| ${m.name} | ${m.cls} | ${m.ns.toFixed(3)} | ${(m.ns * GAS_PER_NS).toFixed(1)} |`);
  }
  const proposal = propose(result.perOpNs);
  const json = JSON.stringify({ measuredNs: result.perOpNs, proposal }, null, 2);
  console.log(`\n## Proposal (gas per ns ${GAS_PER_NS})\n\n\`\`\`json\n${json}\n\`\`\``);
  const out = flag('--json');
  if (out) writeFileSync(out, `${json}\n`);
}

if (process.argv[1]?.endsWith('calibrate.js')) await main();
