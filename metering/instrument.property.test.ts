/**
 * Property tests of metering correctness (issue 4, "Tests"): on random well-typed integer modules
 * (test/wasmRef/arbitraryModule.ts), instrumenting preserves semantics, the gas used by a run that returns is exactly
 * what the independent reference interpreter (test/wasmRef/) counts by SPEC.md (host-function charges included), a
 * limit of exactly that figure suffices and one less runs out of gas; the memory cap and the stack budget behave as
 * the oracle says SPEC.md requires; instrumenting is deterministic; and modules from binaryen's fuzzer behave the
 * same raw and instrumented (tooling mode). Last, `it.fails` cases pin the SPEC.md mismatches found so far.
 * The global fast-check seed comes from test/setup/fastCheck.ts.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arbitraryModule,
  assembleModule,
  FUEL,
  type GeneratedModule,
  HOST_IMPORT,
  hostFunction,
  loadAssembler,
  REPO_ROOT,
  type RefOptions,
  type RefRun,
  runReference,
} from '../test/index.js';
import { instrument, METERING_EXPORTS, TRAP_REASON } from './index.js';

// Far above any generated run: a grow of 2^32-1 pages alone is over 10^14 gas at schedule 2's page rate.
const AMPLE_GAS = 1n << 62n;
/**
 * The oracle counts exactly at any size (instruction weights in a double, dynamic charges in a bigint); a run
 * charged more than the ample limit (a memory.grow of a billion pages at the page rate) cannot return metered,
 * so it is compared on its outcome only.
 */
const countedExactly = (gas: bigint) => gas < AMPLE_GAS;
/** SPEC.md's frame cost adds 3 units for the slots the injected code itself may push. */
const INJECTED_SLOTS_PER_FRAME = 3;
/** Random modules per property; the file stays well under 40 s on 2 cores. */
const RUNS = 500;

beforeAll(loadAssembler);

type Observed = {
  readonly kind: 'return' | 'trap';
  readonly values: readonly unknown[];
  readonly error?: string;
  readonly memory: Uint8Array;
  readonly globals: Record<string, unknown>;
};

type Exports = Record<string, unknown> & { run: () => unknown; memory: WebAssembly.Memory };

function asValues(result: unknown, arity: number): unknown[] {
  if (arity === 0) return [];
  if (arity === 1) return [result];
  return [...(result as unknown[])];
}

function observe(exports: Exports, generated: GeneratedModule): Observed {
  const collect = (kind: 'return' | 'trap', values: unknown[], error?: string): Observed => ({
    kind,
    values,
    error,
    memory: new Uint8Array(exports.memory.buffer).slice(),
    globals: Object.fromEntries(generated.globals.map((g) => [g, (exports[g] as WebAssembly.Global).value])),
  });
  try {
    return collect('return', asValues(exports.run(), generated.results.length));
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
    return collect('trap', [], String(error));
  }
}

/** The generated modules' host function; in metered runs it charges its gas by lowering the gas global. */
function hostImports(gas?: () => WebAssembly.Global): WebAssembly.Imports {
  const host = (x: bigint) => {
    const { result, gas: charge } = hostFunction(x);
    if (gas) gas().value = (gas().value as bigint) - BigInt(charge);
    return result;
  };
  return { [HOST_IMPORT.module]: { [HOST_IMPORT.name]: host } };
}

/** The oracle on a generated module, with the host function charging its gas. */
function reference(bytes: Uint8Array, options: RefOptions = {}): RefRun {
  return runReference(bytes, 'run', [], {
    maxCallDepth: FUEL + 2,
    ...options,
    imports: {
      [HOST_IMPORT.module]: {
        [HOST_IMPORT.name]: ([x], charge) => {
          const { result, gas } = hostFunction(x as bigint);
          charge(gas);
          return [result];
        },
      },
    },
  });
}

function runRaw(bytes: Uint8Array, generated: GeneratedModule): Observed {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), hostImports());
  return observe(instance.exports as unknown as Exports, generated);
}

type Metered = Observed & { readonly remaining: bigint; readonly trapReason: number; readonly stackAfter: number };

