/**
 * The reference engine: the VM's engine interface (../engine.ts) over the reference interpreter, so that the same
 * instrumented contract, host ABI, call frames and state run on a second executor that shares no code with V8.
 * Differential tests run a transaction sequence on both and expect the same results, gas, traps and state roots.
 * It counts no gas of its own: the instrumented code does, exactly as under V8. Slow (an interpreter with bigint
 * i64 arithmetic), and meant for tests only.
 * @module
 */
import type { EngineInstance, EngineModule, WasmEngine } from '../engine.js';
import { decodeModule, type RefModule, type ValType } from './decode.js';
import { type HostFunction, ReferenceMachine, ReferenceTrap, type RefValue } from './interpreter.js';

type ReferenceModule = EngineModule & { readonly decoded: RefModule };

const EXPORT_FUNCTION = 0;
const EXPORT_MEMORY = 2;
const EXPORT_GLOBAL = 3;

/** Far above any stack budget metering allows: the injected stack limit traps first, as under V8. */
const MAX_CALL_DEPTH = 1_000_000;

export const referenceEngine: WasmEngine<ReferenceModule> = Object.freeze({
  name: 'reference',
  compile(code: Uint8Array): ReferenceModule {
    const decoded = decodeModule(code);
    const functionExports = [...decoded.exports].filter(([, exp]) => exp.kind === EXPORT_FUNCTION).map(([n]) => n);
    return { decoded, functionExports };
  },
  instantiate(module: ReferenceModule, imports: WebAssembly.Imports): EngineInstance {
    const decoded = module.decoded;
    const hostFunctions: Record<string, Record<string, HostFunction>> = {};
    for (const imp of decoded.imports) {
      const fn = imports[imp.module]?.[imp.name];
      if (typeof fn !== 'function') throw new WebAssembly.LinkError(`import ${imp.module}.${imp.name} is missing`);
      const result = imp.type.results[0];
      (hostFunctions[imp.module] ??= {})[imp.name] = (args) => {
        const value = (fn as (...a: RefValue[]) => unknown)(...args);
        return result === undefined ? [] : [coerce(value, result)];
      };
    }
    const machine = new ReferenceMachine(decoded, {
      imports: hostFunctions,
      maxCallDepth: MAX_CALL_DEPTH,
      maxSteps: Number.POSITIVE_INFINITY,
    });
    trapsAsRuntimeErrors(() => machine.instantiate());
    const exports: Record<string, unknown> = {};
    for (const [name, exp] of decoded.exports) {
      if (exp.kind === EXPORT_FUNCTION) {
        exports[name] = (...args: RefValue[]) => {
          const results = trapsAsRuntimeErrors(() => machine.invoke(exp.index, args));
          return results[0];
        };
      } else if (exp.kind === EXPORT_MEMORY) {
        exports[name] = {
          get buffer(): ArrayBuffer {
            return machine.mem.buffer as ArrayBuffer;
          },
        };
      } else if (exp.kind === EXPORT_GLOBAL) {
        const type = decoded.globals[exp.index]!.type;
        exports[name] = {
          get value(): RefValue {
            return machine.globals[exp.index]!;
          },
          set value(v: RefValue) {
            machine.globals[exp.index] = coerce(v, type);
          },
        };
      }
    }
    return { exports };
  },
});

/** What V8 does to a JS value passed to wasm: ToInt32 for i32, BigInt wrapping for i64. */
function coerce(value: unknown, type: ValType): RefValue {
  return type === 'i32' ? Number(value) | 0 : BigInt.asIntN(64, value as bigint);
}

function trapsAsRuntimeErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ReferenceTrap) throw new WebAssembly.RuntimeError(error.message);
    throw error;
  }
}
