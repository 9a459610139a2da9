/**
 * A fast-check arbitrary of random, valid, terminating wasm modules of the deterministic integer subset, for the
 * metering property tests. fast-check draws a "choice tape" (an array of small numbers); `buildModuleText` reads it
 * to build a well-typed module by construction (WAT text, assembled with wabt). Choice 0 is always the simplest
 * option and an exhausted tape reads as 0, so shrinking the tape shrinks the module.
 *
 * Termination: every loop has its own counter local (reset before the loop, never written by anything else) and
 * branches only ever target blocks, ifs and the function (never a loop label), so each loop runs at most
 * `LOOP_MAX` times; every function starts by decrementing the global `$fuel`, returning default values once it is
 * 0, so a run makes at most `FUEL` calls whatever the call graph (recursion, call_indirect) and the call depth
 * stays below `FUEL + 1`.
 * @module
 */
import fc from 'fast-check';
import wabtInit from 'wabt';

export type GenType = 'i32' | 'i64';

export type GeneratedModule = {
  /** The module as WAT text. */
  readonly text: string;
  /** Result types of the exported `run` function (no parameters). */
  readonly results: readonly GenType[];
  /** Names of the exported mutable globals (`g1`, ...). */
  readonly globals: readonly string[];
  /** Initial pages of the memory, and its declared maximum (undefined: none). */
  readonly memoryPages: { readonly min: number; readonly max: number | undefined };
};

export type GeneratorOptions = {
  /** Bounds the choice tape, hence the module's size. Default 500. */
  readonly maxChoices?: number;
  /** Declare the memory without a maximum (for tests of metering's memory cap). Default false. */
  readonly noMemoryMax?: boolean;
  /**
   * Also write back edges as a plain `br` inside an `if` (the `loop { if (cond) { ...; br } }` shape compilers emit,
   * which metering checks at the `br`: SPEC.md "Loop checks"), not only as `br_if`. Default false, so the modules
   * of the other properties stay as they were for a given seed.
   */
  readonly plainBackEdges?: boolean;
  /**
   * Also write counted loops of the shape metering versions (SPEC.md "Counted loops"): `loop { cond; if { body;
   * i += step; br 1 } }` over an induction local compared with a constant or a local bound, counting up or down,
   * signed or unsigned, with the bound on either side, a constant or local step, zero trips (bound already passed),
   * starts and steps near the i32 edges (where the fast copy must be refused), and early exits (`cmp && x`, a
   * branch out of the body). A loop that could run long or wrap gets a guard conjunct that stops it within
   * LOOP_MAX * 2 iterations. Default false.
   */
  readonly countedLoops?: boolean;
};

/** Calls a run may make (so also its maximum wasm call depth, plus one). */
export const FUEL = 24;
/** Iterations of a generated loop, at most. */
export const LOOP_MAX = 4;

/** A fast-check arbitrary of generated modules. */
export function arbitraryModule(options: GeneratorOptions = {}): fc.Arbitrary<GeneratedModule> {
  return fc
    .array(fc.nat({ max: 0xffff }), { maxLength: options.maxChoices ?? 500, size: 'max' })
    .map((choices) => buildModuleText(choices, options));
}

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt | undefined;

/** Loads wabt once; call in `beforeAll` before `assembleModule`. */
export async function loadAssembler(): Promise<void> {
  wabt ??= await wabtInit();
}

