/**
 * Errors of state/: every failure a caller can meet is a {@link GasketError} subclass with a stable `code`.
 *
 * Database errors name the path and the format versions involved, so a person knows which directory to move
 * or which Gasket to upgrade; the store never rewrites a database it did not create or cannot read.
 * @module
 */
import { GasketError, type GasketErrorOptions } from '../errors.js';

/** Base of every state/ error; `code` starts with `STATE_`. */
export class StateError extends GasketError {
  override name = 'StateError';
}

/** No database at the path, and `create` was not asked for. */
export class StateDbMissingError extends StateError {
  override name = 'StateDbMissingError';
  constructor(path: string, options: GasketErrorOptions = {}) {
    super('STATE_DB_MISSING', `No Gasket state database at ${path}`, {
      details: options.details ?? 'Pass create: true (or start the devnet with a fresh data directory) to create one.',
      cause: options.cause,
    });
  }
}

/** The path holds something that is not a Gasket state database; it is left untouched. */
export class StateDbForeignError extends StateError {
  override name = 'StateDbForeignError';
  constructor(path: string, what: string, options: GasketErrorOptions = {}) {
    super('STATE_DB_FOREIGN', `${path} is not a Gasket state database (${what}); it was left untouched`, {
      details: options.details ?? 'Point Gasket at an empty or new directory, or move the existing files away.',
      cause: options.cause,
    });
  }
}

/** The database was written with a format version this Gasket cannot read (usually a newer one). */
export class StateDbFormatError extends StateError {
  override name = 'StateDbFormatError';
  readonly found: number;
  readonly supported: number;
  constructor(path: string, found: number, supported: number) {
    super(
      'STATE_DB_FORMAT',
      `State database ${path} has format version ${found}; this Gasket reads format version ${supported}`,
      {
        details:
          found > supported
            ? 'The database was written by a newer Gasket: upgrade Gasket to open it. It was left untouched.'
            : 'The database format is not supported by this Gasket. It was left untouched.',
      },
    );
    this.found = found;
    this.supported = supported;
  }
}

/** The database is damaged: a record the format requires is missing or malformed. */
export class StateDbCorruptError extends StateError {
  override name = 'StateDbCorruptError';
  constructor(path: string, what: string) {
    super('STATE_DB_CORRUPT', `State database ${path} is damaged: ${what}`, {
      details: 'Restore the directory from a backup or start from a fresh one.',
    });
  }
}

/** Another process (or another store in this process) holds the database lock. */
export class StateDbLockedError extends StateError {
  override name = 'StateDbLockedError';
  constructor(path: string, cause?: unknown) {
    super('STATE_DB_LOCKED', `State database ${path} is locked by another process or store`, {
      details: 'Close the other Gasket using this directory, or use another data directory.',
      cause,
    });
  }
}

/**
 * A block's batch could not be written (disk full, I/O error, the database closed under it). The blocks from that
 * one on exist only in memory and the store accepts no more: reopen it to continue from the last block written.
 */
export class StateWriteError extends StateError {
  override name = 'StateWriteError';
  readonly version: bigint;
  constructor(path: string, version: number, cause: unknown) {
    super('STATE_WRITE_FAILED', `Block ${version} could not be written to state database ${path}`, {
      details: `The state is lost from block ${version} on; reopen the store to continue from the last block written (${String(cause)}).`,
      cause,
    });
    this.version = BigInt(version);
  }
}

/** A version that was never committed, or that `prune` has removed. */
export class StateVersionError extends StateError {
  override name = 'StateVersionError';
  constructor(code: 'STATE_VERSION_UNKNOWN' | 'STATE_VERSION_PRUNED', message: string, details?: string) {
    super(code, message, details === undefined ? {} : { details });
  }
}

/** A call that does not fit the store's current state: checkpoints open at block commit, writes while committing, a closed store. */
export class StateUsageError extends StateError {
  override name = 'StateUsageError';
  constructor(
    code: 'STATE_OPEN_CHECKPOINT' | 'STATE_NO_CHECKPOINT' | 'STATE_BUSY' | 'STATE_CLOSED',
    message: string,
    details?: string,
  ) {
    super(code, message, details === undefined ? {} : { details });
  }
}

/** A key, value, address or option outside what the store accepts. */
export class StateInputError extends StateError {
  override name = 'StateInputError';
  constructor(message: string, details?: string) {
    super('STATE_INPUT', message, details === undefined ? {} : { details });
  }
}
