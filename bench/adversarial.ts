/**
 * The adversarial search of `npm run bench:gas` (issue 12): a genetic loop over contracts built from priced
 * operations and host calls, looking for the lowest gas per second (Broken Metre's method, Perez and Livshits,
 * NDSS 2020). A genome is a loop body: a list of gadgets, each a stack-neutral snippet of one priced operation
 * (with its operands) repeated a few times. The contract runs the loop until it is out of gas, so its gas is the
 * limit and its gas/s is the limit over the time it took. Seeded (mulberry32), bounded in seconds.
 * @module
 */
import { DEFAULT_LIMITS } from '../metering/index.js';
import { fastest, HOST_IMPORTS_WAT as IMPORTS, type Lab, nowNs, wat, watBytes } from './gasLab.js';

export type Gadget = { readonly name: string; readonly code: string };

/** Memory layout: 0..64 scratch, 64 key, 128 callee address, 160 u128 zero, 200 "noop", 256 sig, 320 pk, 1024 data. */

const arith = (op: string) => `(local.set $a (${op} (local.get $a) (local.get $b)))`;
const arith64 = (op: string) => `(local.set $c (${op} (local.get $c) (local.get $d)))`;

/** Every gadget the search may use. */
export const GADGETS: readonly Gadget[] = [
  ...['i32.add', 'i32.mul', 'i32.div_u', 'i32.rem_s', 'i32.rotl', 'i32.shr_s', 'i32.xor', 'i32.lt_u'].map((op) => ({
    name: op,
    code: arith(op),
  })),
  ...['i64.add', 'i64.mul', 'i64.div_u', 'i64.div_s', 'i64.rem_u', 'i64.rotl'].map((op) => ({
    name: op,
    code: arith64(op),
  })),
  { name: 'i32.popcnt', code: '(local.set $a (i32.popcnt (local.get $a)))' },
  { name: 'i64.clz', code: '(local.set $c (i64.clz (local.get $c)))' },
  { name: 'select', code: '(local.set $a (select (local.get $a) (local.get $b) (local.get $c0)))' },
  { name: 'const', code: '(local.set $a (i32.const 12345))' },
  { name: 'global', code: '(global.set $g (i32.add (global.get $g) (local.get $b)))' },
  { name: 'load', code: '(local.set $a (i32.load (i32.and (local.get $a) (i32.const 0xfffc))))' },
  { name: 'load64 unaligned', code: '(local.set $c (i64.load offset=3 (i32.and (local.get $a) (i32.const 0xfff0))))' },
  {
    name: 'load8 far',
    code: '(local.set $a (i32.load8_u (i32.and (i32.mul (local.get $a) (i32.const 40503)) (i32.const 0x1ffff))))',
  },
  { name: 'store', code: '(i32.store (i32.and (local.get $a) (i32.const 0xfffc)) (local.get $b))' },
  {
    name: 'store64 far',
    code: '(i64.store (i32.and (i32.mul (local.get $a) (i32.const 40503)) (i32.const 0x1fff0)) (local.get $c))',
  },
  { name: 'br_if', code: '(block (br_if 0 (local.get $c0)))' },
  { name: 'br_if taken', code: '(block (br_if 0 (local.get $b)))' },
  {
    name: 'if/else',
    code: '(if (i32.and (local.get $a) (i32.const 1)) (then (local.set $a (i32.add (local.get $a) (i32.const 3)))) (else (local.set $a (i32.sub (local.get $a) (i32.const 1)))))',
  },
  { name: 'br_table 4', code: '(block (block (block (br_table 0 1 2 (i32.and (local.get $a) (i32.const 3))))))' },
  {
    name: 'br_table 4096',
    code: `(block (block (br_table 0 ${'1 '.repeat(4095)}(i32.and (local.get $a) (i32.const 4095)))))`,
  },
  { name: 'call tiny', code: '(local.set $a (call $tiny (local.get $a)))' },
  { name: 'call 4096 locals', code: '(local.set $a (call $fat (local.get $a)))' },
  { name: 'call 100 params', code: `(local.set $a (call $wide ${'(local.get $a) '.repeat(100)}))` },
  { name: 'call_indirect', code: '(local.set $a (call_indirect (type $t1) (local.get $a) (i32.const 0)))' },
  { name: 'memory.size', code: '(local.set $a (i32.add (local.get $a) (memory.size)))' },
  { name: 'memory.grow 0', code: '(drop (memory.grow (i32.const 0)))' },
  { name: 'memory.grow 1', code: '(drop (memory.grow (i32.const 1)))' },
  { name: 'memory.fill 0', code: '(memory.fill (i32.const 4096) (local.get $b) (i32.const 0))' },
  { name: 'memory.fill 64', code: '(memory.fill (i32.const 4096) (local.get $b) (i32.const 64))' },
  { name: 'memory.copy 4096', code: '(memory.copy (i32.const 8192) (i32.const 1024) (i32.const 4096))' },
  { name: 'memory.copy 1 overlapping', code: '(memory.copy (i32.const 1025) (i32.const 1024) (i32.const 1))' },
  { name: 'input_size', code: '(drop (call $isize))' },
  { name: 'result_read', code: '(call $rread (i32.const 4096))' },
  { name: 'return_data 0', code: '(call $ret (i32.const 0) (i32.const 0))' },
  { name: 'return_data 4K', code: '(call $ret (i32.const 1024) (i32.const 4096))' },
  { name: 'storage_read present', code: '(drop (call $sread (i32.const 64) (i32.const 32)))' },
  { name: 'storage_read absent', code: '(drop (call $sread (i32.const 1024) (i32.const 32)))' },
  { name: 'storage_read key 1K', code: '(drop (call $sread (i32.const 1024) (i32.const 1024)))' },
  { name: 'storage_write', code: '(call $swrite (i32.const 1024) (i32.const 32) (i32.const 1024) (i32.const 32))' },
  {
    name: 'storage_write new key',
    code: '(i32.store (i32.const 1024) (local.get $i)) (call $swrite (i32.const 1024) (i32.const 32) (i32.const 2048) (i32.const 1))',
  },
  { name: 'storage_remove absent', code: '(drop (call $sremove (i32.const 4096) (i32.const 32)))' },
  { name: 'storage_remove key 1K', code: '(drop (call $sremove (i32.const 1024) (i32.const 1024)))' },
  { name: 'caller', code: '(call $caller (i32.const 4096))' },
  { name: 'value_received', code: '(call $valueReceived (i32.const 4096))' },
  { name: 'balance', code: '(call $balance (i32.const 128) (i32.const 4096))' },
  { name: 'transfer 0', code: '(drop (call $transfer (i32.const 128) (i32.const 160)))' },
  { name: 'block_height', code: '(drop (call $height))' },
  { name: 'gas_left', code: '(drop (call $gasLeft))' },
  { name: 'emit 0', code: '(call $emit (i32.const 1024) (i32.const 0) (i32.const 1024) (i32.const 0))' },
  { name: 'emit 4K', code: '(call $emit (i32.const 1024) (i32.const 256) (i32.const 1024) (i32.const 4096))' },
  { name: 'log 0', code: '(call $log (i32.const 1024) (i32.const 0))' },
  { name: 'log 4K', code: '(call $log (i32.const 1024) (i32.const 4096))' },
  { name: 'sha256 0', code: '(call $sha256 (i32.const 1024) (i32.const 0) (i32.const 8192))' },
  { name: 'sha256 4K', code: '(call $sha256 (i32.const 1024) (i32.const 4096) (i32.const 8192))' },
  { name: 'keccak256 0', code: '(call $keccak256 (i32.const 1024) (i32.const 0) (i32.const 8192))' },
  { name: 'keccak256 136', code: '(call $keccak256 (i32.const 1024) (i32.const 136) (i32.const 8192))' },
  { name: 'blake3 0', code: '(call $blake3 (i32.const 1024) (i32.const 0) (i32.const 8192))' },
  { name: 'blake3 1K', code: '(call $blake3 (i32.const 1024) (i32.const 1024) (i32.const 8192))' },
  {
    name: 'ed25519 garbage',
    code: '(drop (call $ed25519 (i32.const 256) (i32.const 320) (i32.const 1024) (i32.const 0)))',
  },
  {
    name: 'call empty callee',
    code: '(drop (call $call (i32.const 128) (i32.const 200) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 160) (i64.const 0)))',
  },
  {
    name: 'call missing method',
    code: '(drop (call $call (i32.const 128) (i32.const 204) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 160) (i64.const 0)))',
  },
];

