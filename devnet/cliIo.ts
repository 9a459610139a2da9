/**
 * Where the CLI writes: the process's streams in production, buffers in tests.
 * @module
 */
export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
};

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Thrown by a subcommand that has already printed its outcome and only needs a non-zero exit status. */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}