function runMetered(module: WebAssembly.Module, generated: GeneratedModule, limit: bigint, stackStart = 0): Metered {
  let gasGlobal: WebAssembly.Global | undefined;
  const exports = new WebAssembly.Instance(
    module,
    hostImports(() => gasGlobal!),
  ).exports as unknown as Exports;
  const gas = exports[METERING_EXPORTS.gas] as WebAssembly.Global;
  gasGlobal = gas;
  const stack = exports[METERING_EXPORTS.stack] as WebAssembly.Global;
  const trap = exports[METERING_EXPORTS.trap] as WebAssembly.Global;
  gas.value = limit;
  stack.value = stackStart;
  trap.value = 0;
  const observed = observe(exports, generated);
  return { ...observed, remaining: gas.value as bigint, trapReason: trap.value as number, stackAfter: stack.value };
}

/**
 * The instrumented run that returned with ample gas used exactly `refGas`: that limit suffices and gives the same
 * outcome, and one less runs out of gas.
 */
function expectExactGas(module: WebAssembly.Module, generated: GeneratedModule, ample: Metered, refGas: bigint): void {
  expect(AMPLE_GAS - ample.remaining).toBe(refGas);
  const exact = runMetered(module, generated, refGas);
  expect(comparable(exact)).toEqual(comparable(ample));
  expect(exact.remaining).toBe(0n);
  if (refGas > 0n) {
    const short = runMetered(module, generated, refGas - 1n);
    expect({ kind: short.kind, trapReason: short.trapReason }).toEqual({
      kind: 'trap',
      trapReason: TRAP_REASON.outOfGas,
    });
  }
}

function referenceGlobals(ref: RefRun, generated: GeneratedModule): Record<string, unknown> {
  return Object.fromEntries(generated.globals.map((g) => [g, ref.globals[Number(g.slice(1))]]));
}

/** What two runs must agree on: outcome, values, final memory, exported globals. */
const comparable = (o: Observed) => ({ kind: o.kind, values: o.values, globals: o.globals });
const sameMemory = (a: Uint8Array, b: Uint8Array | undefined) =>
  b !== undefined && a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** The kind of a trap, from V8's message and from the oracle's reason. */
function v8Trap(message: string): string {
  if (message.startsWith('RangeError')) return 'stack';
  if (/divide by zero|remainder by zero/.test(message)) return 'divide by zero';
  if (message.includes('divide result unrepresentable')) return 'overflow';
  if (message.includes('memory access out of bounds')) return 'memory';
  if (message.includes('null function or function signature mismatch')) return 'indirect';
  if (message.includes('table index is out of bounds')) return 'table';
  if (message.includes('unreachable')) return 'unreachable';
  return message;
}
const ORACLE_TRAPS: Record<string, string> = {
  'call depth': 'stack',
  'integer divide by zero': 'divide by zero',
  'integer overflow': 'overflow',
  'out of bounds memory access': 'memory',
  'uninitialized element': 'indirect',
  'indirect call signature mismatch': 'indirect',
  'undefined element': 'table',
  unreachable: 'unreachable',
};