export type Genome = {
  readonly genes: readonly { readonly gadget: number; readonly times: number }[];
  readonly pages: number;
  /** The memory's maximum is its initial size (loads are priced by the memory they can reach, schedule 4). */
  readonly capped?: boolean;
};

/** The contract of a genome: `run` loops over the genes until out of gas. */
export function genomeWat(genome: Genome, callee: Uint8Array): string {
  const body = genome.genes.map((gene) => GADGETS[gene.gadget]!.code.repeat(gene.times)).join('\n      ');
  return adversarialModule(body, callee, genome.pages, genome.capped ? genome.pages : MAX_PAGES);
}

export function adversarialModule(body: string, callee: Uint8Array, pages = 2, maxPages = MAX_PAGES): string {
  return `(module ${IMPORTS}
  (memory (export "memory") ${pages} ${maxPages})
  (global $g (mut i32) (i32.const 1))
  (type $t1 (func (param i32) (result i32)))
  (table 1 funcref) (elem (i32.const 0) $tiny2)
  (data (i32.const 24) "\\07\\00\\00\\00\\00\\00\\00\\00")
  (data (i32.const 32) "\\03\\00\\00\\00")
  (data (i32.const 64) "present-key-000000000000000000000")
  (data (i32.const 128) "${watBytes(callee)}")
  (data (i32.const 200) "noopnone")
  (func $tiny (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $tiny2 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $fat (param i32) (result i32) (local ${'i64 '.repeat(4000)}) (local.get 0))
  (func $wide (param ${'i32 '.repeat(100)}) (result i32) (local.get 99))
  (func (export "init") (call $swrite (i32.const 64) (i32.const 32) (i32.const 1024) (i32.const 32)))
  (func (export "run") (local $i i32) (local $a i32) (local $b i32) (local $c0 i32) (local $c i64) (local $d i64)
    (local.set $b (i32.load (i32.const 32)))
    (local.set $d (i64.load (i32.const 24)))
    (local.set $c (i64.const 0x4000000000000000))
    (loop $L
      ${body}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $L))))`;
}

