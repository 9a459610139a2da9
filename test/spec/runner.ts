/**
 * Runs a parsed WebAssembly script twice over: once in a raw world (the modules as written, a control that checks
 * the runner itself against V8) and once in an instrumented world (every module through `instrument` in tooling
 * mode with ample gas), each world with its own `spectest` host module, registry and instances. Every assertion is
 * checked in both; failures of the instrumented world are metering's, failures of the raw world are the runner's.
 * Invalid and malformed modules must make `instrument` throw a `MeteringError` with code MALFORMED.
 * @module
 */
import { type InstrumentOptions, instrument, METERING_EXPORTS, MeteringError } from '../../metering/index.js';
import { describe, describeActual, type Expected, matches, toJs } from './values.js';
import type { Action, AssertionType, Command, ModuleSource } from './wast.js';

/** The text-to-binary half of the `wabt` package, as far as the runner uses it. */
export type Wabt = {
  parseWat(
    filename: string,
    buffer: Uint8Array,
    features: Record<string, boolean>,
  ): {
    resolveNames(): void;
    toBinary(options: Record<string, boolean>): { buffer: Uint8Array };
    destroy(): void;
  };
};

/** Wasm 2.0 features the script files use. */
export const WABT_FEATURES: Readonly<Record<string, boolean>> = Object.freeze({
  bulk_memory: true,
  sign_extension: true,
  mutable_globals: true,
  multi_value: true,
  reference_types: true,
  sat_float_to_int: true,
});

/** Ample gas: no assertion of the suite may run out. */
export const SPEC_INITIAL_GAS = 10n ** 15n;

/** Tooling mode, ample gas, structural limits relaxed; the stack budget stays the default (assert_exhaustion). */
export const SPEC_INSTRUMENT_OPTIONS: InstrumentOptions = Object.freeze({
  tooling: true,
  initialGas: SPEC_INITIAL_GAS,
  limits: Object.freeze({
    maxModuleBytes: 64 * 1024 * 1024,
    maxFunctions: 1_000_000,
    maxTypes: 1_000_000,
    maxImports: 1_000_000,
    maxExports: 1_000_000,
    maxParams: 1_000,
    maxResults: 1_000,
    maxLocalsPerFunction: 1_000_000,
    maxTableSize: 10_000_000,
    maxGlobals: 1_000_000,
    maxDataSegments: 1_000_000,
    maxElementSegments: 1_000_000,
    maxNestingDepth: 1_000_000,
    maxBrTableTargets: 1_000_000,
    maxMemoryPages: 65_536,
  }),
});

/** What a trap of the instrumented code itself records in `__gasket_trap` for the stack limit. */
const STACK_LIMIT_REASON = 2;

export type Check = AssertionType | 'module' | 'action';
export type WorldName = 'raw' | 'instrumented';

export type Failure = {
  readonly file: string;
  readonly line: number;
  readonly check: Check;
  readonly world: WorldName;
  /**
   * `spec`: the script's expectation is not met; `differential`: the instrumented outcome differs from the raw one;
   * `metering`: a metering invariant broke (the stack budget not back to 0 after a call that returned).
   */
  readonly kind: 'spec' | 'differential' | 'metering';
  readonly message: string;
};

/** `passed` counts checks that passed in the instrumented world; `waived` ones the JS API cannot express. */
export type Tally = { run: number; passed: number; waived: number };

export type FileResult = {
  readonly file: string;
  /** Checks per kind. */
  readonly counts: Partial<Record<Check, Tally>>;
  readonly failures: Failure[];
  /** Invalid or malformed text modules wabt itself refused: no binary to give to `instrument`. */
  readonly textRejected: number[];
  /** Invalid or malformed text modules for which wabt produced bytes V8 validates: not applicable to metering. */
  readonly textAccepted: number[];
  /** Invalid or malformed binaries given to `instrument` (each had to throw MALFORMED). */
  instrumentRejections: number;
  /** Spec-check failures on waived lines. */
  readonly waived: Failure[];
  /** Gas the instrumented world's successful actions used, summed: evidence the modules were metered. */
  gasUsed: bigint;
};

