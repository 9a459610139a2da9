/**
 * The `gasket` command line: parses flags into typed options and hands them to the public API of the folder
 * that owns the subcommand. It is a shell: no logic lives here, and this is the only module that calls
 * `process.exit`. Subcommands load their modules lazily so `gasket --help` starts fast.
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { GasketError } from '../errors.js';
import { type CliIo, ExitStatus, processIo } from './cliIo.js';
import { registerCommands } from './commands.js';

/** Builds the program; exported so tests can inspect the command tree without spawning a process. */
export function createCli(io: CliIo = processIo): Command {
  const program = new Command('gasket')
    .description('Deterministic WebAssembly smart-contract VM with gas metering, and a local devnet')
    .version(readVersion(), '-V, --version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride();
  registerCommands(program, io);
  return program;
}

/** Runs the CLI and returns the exit status; `main` turns it into the process's exit. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createCli(io);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ExitStatus) return error.status;
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help text for --help/--version).
      return error.exitCode;
    }
    if (error instanceof GasketError) {
      io.stderr(`error [${error.code}]: ${error.message}\n`);
      return 1;
    }
    io.stderr(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const status = await runCli(argv);
  process.exit(status);
}

/** The package version, read from the nearest package.json above this module (source or dist layout). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'gasket' && pkg.version) return pkg.version;
    } catch {
      // not at this depth; try the next
    }
  }
  return '0.0.0';
}