/** The memory cap of metering's limits: a contract's initial memory can be at most this. */
const MAX_PAGES = DEFAULT_LIMITS.maxMemoryPages;

export const CALLEE_WAT = '(module (memory (export "memory") 1) (func (export "noop")))';

/** mulberry32: a small seeded generator, so a search is repeatable from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a run until out of gas measured: gas/s, the fastest time, the gas used and how it ended. */
export type Measurement = { gasPerSecond: number; ns: number; gas: bigint; status: string };

export type Scored = { genome: Genome } & Measurement;

/** Gas/s of a contract body run until out of gas with `gasLimit`, fastest of `reps` after one warm-up. */
export function evaluate(lab: Lab, code: Uint8Array, gasLimit: bigint, reps = 3): Measurement {
  const { ns, gas, status } = timedCalls(lab, lab.deploy(code), 'run', gasLimit, reps);
  return { gasPerSecond: (Number(gas) / ns) * 1e9, ns, gas, status };
}

/** Calls `method` once to warm up, then `reps` times: the fastest time, and the last call's gas and status. */
function timedCalls(
  lab: Lab,
  contract: Uint8Array,
  method: string,
  gasLimit: bigint,
  reps: number,
): { ns: number; gas: bigint; status: string } {
  const times: number[] = [];
  let result = lab.call(contract, method, undefined, gasLimit);
  for (let rep = 0; rep < reps; rep++) {
    const start = nowNs();
    result = lab.call(contract, method, undefined, gasLimit);
    times.push(nowNs() - start);
  }
  return { ns: fastest(times), gas: result.gasUsed, status: result.error?.code ?? result.status };
}

export type SearchOptions = {
  seconds: number;
  seed: number;
  gasLimit: bigint;
  population?: number;
  log?: (line: string) => void;
};