type Meters = { gas: WebAssembly.Global; stack: WebAssembly.Global; trap: WebAssembly.Global };

function spectest(): Record<string, WebAssembly.ImportValue> {
  const print = () => {};
  return {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
    global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
    global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
    global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
    table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  };
}

class World {
  private readonly registry = new Map<string, Record<string, unknown>>([['spectest', spectest()]]);
  private readonly named = new Map<string, WebAssembly.Instance | Error>();
  private current: WebAssembly.Instance | Error = new Error('no module defined yet');
  private readonly meters: Meters[] = [];
  private readonly metersOf = new WeakMap<WebAssembly.Instance, Meters>();
  /** Gas used by the last successful action of the instrumented world, read from the invoked instance. */
  lastGasUsed = 0n;

  constructor(readonly name: WorldName) {}

  /** Instruments (in the instrumented world), compiles and instantiates; throws what any step throws. */
  instantiate(bytes: Uint8Array): WebAssembly.Instance {
    const code = this.name === 'instrumented' ? instrument(bytes, SPEC_INSTRUMENT_OPTIONS).code : bytes;
    const module = new WebAssembly.Module(code);
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      imports[imp.module] ??= this.registry.get(imp.module) ?? {};
    }
    this.resetMeters();
    const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
    if (this.name === 'instrumented') {
      const exports = instance.exports;
      const meters: Meters = {
        gas: exports[METERING_EXPORTS.gas] as WebAssembly.Global,
        stack: exports[METERING_EXPORTS.stack] as WebAssembly.Global,
        trap: exports[METERING_EXPORTS.trap] as WebAssembly.Global,
      };
      this.meters.push(meters);
      this.metersOf.set(instance, meters);
    }
    return instance;
  }

  define(name: string | undefined, instance: WebAssembly.Instance | Error): void {
    this.current = instance;
    if (name) this.named.set(name, instance);
  }

  register(as: string, name: string | undefined): void {
    const instance = this.instance(name);
    this.registry.set(as, instance.exports);
  }

  private instance(name: string | undefined): WebAssembly.Instance {
    const instance = name ? this.named.get(name) : this.current;
    if (instance === undefined) throw new Error(`no module ${name}`);
    if (instance instanceof Error) throw new Error(`the module failed to load: ${instance.message}`);
    return instance;
  }

  /** Before every action: ample gas, an empty stack and no trap reason, in every instance (calls cross them). */
  private resetMeters(): void {
    for (const m of this.meters) {
      m.gas.value = SPEC_INITIAL_GAS;
      m.stack.value = 0;
      m.trap.value = 0;
    }
  }

  /** Trap reasons the instrumented code recorded in any instance since the last reset. */
  trapReasons(): number[] {
    return this.meters.map((m) => m.trap.value as number).filter((reason) => reason !== 0);
  }

  /** Stack units still counted in any instance: 0 after every call that returned (each exit gives its frame back). */
  stackInUse(): number[] {
    return this.meters.map((m) => m.stack.value as number).filter((units) => units !== 0);
  }

  /** Runs an action; a throw is returned, not thrown (only a missing instance or export throws). */
  perform(action: Action): Outcome {
    const instance = this.instance(action.module);
    const exports = instance.exports;
    const target = exports[action.field];
    if (action.type === 'get') {
      if (!(target instanceof WebAssembly.Global)) throw new Error(`no global export "${action.field}"`);
      this.lastGasUsed = 0n;
      return { ok: true, values: [target.value] };
    }
    if (typeof target !== 'function') throw new Error(`no function export "${action.field}"`);
    this.resetMeters();
    try {
      const result: unknown = target(...action.args.map(toJs));
      const meters = this.metersOf.get(instance);
      this.lastGasUsed = meters ? SPEC_INITIAL_GAS - (meters.gas.value as bigint) : 0n;
      return { ok: true, values: result === undefined ? [] : Array.isArray(result) ? result : [result] };
    } catch (error) {
      return { ok: false, error };
    }
  }
}

