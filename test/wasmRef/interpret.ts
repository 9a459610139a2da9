/**
 * The metering oracle: vm/'s reference interpreter run on an ORIGINAL (uninstrumented) module with the oracle's own
 * weight table (./weights.ts) and frame costs (./stackHeight.ts), both written from SPEC.md rather than taken from
 * metering/. SPEC.md's consequence is that an execution of the instrumented module that returns uses exactly the
 * gas counted here, which the property tests check.
 * @module
 */
import {
  decodeReferenceModule,
  ReferenceMachine,
  type RefModule,
  type RefOptions,
  type RefRun,
  type RefValue,
} from '../../vm/index.js';
import { specFrameCost } from './stackHeight.js';
import {
  REF_BULK_PER_BYTE,
  REF_MEMORY_GROW_PER_CURRENT_PAGE,
  REF_MEMORY_GROW_PER_PAGE,
  REF_WEIGHTS,
  refClassOf,
  refLoadWeight,
} from './weights.js';

export type { HostFunction, RefOutcome, RefRun, RefValue } from '../../vm/index.js';

export type OracleOptions = Omit<RefOptions, 'gas' | 'stackLimit'> & {
  /** SPEC.md's stack limit, with the oracle's frame costs. */
  readonly stackLimit?: { readonly maxUnits: number; readonly extraUnitsPerFrame?: number };
};

const oracleGasByLoadWeight = new Map<number, RefOptions['gas']>();

/** The oracle's gas model for a module whose memory can reach `pages` pages (loads are priced by it). */
function oracleGas(pages: number): RefOptions['gas'] {
  const load = refLoadWeight(pages);
  let gas = oracleGasByLoadWeight.get(load);
  if (!gas) {
    const weights = { ...REF_WEIGHTS, load };
    gas = Object.freeze({
      weightOf: (opcode: number) => weights[refClassOf(opcode)],
      memoryGrowPerPage: REF_MEMORY_GROW_PER_PAGE,
      memoryGrowPerCurrentPage: REF_MEMORY_GROW_PER_CURRENT_PAGE,
      bulkPerByte: REF_BULK_PER_BYTE,
    });
    oracleGasByLoadWeight.set(load, gas);
  }
  return gas;
}

/**
 * Runs export `name` of a fresh instance of `wasm` (bytes, or a module decoded once to run many times) with
 * `args`, counting gas as SPEC.md defines it. Throws `Unsupported` for modules outside the subset.
 */
export function runReference(
  wasm: Uint8Array | RefModule,
  name: string,
  args: readonly RefValue[] = [],
  options: OracleOptions = {},
): RefRun {
  const module = wasm instanceof Uint8Array ? decodeReferenceModule(wasm) : wasm;
  const stackLimit = options.stackLimit && { ...options.stackLimit, frameCost: specFrameCost };
  // SPEC.md: the memory a load can reach is the declared maximum (none: 65,536 pages) under the cap.
  const reachablePages = module.memory ? Math.min(module.memory.max ?? 65_536, options.memoryCapPages ?? 65_536) : 0;
  return new ReferenceMachine(module, { ...options, gas: oracleGas(reachablePages), stackLimit }).run(name, args);
}
