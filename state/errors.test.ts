import { describe, expect, it } from 'vitest';
import {
  StateDbCorruptError,
  StateDbForeignError,
  StateDbFormatError,
  StateDbLockedError,
  StateDbMissingError,
  StateError,
  StateInputError,
  StateUsageError,
  StateVersionError,
} from './index.js';

describe('state errors', () => {
  it('have stable codes and actionable messages', () => {
    const errors = [
      new StateDbMissingError('/data/state'),
      new StateDbForeignError('/data/state', 'a non-empty directory without a LevelDB database'),
      new StateDbFormatError('/data/state', 2, 1),
      new StateDbCorruptError('/data/state', 'block record 7 is missing'),
      new StateDbLockedError('/data/state'),
      new StateVersionError('STATE_VERSION_PRUNED', 'Version 3 of /data/state was pruned (oldest kept is 5)'),
      new StateUsageError('STATE_OPEN_CHECKPOINT', 'commitBlock with 1 open checkpoint(s)'),
      new StateInputError('state key must be 1 to 2048 bytes, got 0'),
    ];
    for (const e of errors) expect(e).toBeInstanceOf(StateError);
    expect(errors.map((e) => e.toJSON())).toMatchInlineSnapshot(`
      [
        {
          "code": "STATE_DB_MISSING",
          "details": "Pass create: true (or start the devnet with a fresh data directory) to create one.",
          "message": "No Gasket state database at /data/state",
          "name": "StateDbMissingError",
        },
        {
          "code": "STATE_DB_FOREIGN",
          "details": "Point Gasket at an empty or new directory, or move the existing files away.",
          "message": "/data/state is not a Gasket state database (a non-empty directory without a LevelDB database); it was left untouched",
          "name": "StateDbForeignError",
        },
        {
          "code": "STATE_DB_FORMAT",
          "details": "The database was written by a newer Gasket: upgrade Gasket to open it. It was left untouched.",
          "message": "State database /data/state has format version 2; this Gasket reads format version 1",
          "name": "StateDbFormatError",
        },
        {
          "code": "STATE_DB_CORRUPT",
          "details": "Restore the directory from a backup or start from a fresh one.",
          "message": "State database /data/state is damaged: block record 7 is missing",
          "name": "StateDbCorruptError",
        },
        {
          "code": "STATE_DB_LOCKED",
          "details": "Close the other Gasket using this directory, or use another data directory.",
          "message": "State database /data/state is locked by another process or store",
          "name": "StateDbLockedError",
        },
        {
          "code": "STATE_VERSION_PRUNED",
          "message": "Version 3 of /data/state was pruned (oldest kept is 5)",
          "name": "StateVersionError",
        },
        {
          "code": "STATE_OPEN_CHECKPOINT",
          "message": "commitBlock with 1 open checkpoint(s)",
          "name": "StateUsageError",
        },
        {
          "code": "STATE_INPUT",
          "message": "state key must be 1 to 2048 bytes, got 0",
          "name": "StateInputError",
        },
      ]
    `);
  });
});
