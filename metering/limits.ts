/**
 * Structural limits a contract must respect, checked on the raw bytes before any deeper work, so no input can
 * make the rewriter (or V8 after it) do unbounded work. Defaults sit in the range NEAR and CosmWasm use; see
 * metering/SPEC.md for the table and the peers' figures.
 * @module
 */

export type MeteringLimits = {
  readonly maxModuleBytes: number;
  readonly maxFunctions: number;
  readonly maxTypes: number;
  readonly maxImports: number;
  readonly maxExports: number;
  readonly maxParams: number;
  readonly maxResults: number;
  readonly maxLocalsPerFunction: number;
  readonly maxTableSize: number;
  readonly maxGlobals: number;
  readonly maxDataSegments: number;
  readonly maxElementSegments: number;
  readonly maxNestingDepth: number;
  readonly maxBrTableTargets: number;
  /**
   * Memory cap in 64 KiB pages: the module's maximum is clamped to it. 64 pages (4 MiB, since issue 12; it was
   * 256): random loads over 16 MiB miss the caches and ran 4x slower per gas than the median honest workload,
   * over 4 MiB within 10 % of loads that hit (docs/gas-calibration.md).
   */
  readonly maxMemoryPages: number;
  /** Stack budget in frame-cost units (see SPEC.md, Stack limit). */
  readonly maxStackUnits: number;
};

/**
 * Version 1 (session 1): a 256-page (16 MiB) memory cap. Limits decide which contracts deploy and, through the
 * memory cap, the instrumented code (and so its hash): a change is a new version, and old ones stay frozen.
 */
export const LIMITS_V1: MeteringLimits = Object.freeze({
  maxModuleBytes: 2 * 1024 * 1024,
  maxFunctions: 20_000,
  maxTypes: 1_000,
  maxImports: 100,
  maxExports: 1_000,
  maxParams: 100,
  maxResults: 8,
  maxLocalsPerFunction: 4_096,
  maxTableSize: 2_500,
  maxGlobals: 1_000,
  maxDataSegments: 1_000,
  maxElementSegments: 1_000,
  maxNestingDepth: 1_024,
  maxBrTableTargets: 4_096,
  maxMemoryPages: 256,
  maxStackUnits: 32_768,
});

/** Version 2 (issue 12): the memory cap lowered to 64 pages (4 MiB); everything else as version 1. */
export const LIMITS_V2: MeteringLimits = Object.freeze({ ...LIMITS_V1, maxMemoryPages: 64 });

/** The limits new deployments are checked and instrumented against, and their version. */
export const DEFAULT_LIMITS: MeteringLimits = LIMITS_V2;
export const LIMITS_VERSION: number = 2;

/** Every published version of the limits, by number. */
export const LIMITS_BY_VERSION: Readonly<Record<number, MeteringLimits>> = Object.freeze({
  1: LIMITS_V1,
  2: LIMITS_V2,
});

/** Units every frame costs besides its params, locals and operand stack (return address, frame pointer, ...). */
export const FRAME_BASE_UNITS = 4;
