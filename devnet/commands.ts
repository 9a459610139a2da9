/**
 * The subcommand table: each entry names a subcommand, its flags, and the module that runs it, loaded only
 * when the subcommand is used. Issues that own a subcommand add it here and nowhere else.
 * @module
 */
import type { Command } from 'commander';
import type { CliIo } from './cliIo.js';

export function registerCommands(program: Command, io: CliIo): void {
  program
    .command('meter')
    .description('validate a contract for determinism and write it instrumented with gas, stack and memory limits')
    .argument('<in.wasm>', 'the contract to instrument')
    .option('-o, --out <out.wasm>', 'where to write the instrumented module')
    .option('--json', 'print the result as JSON')
    .option('--tooling', 'relaxed gate for tools: any imports, a start function, floats (never for contracts)')
    .action(async (input: string, options: { out?: string; json?: boolean; tooling?: boolean }) => {
      const { meterCommand } = await import('./meterCommand.js');
      await meterCommand(
        { input, out: options.out, json: options.json ?? false, tooling: options.tooling ?? false },
        io,
      );
    });
}
