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
} from './weights.js';

export type { HostFunction, RefOutcome, RefRun, RefValue } from '../../vm/index.js';

export type OracleOptions = Omit<RefOptions, 'gas' | 'stackLimit'> & {
  /** SPEC.md's stack limit, with the oracle's frame costs. */
  readonly stackLimit?: { readonly maxUnits: number; readonly extraUnitsPerFrame?: number };
};

const ORACLE_GAS = Object.freeze({
  weightOf: (opcode: number) => REF_WEIGHTS[refClassOf(opcode)],
  memoryGrowPerPage: REF_MEMORY_GROW_PER_PAGE,
  memoryGrowPerCurrentPage: REF_MEMORY_GROW_PER_CURRENT_PAGE,
  bulkPerByte: REF_BULK_PER_BYTE,
});

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
  return new ReferenceMachine(module, { ...options, gas: ORACLE_GAS, stackLimit }).run(name, args);
}
