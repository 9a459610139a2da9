/**
 * The subcommand table: each entry names a subcommand, its flags, and the module that runs it, loaded only
 * when the subcommand is used. Issues that own a subcommand add it here and nowhere else.
 * @module
 */
import type { Command } from 'commander';
import type { CliIo } from './cliIo.js';

export function registerCommands(program: Command, io: CliIo): void {
  void program;
  void io;
}