/** The genetic loop: returns every distinct genome evaluated, best (lowest gas/s) first. */
export function search(lab: Lab, callee: Uint8Array, options: SearchOptions): { best: Scored[]; evaluations: number } {
  const random = prng(options.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const size = options.population ?? 16;
  const randomGene = () => ({ gadget: pick(GADGETS.length), times: 1 + pick(8) });
  const randomGenome = (): Genome => ({
    genes: Array.from({ length: 1 + pick(4) }, randomGene),
    pages: random() < 0.8 ? 2 : 2 + pick(MAX_PAGES - 1),
    capped: random() < 0.5,
  });
  const mutate = (g: Genome): Genome => {
    const genes = [...g.genes];
    const r = random();
    if (r < 0.3 && genes.length < 8) genes.splice(pick(genes.length + 1), 0, randomGene());
    else if (r < 0.45 && genes.length > 1) genes.splice(pick(genes.length), 1);
    else if (r < 0.75) genes[pick(genes.length)] = randomGene();
    else {
      const at = pick(genes.length);
      genes[at] = {
        ...genes[at]!,
        times: Math.max(1, Math.min(32, genes[at]!.times * (random() < 0.5 ? 2 : 0.5))) | 0,
      };
    }
    const pages = random() < 0.1 ? 2 + pick(MAX_PAGES - 1) : g.pages;
    const capped = random() < 0.1 ? !g.capped : g.capped;
    return { genes, pages, capped };
  };
  const crossover = (a: Genome, b: Genome): Genome => ({
    genes: [...a.genes.slice(0, 1 + pick(a.genes.length)), ...b.genes.slice(pick(b.genes.length))].slice(0, 8),
    pages: random() < 0.5 ? a.pages : b.pages,
    capped: random() < 0.5 ? a.capped : b.capped,
  });
  const seen = new Map<string, Scored>();
  const score = (genome: Genome): Scored => {
    const key = JSON.stringify(genome);
    const known = seen.get(key);
    if (known) return known;
    let scored: Scored;
    try {
      scored = { genome, ...evaluate(lab, wat(genomeWat(genome, callee)), options.gasLimit, 3) };
    } catch (error) {
      scored = { genome, gasPerSecond: Number.POSITIVE_INFINITY, ns: 0, gas: 0n, status: String(error).slice(0, 80) };
    }
    seen.set(key, scored);
    return scored;
  };
  const deadline = nowNs() + options.seconds * 1e9;
  let population = Array.from({ length: size }, () => score(randomGenome()));
  let generation = 0;
  while (nowNs() < deadline) {
    population.sort((a, b) => a.gasPerSecond - b.gasPerSecond);
    const elite = population.slice(0, Math.max(2, size / 4));
    const children: Scored[] = [...elite];
    while (children.length < size && nowNs() < deadline) {
      const parent = elite[pick(elite.length)]!.genome;
      const child = random() < 0.3 ? crossover(parent, elite[pick(elite.length)]!.genome) : mutate(parent);
      children.push(score(random() < 0.1 ? randomGenome() : child));
    }
    population = children;
    generation++;
    options.log?.(
      `generation ${generation}: best ${(population[0]!.gasPerSecond / 1e6).toFixed(1)} Mgas/s (${describe(population[0]!.genome)})`,
    );
  }
  const best = [...seen.values()].sort((a, b) => a.gasPerSecond - b.gasPerSecond);
  return { best, evaluations: seen.size };
}

export function describe(genome: Genome): string {
  const genes = genome.genes.map((gene) => `${GADGETS[gene.gadget]!.name} x${gene.times}`).join(', ');
  const memory = genome.pages === 2 ? '' : `; ${genome.pages} pages`;
  return `${genes}${memory}${genome.capped ? ', maximum the same' : ''}`;
}

/**
 * Pointer chasing (an attack the search does not breed: its gadgets never build a chain): `fill` writes a
 * full-period permutation of word addresses over `pages` of memory (declared maximum `pages`, so loads are priced
 * for that class); `run` fills, then loads each next address from the one before until out of gas. Every load
 * waits for the previous one and pays the latency of the cache level the memory fits in.
 */
export function pointerChaseWat(pages: number): string {
  const words = pages * 16_384;
  // x -> (x * 1103515245 + 12345) mod words has a full period (the multiplier is 1 mod 4, the increment odd).
  const chase = '(local.set $a (i32.load (local.get $a)))'.repeat(10);
  return `(module (memory (export "memory") ${pages} ${pages})
  (func $fill (export "fill") (local $i i32)
    (loop $fill
      (i32.store (i32.shl (local.get $i) (i32.const 2))
        (i32.shl (i32.and (i32.add (i32.mul (local.get $i) (i32.const 1103515245)) (i32.const 12345))
          (i32.const ${words - 1})) (i32.const 2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const ${words})))))
  (func (export "run") (local $a i32)
    (call $fill)
    (loop $chase ${chase} (br $chase))))`;
}

/**
 * Gas/s of the chase alone: `run` (fill, then chase until out of gas) less `fill`, in gas and in time, each the
 * fastest of `reps` calls after a warm-up.
 */
export function evaluatePointerChase(lab: Lab, pages: number, gasLimit: bigint, reps = 5): Measurement {
  const contract = lab.deploy(wat(pointerChaseWat(pages)));
  const fill = timedCalls(lab, contract, 'fill', gasLimit, reps);
  const run = timedCalls(lab, contract, 'run', gasLimit, reps);
  const gas = run.gas - fill.gas;
  const ns = run.ns - fill.ns;
  return { gasPerSecond: (Number(gas) / ns) * 1e9, ns, gas, status: run.status };
}