describe('metering on random integer modules', () => {
  it('the reference oracle agrees with V8 on the raw module', () => {
    fc.assert(
      fc.property(arbitraryModule(), (generated) => {
        const bytes = assembleModule(generated.text);
        const raw = runRaw(bytes, generated);
        const ref = reference(bytes);
        expect({
          kind: ref.kind,
          values: ref.kind === 'return' ? ref.values : [],
          globals: referenceGlobals(ref, generated),
        }).toEqual(comparable(raw));
        expect(sameMemory(raw.memory, ref.memory)).toBe(true);
        if (ref.kind === 'trap') expect(ORACLE_TRAPS[ref.reason]).toBe(v8Trap(raw.error!));
      }),
      { numRuns: RUNS },
    );
  });

  it('preserves semantics: with ample gas the instrumented module does what the raw module does', () => {
    fc.assert(
      fc.property(arbitraryModule(), (generated) => {
        const bytes = assembleModule(generated.text);
        const raw = runRaw(bytes, generated);
        const metered = runMetered(new WebAssembly.Module(instrument(bytes).code), generated, AMPLE_GAS);
        expect(comparable(metered)).toEqual(comparable(raw));
        expect(sameMemory(raw.memory, metered.memory)).toBe(true);
        expect(metered.error).toBe(raw.error);
        // The module's own traps are not metering traps; a run that returns gives back its stack units.
        expect(metered.trapReason).toBe(TRAP_REASON.none);
        if (metered.kind === 'return') expect(metered.stackAfter).toBe(0);
        // A nested cross-contract call continues from the caller's stack figure and leaves it as it found it.
        const nested = runMetered(new WebAssembly.Module(instrument(bytes).code), generated, AMPLE_GAS, 1000);
        expect(comparable(nested)).toEqual(comparable(raw));
        if (nested.kind === 'return') expect(nested.stackAfter).toBe(1000);
      }),
      { numRuns: RUNS },
    );
  });

  it('charges exactly the oracle gas on every run that returns; that limit suffices and one less runs out', () => {
    let returned = 0;
    fc.assert(
      fc.property(arbitraryModule(), (generated) => {
        const bytes = assembleModule(generated.text);
        const ref = reference(bytes);
        if (ref.kind !== 'return' || !countedExactly(ref.gas)) return;
        returned++;
        const module = new WebAssembly.Module(instrument(bytes).code);
        const ample = runMetered(module, generated, AMPLE_GAS);
        expect(ample.kind).toBe('return');
        expectExactGas(module, generated, ample, ref.gas);
      }),
      { numRuns: RUNS },
    );
    // Most generated runs return; if the generator drifted into trapping, this property would test little.
    expect(returned).toBeGreaterThan(RUNS / 2);
  });

  it('loops checked at their plain `br` back edges: same results, exact oracle gas, used - 1 runs out of gas', () => {
    let plainLoops = 0;
    fc.assert(
      fc.property(arbitraryModule({ plainBackEdges: true }), (generated) => {
        const bytes = assembleModule(generated.text);
        if (/\n\s*if[^\n]*\n\s*br \d+\n\s*end/.test(generated.text)) plainLoops++;
        const raw = runRaw(bytes, generated);
        const module = new WebAssembly.Module(instrument(bytes).code);
        const ample = runMetered(module, generated, AMPLE_GAS);
        expect(comparable(ample)).toEqual(comparable(raw));
        expect(ample.error).toBe(raw.error);
        expect(ample.trapReason).toBe(TRAP_REASON.none);
        const ref = reference(bytes);
        if (ref.kind !== 'return' || !countedExactly(ref.gas)) return;
        expectExactGas(module, generated, ample, ref.gas);
      }),
      { numRuns: RUNS },
    );
    // The generator must actually produce plain back edges, or this property tests nothing new.
    expect(plainLoops).toBeGreaterThan(RUNS / 10);
  });

  it('counted loops (fast copy when the counter covers them): same results, exact oracle gas, used - 1 runs out', () => {
    let versioned = 0;
    let returned = 0;
    fc.assert(
      fc.property(arbitraryModule({ countedLoops: true }), (generated) => {
        const bytes = assembleModule(generated.text);
        const instrumented = instrument(bytes);
        versioned += instrumented.report.versionedLoops;
        const raw = runRaw(bytes, generated);
        const module = new WebAssembly.Module(instrumented.code);
        const ample = runMetered(module, generated, AMPLE_GAS);
        expect(comparable(ample)).toEqual(comparable(raw));
        expect(sameMemory(raw.memory, ample.memory)).toBe(true);
        expect(ample.error).toBe(raw.error);
        expect(ample.trapReason).toBe(TRAP_REASON.none);
        const ref = reference(bytes);
        if (ref.kind !== 'return' || !countedExactly(ref.gas)) return;
        returned++;
        expectExactGas(module, generated, ample, ref.gas);
      }),
      { numRuns: RUNS },
    );
    // The generator must produce loops metering versions, or this property tests nothing new.
    expect(versioned).toBeGreaterThan(RUNS / 2);
    expect(returned).toBeGreaterThan(RUNS / 4);
  });

  it('counted loops: under any gas limit, the same outcome, trap reason, memory and gas as without the fast copy', () => {
    let limited = 0;
    fc.assert(
      fc.property(
        arbitraryModule({ countedLoops: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (generated, fractions) => {
          const bytes = assembleModule(generated.text);
          const fast = instrument(bytes);
          if (fast.report.versionedLoops === 0) return;
          const fastModule = new WebAssembly.Module(fast.code);
          const plainModule = new WebAssembly.Module(instrument(bytes, { loopVersioning: false }).code);
          const used = AMPLE_GAS - runMetered(plainModule, generated, AMPLE_GAS).remaining;
          if (used >= AMPLE_GAS / 2n) return;
          // around the exact figure, and anywhere below it (where the loops' dispatch flips from fast to checked)
          const scale = 1_000_000;
          const limits = [
            used,
            used - 1n,
            used + 1n,
            0n,
            ...fractions.map((f) => (used * BigInt(Math.floor(f * scale))) / BigInt(scale)),
          ];
          for (const limit of limits.filter((l) => l >= 0n)) {
            const a = runMetered(fastModule, generated, limit);
            const b = runMetered(plainModule, generated, limit);
            expect({ ...comparable(a), reason: a.trapReason, remaining: a.remaining, error: a.error }).toEqual({
              ...comparable(b),
              reason: b.trapReason,
              remaining: b.remaining,
              error: b.error,
            });
            expect(sameMemory(a.memory, b.memory)).toBe(true);
            if (b.trapReason === TRAP_REASON.outOfGas) limited++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(limited).toBeGreaterThan(RUNS);
  });

  it('caps memory: without a declared maximum, memory.grow stops at maxMemoryPages like the oracle with that cap', () => {
    let capped = 0;
    fc.assert(
      fc.property(arbitraryModule({ noMemoryMax: true }), (generated) => {
        const bytes = assembleModule(generated.text);
        const cap = generated.memoryPages.min + 1;
        const ref = reference(bytes, { memoryCapPages: cap });
        const code = instrument(bytes, { limits: { maxMemoryPages: cap } }).code;
        const metered = runMetered(new WebAssembly.Module(code), generated, AMPLE_GAS);
        expect(comparable(metered)).toEqual({
          kind: ref.kind,
          values: ref.kind === 'return' ? ref.values : [],
          globals: referenceGlobals(ref, generated),
        });
        expect(sameMemory(metered.memory, ref.memory)).toBe(true);
        if (ref.kind === 'return' && countedExactly(ref.gas)) expect(AMPLE_GAS - metered.remaining).toBe(ref.gas);
        const raw = runRaw(bytes, generated);
        if (raw.memory.length > metered.memory.length) capped++;
      }),
      { numRuns: 200 },
    );
    // The cap must have mattered somewhere: raw V8, with no maximum, grew past it.
    expect(capped).toBeGreaterThan(0);
  });

  it('keeps the stack budget: the stack-limit trap comes exactly when SPEC.md frame costs pass maxStackUnits', () => {
    let limited = 0;
    fc.assert(
      fc.property(arbitraryModule(), fc.integer({ min: 8, max: 400 }), (generated, maxUnits) => {
        const bytes = assembleModule(generated.text);
        const ref = reference(bytes, {
          stackLimit: { maxUnits, extraUnitsPerFrame: INJECTED_SLOTS_PER_FRAME },
        });
        const code = instrument(bytes, { limits: { maxStackUnits: maxUnits } }).code;
        const metered = runMetered(new WebAssembly.Module(code), generated, AMPLE_GAS);
        const refLimited = ref.kind === 'trap' && ref.reason === 'stack limit';
        expect({ kind: metered.kind, stackLimit: metered.trapReason === TRAP_REASON.stackLimit }).toEqual({
          kind: ref.kind,
          stackLimit: refLimited,
        });
        if (ref.kind === 'return' && countedExactly(ref.gas)) expect(AMPLE_GAS - metered.remaining).toBe(ref.gas);
        if (refLimited) limited++;
      }),
      { numRuns: 300 },
    );
    expect(limited).toBeGreaterThan(10);
  });

  it('is deterministic: the same bytes instrument to byte-identical code and codeHash', () => {
    fc.assert(
      fc.property(arbitraryModule(), (generated) => {
        const bytes = assembleModule(generated.text);
        const first = instrument(bytes);
        const second = instrument(new Uint8Array(bytes));
        expect(Buffer.from(second.code).equals(Buffer.from(first.code))).toBe(true);
        expect(Buffer.from(second.codeHash).equals(Buffer.from(first.codeHash))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

/** Modules from binaryen's fuzzer (`wasm-opt --translate-to-fuzz`), generated at test time from fixed seed bytes. */
describe('metering on binaryen fuzz modules', () => {
  const FUZZ_MODULES = 8;
  const WASM_OPT = join(REPO_ROOT, 'node_modules/binaryen/bin/wasm-opt');
  const FEATURES = [
    '--mvp-features',
    '--enable-sign-ext',
    '--enable-bulk-memory',
    '--enable-mutable-globals',
    '--enable-multivalue',
  ];
  let dir: string;
  const modules: Uint8Array[] = [];

  /** xorshift32: deterministic input bytes for the fuzzer. */
  function seedBytes(seed: number, length: number): Uint8Array {
    let x = (seed * 2654435761) >>> 0 || 1;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gasket-fuzz-'));
    const run = promisify(execFile);
    const generated = await Promise.all(
      Array.from({ length: FUZZ_MODULES }, async (_, i) => {
        const input = join(dir, `seed${i}.bin`);
        const output = join(dir, `fuzz${i}.wasm`);
        await writeFile(input, seedBytes(i + 1, 2000 + 500 * i));
        await run(process.execPath, [WASM_OPT, input, '-ttf', ...FEATURES, '-o', output]);
        return new Uint8Array(await readFile(output));
      }),
    );
    modules.push(...generated);
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  type Call = { name: string; kind: 'return' | 'trap' | 'error'; value?: unknown; log: unknown[] };

  /** Instantiates `bytes` with the fuzzer's imports and calls every exported function once, in export order. */
  function exercise(bytes: Uint8Array, metered: boolean): { calls: Call[]; globals: unknown[]; memory?: Uint8Array } {
    const module = new WebAssembly.Module(bytes);
    let log: unknown[] = [];
    const imports: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind !== 'function') continue;
      const field = (imports[imp.module] ??= {});
      field[imp.name] = (...args: unknown[]) => {
        log.push([imp.name, ...args]);
        if (imp.name === 'sleep') return args[1];
        if (imp.name === 'call-export-catch') return 0;
        return undefined;
      };
    }
    const calls: Call[] = [];
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(module, imports);
    } catch (error) {
      return { calls: [{ name: '(instantiate)', kind: 'trap', value: String(error).split(':')[0], log }], globals: [] };
    }
    const exports = instance.exports as Record<string, unknown>;
    const gas = exports[METERING_EXPORTS.gas] as WebAssembly.Global | undefined;
    const stack = exports[METERING_EXPORTS.stack] as WebAssembly.Global | undefined;
    const trap = exports[METERING_EXPORTS.trap] as WebAssembly.Global | undefined;
    for (const exp of WebAssembly.Module.exports(module)) {
      if (exp.kind !== 'function' || exp.name.startsWith('__gasket')) continue;
      if (metered) {
        gas!.value = AMPLE_GAS;
        stack!.value = 0;
        trap!.value = 0;
      }
      log = [];
      try {
        const value = (exports[exp.name] as () => unknown)();
        calls.push({ name: exp.name, kind: 'return', value, log });
      } catch (error) {
        const kind = error instanceof WebAssembly.RuntimeError || error instanceof RangeError ? 'trap' : 'error';
        calls.push({ name: exp.name, kind, value: kind === 'error' ? String(error) : undefined, log });
        // The stack limit is deliberately below V8's own: past it the two instances' states may differ.
        if (metered && trap!.value === TRAP_REASON.stackLimit) {
          calls.push({ name: exp.name, kind: 'error', value: 'stack limit', log: [] });
          break;
        }
      }
    }
    const globals = WebAssembly.Module.exports(module)
      .filter((exp) => exp.kind === 'global' && !exp.name.startsWith('__gasket'))
      .map((exp) => (exports[exp.name] as WebAssembly.Global).value);
    const memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory) as
      | WebAssembly.Memory
      | undefined;
    return { calls, globals, memory: memory ? new Uint8Array(memory.buffer).slice() : undefined };
  }

  it('every export returns the same values (or traps) raw and instrumented in tooling mode', () => {
    expect(modules).toHaveLength(FUZZ_MODULES);
    let compared = 0;
    for (const bytes of modules) {
      const { code } = instrument(bytes, { tooling: true, initialGas: AMPLE_GAS, limits: { maxMemoryPages: 65_536 } });
      const raw = exercise(bytes, false);
      const metered = exercise(code, true);
      const stopped = metered.calls.findIndex((c) => c.value === 'stack limit');
      if (stopped >= 0) {
        expect(metered.calls.slice(0, stopped - 1)).toEqual(raw.calls.slice(0, stopped - 1));
        continue;
      }
      expect(metered.calls).toEqual(raw.calls);
      expect(metered.globals).toEqual(raw.globals);
      expect(metered.memory?.length).toBe(raw.memory?.length);
      if (metered.memory && raw.memory) expect(Buffer.from(metered.memory).equals(Buffer.from(raw.memory))).toBe(true);
      compared += raw.calls.length;
    }
    expect(compared).toBeGreaterThan(FUZZ_MODULES);
  });
});
