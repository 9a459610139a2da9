/**
 * The one error base class of Gasket. Every error a user or a program can meet is a subclass with a stable
 * string `code` (for example `'FLOAT'` or `'OUT_OF_GAS'`): programs match on `code`, people read `message`.
 *
 * This file sits at the root because every folder, leaves included (metering/ and state/, which may import
 * nothing of each other), throws errors of this one family. It imports nothing and holds nothing else.
 * @module
 */

export type GasketErrorOptions = {
  /** Extra lines a person can act on: where it happened, what to change. */
  details?: string;
  /** The lower-level error this one explains. */
  cause?: unknown;
};

export class GasketError extends Error {
  override name = 'GasketError';
  /** Stable, machine-matchable identifier; never changes meaning once published. */
  readonly code: string;
  /** The message without details, for one-line displays. */
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(code: string, shortMessage: string, options: GasketErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage, { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }

  /** A plain object for JSON output (CLI `--json`, RPC error data). */
  toJSON(): { name: string; code: string; message: string; details?: string } {
    const json: { name: string; code: string; message: string; details?: string } = {
      name: this.name,
      code: this.code,
      message: this.shortMessage,
    };
    if (this.details !== undefined) json.details = this.details;
    return json;
  }
}

/** True for a Gasket error, optionally of one code. */
export function isGasketError(value: unknown, code?: string): value is GasketError {
  return value instanceof GasketError && (code === undefined || value.code === code);
}
