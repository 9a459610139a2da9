/**
 * Errors of metering/: every rejection of a contract is a `MeteringError` with a stable `code` and a `location`
 * (function index and name where known, instruction offset and operation) that a contract author can act on.
 * @module
 */
import { GasketError } from '../errors.js';

export type MeteringErrorCode =
  | 'MALFORMED'
  | 'FLOAT'
  | 'SIMD'
  | 'ATOMICS'
  | 'FEATURE'
  | 'START'
  | 'IMPORT'
  | 'NO_MEMORY'
  | 'RESERVED'
  | 'LIMIT'
  | 'INTERNAL';

export type MeteringLocation = {
  /** Section where the problem is (`code`, `import`, `memory`, ...). */
  section?: string;
  /** Function index in the module's function index space. */
  functionIndex?: number;
  /** Function name from the export section, where the function is exported. */
  functionName?: string;
  /** Byte offset of the instruction in the original module. */
  offset?: number;
  /** The offending operation or item, e.g. `f64.add`, `memory64`, `import env.foo`. */
  operation?: string;
};

export class MeteringError extends GasketError {
  override name = 'MeteringError';
  declare readonly code: MeteringErrorCode;
  readonly location: MeteringLocation;

  constructor(code: MeteringErrorCode, message: string, location: MeteringLocation = {}, cause?: unknown) {
    super(code, message, { details: describeLocation(location), cause });
    this.location = location;
  }
}

function describeLocation(location: MeteringLocation): string | undefined {
  const parts: string[] = [];
  if (location.functionIndex !== undefined) {
    parts.push(
      `in function ${location.functionIndex}${location.functionName ? ` (${JSON.stringify(location.functionName)})` : ''}`,
    );
  } else if (location.section) {
    parts.push(`in the ${location.section} section`);
  }
  if (location.operation) parts.push(`at ${location.operation}`);
  if (location.offset !== undefined) parts.push(`(byte offset 0x${location.offset.toString(16)})`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