/** WAT text to a binary, with the features the generator uses (call `loadAssembler()` first). */
export function assembleModule(text: string): Uint8Array {
  if (!wabt) throw new Error('call loadAssembler() before assembleModule()');
  const module = wabt.parseWat('generated.wat', text, {
    mutable_globals: true,
    sign_extension: true,
    multi_value: true,
    bulk_memory: true,
  });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

class Tape {
  private i = 0;
  constructor(private readonly choices: readonly number[]) {}
  next(): number {
    return this.i < this.choices.length ? this.choices[this.i++]! : 0;
  }
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }
  /** One of `options` by weight; the first option is what an exhausted tape gives. */
  pick<T>(options: readonly (readonly [number, T])[]): T {
    const total = options.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() % total;
    for (const [w, value] of options) {
      if (r < w) return value;
      r -= w;
    }
    return options[0]![1];
  }
  of<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

type Sig = { readonly params: readonly GenType[]; readonly results: readonly GenType[] };

/**
 * The host function some generated modules import, (i64) -> i64. Tests provide it (`hostFunction`): it returns
 * `hostFunction(x).result` and, in metered runs, lowers the gas counter by `hostFunction(x).gas` (SPEC.md: host
 * functions charge by lowering it), which the oracle counts too.
 */
export const HOST_IMPORT = Object.freeze({ module: 'gasket', name: 'host' });
const HOST_SIGNATURE: Sig = { params: ['i64'], results: ['i64'] };

export function hostFunction(x: bigint): { result: bigint; gas: number } {
  return { result: BigInt.asIntN(64, x * 3n + 1n), gas: Number(BigInt.asUintN(64, x) % 17n) + 1 };
}
/** A label in scope; a loop's records its parameters (a back edge carries them) and its counter local. */
type Label = {
  readonly results: readonly GenType[];
  readonly loop: boolean;
  readonly params?: readonly GenType[];
  readonly counter?: number;
  readonly iterations?: number;
};

const MAX_DEPTH = 5;
const MODULE_BUDGET = 320;

const I32_EDGES = [0, 1, -1, 2, 31, 32, 255, 256, 65_535, 65_536, 0x7fffffff, -0x80000000, -2, 0x55555555];
const I64_EDGES = [
  0n,
  1n,
  -1n,
  63n,
  64n,
  0xffffffffn,
  0x100000000n,
  0x7fffffffn,
  -0x80000000n,
  (1n << 63n) - 1n,
  -(1n << 63n),
  0x5555555555555555n,
];

const I32_UNARY = ['i32.clz', 'i32.ctz', 'i32.popcnt', 'i32.extend8_s', 'i32.extend16_s'];
const I64_UNARY = ['i64.clz', 'i64.ctz', 'i64.popcnt', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s'];
const BINARY = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const DIVISION = ['div_s', 'div_u', 'rem_s', 'rem_u'];
const COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const LOADS: Record<GenType, readonly [string, number][]> = {
  i32: [
    ['i32.load', 4],
    ['i32.load8_s', 1],
    ['i32.load8_u', 1],
    ['i32.load16_s', 2],
    ['i32.load16_u', 2],
  ],
  i64: [
    ['i64.load', 8],
    ['i64.load8_s', 1],
    ['i64.load8_u', 1],
    ['i64.load16_s', 2],
    ['i64.load16_u', 2],
    ['i64.load32_s', 4],
    ['i64.load32_u', 4],
  ],
};
const STORES: Record<GenType, readonly string[]> = {
  i32: ['i32.store', 'i32.store8', 'i32.store16'],
  i64: ['i64.store', 'i64.store8', 'i64.store16', 'i64.store32'],
};

/** Builds a module from a choice tape (deterministic: the same tape gives the same text). */
export function buildModuleText(choices: readonly number[], options: GeneratorOptions = {}): GeneratedModule {
  const tape = new Tape(choices);
  const types: Sig[] = [];
  const typeIndex = (sig: Sig): number => {
    const key = `${sig.params.join(',')}>${sig.results.join(',')}`;
    const found = types.findIndex((t) => `${t.params.join(',')}>${t.results.join(',')}` === key);
    if (found >= 0) return found;
    types.push(sig);
    return types.length - 1;
  };
  const valtype = (): GenType =>
    tape.pick<GenType>([
      [1, 'i64'],
      [1, 'i32'],
    ]);
  const valtypes = (max: number): GenType[] => Array.from({ length: tape.below(max + 1) }, valtype);

  // Module shape.
  const runResults = tape.pick<GenType[]>([
    [5, ['i64']],
    [1, ['i32']],
    [1, ['i64', 'i32']],
    [1, []],
  ]);
  const funcCount = 1 + tape.below(4);
  const sigs: Sig[] = [{ params: [], results: runResults }];
  for (let i = 1; i < funcCount; i++) sigs.push({ params: valtypes(3), results: valtypes(2) });
  const funcTypes = sigs.map(typeIndex);
  // The host function import (SPEC.md: module `gasket`), function 0 when present; it shifts every defined index.
  const host = tape.below(3) === 0;
  const importCount = host ? 1 : 0;
  const callables: Sig[] = [...(host ? [HOST_SIGNATURE] : []), ...sigs];
  const hostType = host ? typeIndex(HOST_SIGNATURE) : -1;
  const userGlobals = Array.from({ length: tape.below(4) }, () => ({ type: valtype(), mutable: tape.below(4) !== 0 }));
  const globals = [{ type: 'i32' as GenType, mutable: true }, ...userGlobals]; // global 0 is $fuel
  const memMin = 1 + tape.below(2);
  const memMax = options.noMemoryMax ? undefined : memMin + tape.below(3);
  const passive = Array.from({ length: tape.below(3) === 0 ? tape.below(32) : 0 }, () => tape.next() & 0xff);
  const tableSize = funcCount + tape.below(3);
  const table: (number | null)[] = new Array(tableSize).fill(null);
  const elemLength = tape.below(tableSize + 1);
  for (let i = 0; i < elemLength; i++) table[i] = tape.below(callables.length);

  let budget = MODULE_BUDGET;

  const constant = (t: GenType): string => {
    if (t === 'i32') {
      const v = tape.pick<() => number>([
        [3, () => tape.below(8)],
        [2, () => tape.of(I32_EDGES)],
        [2, () => (tape.next() << 16) | tape.next() | 0],
      ])();
      return `i32.const ${v}`;
    }
    const v = tape.pick<() => bigint>([
      [3, () => BigInt(tape.below(8))],
      [2, () => tape.of(I64_EDGES)],
      [
        2,
        () =>
          BigInt.asIntN(
            64,
            (BigInt(tape.next()) << 48n) |
              (BigInt(tape.next()) << 32n) |
              (BigInt(tape.next()) << 16n) |
              BigInt(tape.next()),
          ),
      ],
    ])();
    return `i64.const ${v}`;
  };

  const bodies: string[] = [];
  for (let f = 0; f < funcCount; f++) {
    const sig = sigs[f]!;
    const userLocals = valtypes(3);
    const locals: GenType[] = [...sig.params, ...userLocals];
    let counters = 0;
    const labels: Label[] = [{ results: sig.results, loop: false }];
    const localsOf = (t: GenType) => locals.flatMap((lt, i) => (lt === t ? [i] : []));
    const globalsOf = (t: GenType, mutable: boolean) =>
      globals.flatMap((g, i) => (i > 0 && g.type === t && (!mutable || g.mutable) ? [i] : []));
    const canGrow = (depth: number) => depth < MAX_DEPTH && budget > 0;

    const leaf = (t: GenType): string[] => {
      const ls = localsOf(t);
      const gs = globalsOf(t, false);
      return tape.pick<() => string[]>([
        [3, () => [constant(t)]],
        [ls.length > 0 ? 2 : 0, () => [`local.get ${tape.of(ls)}`]],
        [gs.length > 0 ? 1 : 0, () => [`global.get ${tape.of(gs)}`]],
      ])();
    };

    const exprs = (ts: readonly GenType[], depth: number): string[] => ts.flatMap((t) => expr(t, depth));

    const address = (depth: number): string[] =>
      tape.pick<() => string[]>([
        [3, () => [`i32.const ${tape.below(64)}`]],
        [2, () => [`i32.const ${tape.next()}`]],
        [2, () => [...expr('i32', depth + 1), 'i32.const 4095', 'i32.and']],
        [1, () => expr('i32', depth + 1)],
      ])();
    const offset = (): string =>
      tape.pick<() => string>([
        [6, () => ''],
        [2, () => ` offset=${tape.below(32)}`],
        [1, () => ` offset=${tape.of([65_536, 131_072 - 4, 0xffffffff])}`],
      ])();
    const length = (depth: number): string[] =>
      tape.pick<() => string[]>([
        [3, () => [`i32.const ${tape.below(64)}`]],
        [1, () => [`i32.const ${tape.below(4096)}`]],
        [1, () => expr('i32', depth + 1)],
      ])();

    /** Consumes a block's parameters (top first) into locals of their type, or drops them. */
    const consume = (params: readonly GenType[]): string[] =>
      [...params].reverse().map((t) => {
        const ls = localsOf(t);
        return ls.length > 0 && tape.below(2) === 0 ? `local.set ${tape.of(ls)}` : 'drop';
      });

    /** The code inside a block/if arm with `params` on entry and `results` at its end. */
    const arm = (params: readonly GenType[], results: readonly GenType[], depth: number): string[] => [
      ...consume(params),
      ...stmts(depth + 1),
      ...exprs(results, depth + 1),
    ];

    const blockType = (params: readonly GenType[], results: readonly GenType[]): string => {
      if (params.length === 0 && results.length === 0) return '';
      if (params.length === 0 && results.length === 1 && tape.below(3) !== 0) return ` (result ${results[0]})`;
      return ` (type ${typeIndex({ params, results })})`;
    };

    /** A block or if with `params` (computed before it) and `results`, leaving `results` on the stack. */
    const structured = (
      kind: 'block' | 'if',
      params: readonly GenType[],
      results: readonly GenType[],
      depth: number,
    ) => {
      const out = exprs(params, depth + 1);
      if (kind === 'if') out.push(...expr('i32', depth + 1));
      out.push(`${kind}${blockType(params, results)}`);
      labels.push({ results, loop: false });
      out.push(...arm(params, results, depth));
      const passThrough = params.length === results.length && params.every((p, i) => p === results[i]);
      if (kind === 'if' && (!passThrough || tape.below(2) === 0)) {
        out.push('else', ...arm(params, results, depth));
      }
      labels.pop();
      out.push('end');
      return out;
    };

    /**
     * A counted loop, with `params` and `results`: every back edge (the one at its end and any `continue` in its
     * body) first increments the loop's own counter and is taken only while it is below `iterations`, so the body
     * runs at most LOOP_MAX times per entry, whatever it does.
     */
    const loop = (params: readonly GenType[], results: readonly GenType[], depth: number): string[] => {
      const counter = locals.length + counters++;
      const iterations = 1 + tape.below(LOOP_MAX);
      const out = [
        `i32.const 0`,
        `local.set ${counter}`,
        ...exprs(params, depth + 1),
        `loop${blockType(params, results)}`,
      ];
      const label: Label = { results, loop: true, params, counter, iterations };
      labels.push(label);
      out.push(...consume(params), ...stmts(depth + 1), ...backEdge(label, 0, depth + 1));
      out.push(...exprs(results, depth + 1));
      labels.pop();
      out.push('end');
      return out;
    };

    /**
     * A guarded branch to the loop `label`, `to` labels out: taken only while the loop's counter allows. A `br_if`,
     * or with `plainBackEdges` maybe an `if` (passing the loop's params through) around a plain `br`.
     */
    const backEdge = (label: Label, to: number, depth: number): string[] => {
      const c = label.counter!;
      const params = label.params!;
      const guard = [
        ...exprs(params, depth),
        `local.get ${c}`,
        'i32.const 1',
        'i32.add',
        `local.tee ${c}`,
        `i32.const ${label.iterations}`,
        'i32.lt_u',
      ];
      const branch =
        options.plainBackEdges && tape.below(4) !== 0
          ? [`if${blockType(params, params)}`, `br ${to + 1}`, 'end']
          : [`br_if ${to}`];
      return [...guard, ...branch, ...params.map(() => 'drop')];
    };

    const call = (callee: number, depth: number): string[] => [
      ...exprs(callables[callee]!.params, depth + 1),
      `call ${callee}`,
    ];
    const callIndirect = (depth: number): { code: string[]; sig: Sig } => {
      const slot = tape.pick<() => number>([
        [4, () => tape.below(Math.max(elemLength, 1))],
        [1, () => tape.below(tableSize + 1)],
      ])();
      const entry = table[slot];
      const sig = entry !== undefined && entry !== null && tape.below(4) !== 0 ? callables[entry]! : tape.of(callables);
      const index = tape.below(4) === 0 ? expr('i32', depth + 1) : [`i32.const ${slot}`];
      return { code: [...exprs(sig.params, depth + 1), ...index, `call_indirect (type ${typeIndex(sig)})`], sig };
    };
    const dropAll = (n: number): string[] => Array.from({ length: n }, () => 'drop');

    function expr(t: GenType, depth: number): string[] {
      budget--;
      if (!canGrow(depth)) return leaf(t);
      const d = depth + 1;
      const p = t === 'i32' ? 'i32' : 'i64';
      const withFirst = callables.flatMap((s, i) => (s.results[0] === t ? [i] : []));
      const ls = localsOf(t);
      return tape.pick<() => string[]>([
        [5, () => leaf(t)],
        [2, () => [...expr(t, d), tape.of(t === 'i32' ? I32_UNARY : I64_UNARY)]],
        [
          1,
          () => {
            if (t === 'i32') {
              return tape.pick<() => string[]>([
                [1, () => [...expr('i32', d), 'i32.eqz']],
                [1, () => [...expr('i64', d), 'i64.eqz']],
                [1, () => [...expr('i64', d), 'i32.wrap_i64']],
              ])();
            }
            return [...expr('i32', d), tape.of(['i64.extend_i32_s', 'i64.extend_i32_u'])];
          },
        ],
        [6, () => [...expr(t, d), ...expr(t, d), `${p}.${tape.of(BINARY)}`]],
        [
          2,
          () => {
            const divisor = tape.below(4) === 0 ? expr(t, d) : [...expr(t, d), `${p}.const 1`, `${p}.or`];
            return [...expr(t, d), ...divisor, `${p}.${tape.of(DIVISION)}`];
          },
        ],
        [
          t === 'i32' ? 3 : 0,
          () => {
            const operand = valtype();
            return [...expr(operand, d), ...expr(operand, d), `${operand}.${tape.of(COMPARE)}`];
          },
        ],
        [
          3,
          () => {
            const [name] = tape.of(LOADS[t]);
            return [...address(d), `${name}${offset()}`];
          },
        ],
        [
          1,
          () => [
            ...expr(t, d),
            ...expr(t, d),
            ...expr('i32', d),
            tape.below(2) === 0 ? 'select' : `select (result ${t})`,
          ],
        ],
        [ls.length > 0 ? 1 : 0, () => [...expr(t, d), `local.tee ${tape.of(ls)}`]],
        [
          withFirst.length > 0 ? 2 : 0,
          () => {
            const callee = tape.of(withFirst);
            return [...call(callee, depth), ...dropAll(callables[callee]!.results.length - 1)];
          },
        ],
        [
          1,
          () => {
            const { code, sig } = callIndirect(depth);
            if (sig.results[0] !== t) return [...code, ...dropAll(sig.results.length), ...leaf(t)];
            return [...code, ...dropAll(sig.results.length - 1)];
          },
        ],
        [1, () => structured('block', [], [t], depth)],
        [1, () => structured('if', [], [t], depth)],
        [
          1,
          () => {
            const params = valtypes(2);
            const results = [t, ...valtypes(2)];
            return [
              ...structured(tape.of(['block', 'if'] as const), params, results, depth),
              ...dropAll(results.length - 1),
            ];
          },
        ],
        [1, () => loop(tape.below(3) === 0 ? valtypes(2) : [], [t], depth)],
        [
          t === 'i32' ? 2 : 0,
          () =>
            tape.pick<() => string[]>([
              [1, () => ['memory.size']],
              [
                2,
                () => {
                  const delta = tape.pick<() => string[]>([
                    [3, () => [`i32.const ${tape.below(3)}`]],
                    [1, () => [...expr('i32', d), 'i32.const 3', 'i32.and']],
                    [1, () => expr('i32', d)],
                  ])();
                  return [...delta, 'memory.grow'];
                },
              ],
            ])(),
        ],
      ])();
    }

    /** A target label for br/br_if/br_table: never a loop (loops end only through their counter). */
    const targets = () => labels.flatMap((l, i) => (l.loop ? [] : [{ label: l, depth: labels.length - 1 - i }]));
    // (a counted loop has no counter: a `continue` could skip its step forever)
    const loops = () =>
      labels.flatMap((l, i) => (l.loop && l.counter !== undefined ? [{ label: l, depth: labels.length - 1 - i }] : []));

    /** A counted loop (GeneratorOptions.countedLoops); its locals are its own, written nowhere else. */
    const countedLoop = (depth: number): string[] => {
      const i = locals.length + counters++;
      const guard = locals.length + counters++;
      const unsigned = tape.below(3) === 0;
      const relation = tape.of(['lt', 'le', 'gt', 'ge'] as const);
      const up = relation === 'lt' || relation === 'le';
      const magnitude = tape.pick<() => number>([
        [6, () => 1],
        [3, () => 2 + tape.below(3)],
        [1, () => tape.of([0x10000, 0x40000000, 0x7fffffff])],
      ])();
      const stepLocal = up && tape.below(4) === 0 ? locals.length + counters++ : undefined;
      // a step read from a local may also be 0 or negative (the fast copy must refuse it)
      const step = stepLocal !== undefined && tape.below(4) === 0 ? tape.of([0, -1, -2]) : up ? magnitude : -magnitude;
      const start = tape.pick<() => number>([
        [4, () => tape.below(10) - 3],
        [1, () => tape.of(I32_EDGES)],
      ])();
      const bound = tape.pick<() => number>([
        [4, () => (start + (up ? 1 : -1) * (tape.below(10) - 2)) | 0],
        [1, () => tape.of(I32_EDGES)],
      ])();
      const boundLocal = tape.below(3) === 0 ? locals.length + counters++ : undefined;
      // the loop as V8 runs it (i32 wrapping): does it stop by itself within LOOP_MAX * 2 iterations?
      const norm = (v: number) => (unsigned ? v >>> 0 : v | 0);
      const holds = (v: number) => {
        const [a, b] = [norm(v), norm(bound)];
        return relation === 'lt' ? a < b : relation === 'le' ? a <= b : relation === 'gt' ? a > b : a >= b;
      };
      let value = start;
      let trips = 0;
      while (trips <= LOOP_MAX * 2 && holds(value)) {
        value = (value + step) | 0;
        trips++;
      }
      const guarded = trips > LOOP_MAX * 2 || tape.below(4) === 0;
      const limit = tape.below(LOOP_MAX * 2 + 1);
      const operand = (local: number | undefined, v: number) =>
        local === undefined ? `i32.const ${v}` : `local.get ${local}`;
      const flipped = tape.below(2) === 0;
      const flip = { lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' } as const;
      const cmp = (r: 'lt' | 'le' | 'gt' | 'ge') => `i32.${r}_${unsigned ? 'u' : 's'}`;
      const comparison = flipped
        ? [operand(boundLocal, bound), `local.get ${i}`, cmp(flip[relation])]
        : [`local.get ${i}`, operand(boundLocal, bound), cmp(relation)];
      const earlyExit = guarded
        ? [`local.get ${guard}`, 'i32.const 1', 'i32.add', `local.tee ${guard}`, `i32.const ${limit}`, 'i32.le_u']
        : tape.below(3) === 0
          ? expr('i32', MAX_DEPTH - 1)
          : [];
      const condition =
        earlyExit.length > 0
          ? [...comparison, 'if (result i32)', ...earlyExit, 'else', 'i32.const 0', 'end']
          : comparison;
      const stepOperand = operand(stepLocal, step);
      const increment = tape.pick<() => string[]>([
        [3, () => [`local.get ${i}`, stepOperand, 'i32.add', `local.set ${i}`]],
        [1, () => [stepOperand, `local.get ${i}`, 'i32.add', `local.set ${i}`]],
        [
          stepLocal === undefined && step !== -0x80000000 ? 1 : 0,
          () => [`local.get ${i}`, `i32.const ${-step | 0}`, 'i32.sub', `local.tee ${i}`, 'drop'],
        ],
      ])();
      /** Mostly straight statements (kept versionable); sometimes any statement (calls, branches out, returns). */
      const bodyStmts = (): string[] =>
        Array.from({ length: tape.below(3) }, () =>
          tape.below(4) === 0
            ? stmt(depth + 2)
            : tape.pick<() => string[]>([
                [
                  locals.length > 0 ? 2 : 0,
                  () => {
                    const l = tape.below(locals.length);
                    return [...expr(locals[l]!, MAX_DEPTH - 1), `local.set ${l}`];
                  },
                ],
                [1, () => [...address(MAX_DEPTH - 1), `local.get ${i}`, 'i32.store']],
                [1, () => structured('if', [], [], MAX_DEPTH - 2)],
              ])(),
        ).flat();
      const out = [`i32.const ${start}`, `local.set ${i}`, 'i32.const 0', `local.set ${guard}`];
      if (boundLocal !== undefined) out.push(`i32.const ${bound}`, `local.set ${boundLocal}`);
      if (stepLocal !== undefined) out.push(`i32.const ${step}`, `local.set ${stepLocal}`);
      labels.push({ results: [], loop: true });
      out.push('loop', ...condition, 'if');
      labels.push({ results: [], loop: false });
      out.push(...bodyStmts(), ...increment, ...bodyStmts(), 'br 1', 'end');
      labels.pop();
      labels.pop();
      out.push('end');
      return out;
    };

    function stmt(depth: number): string[] {
      budget--;
      const d = depth + 1;
      const ls = locals.map((_, i) => i);
      const gs = globalsOf('i32', true).concat(globalsOf('i64', true));
      if (!canGrow(depth)) {
        return ls.length > 0 && tape.below(2) === 0 ? [...leaf(locals[ls[0]!]!), `local.set ${ls[0]}`] : ['nop'];
      }
      return tape.pick<() => string[]>([
        [1, () => ['nop']],
        [
          ls.length > 0 ? 5 : 0,
          () => {
            const i = tape.of(ls);
            return [...expr(locals[i]!, d), `local.set ${i}`];
          },
        ],
        [
          gs.length > 0 ? 2 : 0,
          () => {
            const g = tape.of(gs);
            return [...expr(globals[g]!.type, d), `global.set ${g}`];
          },
        ],
        [
          4,
          () => {
            const t = valtype();
            return [...address(d), ...expr(t, d), `${tape.of(STORES[t])}${offset()}`];
          },
        ],
        [1, () => [...expr(valtype(), d), 'drop']],
        [3, () => structured('if', [], [], depth)],
        [3, () => structured('block', [], [], depth)],
        [2, () => loop(tape.below(3) === 0 ? valtypes(2) : [], [], depth)],
        [
          3,
          () => {
            const { label, depth: to } = tape.of(targets());
            return [...exprs(label.results, d), ...expr('i32', d), `br_if ${to}`, ...dropAll(label.results.length)];
          },
        ],
        [
          1,
          () => {
            const { label, depth: to } = tape.of(targets());
            return [...exprs(label.results, d), `br ${to}`];
          },
        ],
        [
          1,
          () => {
            const all = targets();
            const main = tape.of(all);
            const key = main.label.results.join(',');
            const same = all.filter((x) => x.label.results.join(',') === key);
            const list = Array.from({ length: tape.below(4) }, () => tape.of(same).depth);
            const index = tape.below(3) === 0 ? expr('i32', d) : [`i32.const ${tape.below(list.length + 2)}`];
            return [...exprs(main.label.results, d), ...index, `br_table ${[...list, main.depth].join(' ')}`];
          },
        ],
        [1, () => [...exprs(sig.results, d), 'return']],
        [1, () => [...address(d), ...expr('i32', d), ...length(d), 'memory.fill']],
        [1, () => [...address(d), ...address(d), ...length(d), 'memory.copy']],
        [
          3,
          () => {
            const callee = tape.below(callables.length);
            return [...call(callee, depth), ...dropAll(callables[callee]!.results.length)];
          },
        ],
        [
          1,
          () => {
            const { code, sig: s } = callIndirect(depth);
            return [...code, ...dropAll(s.results.length)];
          },
        ],
        [1, () => [`i32.const ${tape.below(3)}`, 'memory.grow', 'drop']],
        [1, () => ['unreachable']],
        [
          loops().length > 0 ? 2 : 0,
          () => {
            const { label, depth: to } = tape.of(loops());
            return backEdge(label, to, d);
          },
        ],
        [
          passive.length > 0 ? 1 : 0,
          () => [...address(d), `i32.const ${tape.below(passive.length + 2)}`, ...length(d), 'memory.init $p'],
        ],
        [passive.length > 0 ? 1 : 0, () => ['data.drop $p']],
        [options.countedLoops && canGrow(depth + 2) ? 16 : 0, () => countedLoop(depth)],
      ])();
    }

    function stmts(depth: number): string[] {
      const n = budget > 0 && depth < MAX_DEPTH ? tape.below(4) : 0;
      return Array.from({ length: n }, () => stmt(depth)).flat();
    }

    // Fuel: return default results once it is spent.
    const prologue = [
      'global.get 0',
      'i32.eqz',
      'if',
      ...sig.results.map((t) => `${t}.const 0`),
      'return',
      'end',
      'global.get 0',
      'i32.const 1',
      'i32.sub',
      'global.set 0',
    ];
    const body = [...prologue, ...stmts(0), ...stmt(0), ...exprs(sig.results, 1)];
    const allLocals = [...userLocals, ...Array.from({ length: counters }, () => 'i32')];
    const localDecl = allLocals.length > 0 ? ` (local ${allLocals.join(' ')})` : '';
    bodies.push(`  (func (type ${funcTypes[f]})${localDecl}\n    ${body.join('\n    ')})`);
  }

  const typeDecls = types.map((t) => {
    const params = t.params.length > 0 ? ` (param ${t.params.join(' ')})` : '';
    const results = t.results.length > 0 ? ` (result ${t.results.join(' ')})` : '';
    return `  (type (func${params}${results}))`;
  });
  const globalDecls = globals.map((g, i) => {
    const init = i === 0 ? `i32.const ${FUEL}` : constant(g.type);
    return `  (global ${g.mutable ? `(mut ${g.type})` : g.type} (${init}))`;
  });
  const exportedGlobals = globals.flatMap((g, i) => (i > 0 && g.mutable ? [`g${i}`] : []));
  const dataOffset = tape.below(256);
  const dataBytes = Array.from(
    { length: tape.below(16) },
    () => `\\${(tape.next() & 0xff).toString(16).padStart(2, '0')}`,
  );
  const elems = table.slice(0, elemLength).join(' ');

  const text = [
    '(module',
    ...typeDecls,
    ...(host ? [`  (import "${HOST_IMPORT.module}" "${HOST_IMPORT.name}" (func (type ${hostType})))`] : []),
    ...bodies,
    `  (table ${tableSize} funcref)`,
    elemLength > 0 ? `  (elem (i32.const 0) func ${elems})` : '',
    `  (memory ${memMin}${memMax === undefined ? '' : ` ${memMax}`})`,
    ...globalDecls,
    `  (export "run" (func ${importCount}))`,
    '  (export "memory" (memory 0))',
    ...exportedGlobals.map((name) => `  (export "${name}" (global ${name.slice(1)}))`),
    dataBytes.length > 0 ? `  (data (i32.const ${dataOffset}) "${dataBytes.join('')}")` : '',
    passive.length > 0 ? `  (data $p "${passive.map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")` : '',
    ')',
  ]
    .filter((line) => line !== '')
    .join('\n');
  return { text, results: runResults, globals: exportedGlobals, memoryPages: { min: memMin, max: memMax } };
}