function errorText(error: unknown): string {
  if (error instanceof MeteringError) return `MeteringError ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Turns a module of the script into bytes; throws when wabt refuses the text. */
export function moduleBytes(wabt: Wabt, source: ModuleSource, filename: string): Uint8Array {
  if (source.kind === 'binary') return source.bytes;
  const parsed = wabt.parseWat(filename, new TextEncoder().encode(source.text), { ...WABT_FEATURES });
  try {
    parsed.resolveNames();
    return parsed.toBinary({}).buffer.slice();
  } finally {
    parsed.destroy();
  }
}

/**
 * Runs one script; never throws for a failing assertion (it is recorded). A spec-check failure on a `waived` line
 * (an assertion the JS API cannot express) is recorded in `waived`, not `failures`; differential checks still apply.
 */
export function runScript(
  wabt: Wabt,
  file: string,
  commands: readonly Command[],
  waived: ReadonlySet<number> = new Set(),
): FileResult {
  const result: FileResult = {
    file,
    counts: {},
    failures: [],
    textRejected: [],
    textAccepted: [],
    waived: [],
    instrumentRejections: 0,
    gasUsed: 0n,
  };
  const worlds = [new World('raw'), new World('instrumented')] as const;

  for (const command of commands) {
    const { line } = command;
    if (command.type === 'register') {
      for (const world of worlds) {
        try {
          world.register(command.as, command.name);
        } catch {
          // the failure was recorded when the module failed to load
        }
      }
      continue;
    }

    const tally = (result.counts[command.type] ??= { run: 0, passed: 0, waived: 0 });
    tally.run++;
    let instrumentedPassed = true;
    let isWaived = false;
    const fail = (world: WorldName, message: string, kind: Failure['kind'] = 'spec') => {
      const failure: Failure = { file, line, check: command.type, world, kind, message };
      if (kind === 'spec' && waived.has(line)) {
        result.waived.push(failure);
        isWaived = true;
        return;
      }
      result.failures.push(failure);
      if (world === 'instrumented') instrumentedPassed = false;
    };

    switch (command.type) {
      case 'module':
      case 'assert_unlinkable':
      case 'assert_uninstantiable': {
        let bytes: Uint8Array;
        try {
          bytes = moduleBytes(wabt, command.module, `${file}:${line}`);
        } catch (error) {
          fail('raw', `wabt could not convert the module: ${errorText(error)}`);
          fail('instrumented', 'no binary (see raw)');
          if (command.type === 'module') {
            for (const world of worlds) world.define(command.module.name, new Error('wabt could not convert it'));
          }
          break;
        }
        for (const world of worlds) {
          let instance: WebAssembly.Instance | Error;
          try {
            instance = world.instantiate(bytes);
          } catch (error) {
            instance = error instanceof Error ? error : new Error(String(error));
          }
          if (command.type === 'module') {
            world.define(command.module.name, instance);
            if (instance instanceof Error) fail(world.name, `the module does not load: ${errorText(instance)}`);
          } else {
            const expected = command.type === 'assert_unlinkable' ? WebAssembly.LinkError : WebAssembly.RuntimeError;
            if (!(instance instanceof expected)) {
              fail(world.name, `expected ${expected.name} (${command.message}), got ${errorText(instance)}`);
            }
          }
        }
        break;
      }

      case 'assert_invalid':
      case 'assert_malformed': {
        let bytes: Uint8Array;
        try {
          bytes = moduleBytes(wabt, command.module, `${file}:${line}`);
        } catch {
          result.textRejected.push(line);
          break;
        }
        if (WebAssembly.validate(bytes)) {
          result.textAccepted.push(line);
          break;
        }
        result.instrumentRejections++;
        try {
          instrument(bytes, SPEC_INSTRUMENT_OPTIONS);
          fail('instrumented', `instrument accepted a module V8 rejects (${command.message})`);
        } catch (error) {
          if (!(error instanceof MeteringError && error.code === 'MALFORMED')) {
            fail('instrumented', `expected MeteringError MALFORMED (${command.message}), got ${errorText(error)}`);
          }
        }
        break;
      }

      case 'action':
      case 'assert_return':
      case 'assert_trap':
      case 'assert_exhaustion': {
        const outcomes: Outcome[] = [];
        for (const world of worlds) {
          let outcome: Outcome;
          try {
            outcome = world.perform(command.action);
          } catch (error) {
            fail(world.name, errorText(error));
            continue;
          }
          outcomes.push(outcome);
          const reasons = world.trapReasons();
          const message = checkOutcome(command, world.name, outcome, reasons);
          if (message) fail(world.name, message);
          if (world.name === 'instrumented' && outcome.ok) {
            result.gasUsed += world.lastGasUsed;
            const left = world.stackInUse();
            if (left.length > 0)
              fail(world.name, `__gasket_stack is ${left.join(',')} after the call returned`, 'metering');
          }
        }
        const [raw, metered] = outcomes;
        if (raw && metered && command.type !== 'assert_exhaustion') {
          const difference = differ(raw, metered);
          if (difference) fail('instrumented', `differs from the raw module: ${difference}`, 'differential');
        }
        break;
      }
    }
    if (!instrumentedPassed) continue;
    if (isWaived) tally.waived++;
    else tally.passed++;
  }
  return result;
}

type Outcome = { ok: true; values: unknown[] } | { ok: false; error: unknown };

function sameValue(a: unknown, b: unknown): boolean {
  // Function references come from different instances in the two worlds.
  return typeof a === 'function' ? typeof b === 'function' : Object.is(a, b);
}

/** How the instrumented outcome differs from the raw one (same values, or the same error class and message). */
function differ(raw: Outcome, metered: Outcome): string | undefined {
  const show = (o: Outcome) => (o.ok ? `[${o.values.map(describeActual).join(', ')}]` : errorText(o.error));
  if (raw.ok && metered.ok) {
    const same =
      raw.values.length === metered.values.length && raw.values.every((v, i) => sameValue(v, metered.values[i]));
    return same ? undefined : `raw ${show(raw)}, instrumented ${show(metered)}`;
  }
  if (!raw.ok && !metered.ok && errorText(raw.error) === errorText(metered.error)) return undefined;
  return `raw ${show(raw)}, instrumented ${show(metered)}`;
}

/** The failure message of an action's outcome, or undefined when it is what the command expects. */
function checkOutcome(
  command: Command & { type: 'action' | 'assert_return' | 'assert_trap' | 'assert_exhaustion' },
  world: WorldName,
  outcome: Outcome,
  reasons: number[],
): string | undefined {
  const got = outcome.ok ? `[${outcome.values.map(describeActual).join(', ')}]` : errorText(outcome.error);
  const reasonText = reasons.length > 0 ? ` (__gasket_trap ${reasons.join(',')})` : '';
  switch (command.type) {
    case 'action':
      return outcome.ok ? undefined : `the action threw ${got}${reasonText}`;
    case 'assert_return': {
      const expected: readonly Expected[] = command.expected;
      const want = `[${expected.map(describe).join(', ')}]`;
      if (!outcome.ok) return `expected ${want}, threw ${got}${reasonText}`;
      const ok = outcome.values.length === expected.length && expected.every((e, i) => matches(e, outcome.values[i]));
      return ok ? undefined : `expected ${want}, got ${got}`;
    }
    case 'assert_trap': {
      if (outcome.ok) return `expected a trap (${command.message}), got ${got}`;
      if (!(outcome.error instanceof WebAssembly.RuntimeError)) {
        return `expected a RuntimeError (${command.message}), got ${got}`;
      }
      if (reasons.length > 0) return `expected a trap (${command.message}), the metering trapped${reasonText}: ${got}`;
      return undefined;
    }
    case 'assert_exhaustion': {
      if (outcome.ok) return `expected call stack exhaustion, got ${got}`;
      if (world === 'raw') {
        return outcome.error instanceof RangeError ? undefined : `expected V8's RangeError, got ${got}`;
      }
      if (!(outcome.error instanceof WebAssembly.RuntimeError) || !reasons.includes(STACK_LIMIT_REASON)) {
        return `expected the stack limit's trap (__gasket_trap ${STACK_LIMIT_REASON}), got ${got}${reasonText}`;
      }
      return undefined;
    }
  }
}
