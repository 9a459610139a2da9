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

  program
    .command('exec')
    .description('meter a contract, deploy it into a throw-away in-memory state and run one call')
    .argument('<contract.wasm>', 'the contract, as compiled')
    .requiredOption('-m, --method <name>', 'the method to call')
    .option('--args <json>', 'arguments as JSON, sent msgpack-encoded')
    .option('--init-args <json>', 'arguments of init at deploy, as JSON')
    .option('--gas <n>', 'gas limit of the deploy and of the call', '100000000')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        input: string,
        options: { method: string; args?: string; initArgs?: string; gas: string; json?: boolean },
      ) => {
        const { execCommand } = await import('./execCommand.js');
        await execCommand(
          {
            input,
            method: options.method,
            args: options.args,
            initArgs: options.initArgs,
            gas: options.gas,
            json: options.json ?? false,
          },
          io,
        );
      },
    );

  program
    .command('devnet')
    .description('run a local chain with funded dev accounts and a JSON-RPC server')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port of the JSON-RPC server (0: any free port)', '8545')
    .option('--data-dir <dir>', 'where the chain is kept (LevelDB)', '.gasket')
    .option('--in-memory', 'keep nothing: a throw-away chain')
    .option('--block-time <seconds>', 'mine a block every N seconds instead of one per transaction')
    .option('--chain-id <id>', 'chain id of a new chain', undefined)
    .option('--cors <origin>', 'allow browser requests from this origin (e.g. "*")')
    .action(
      async (options: {
        host: string;
        port: string;
        dataDir: string;
        inMemory?: boolean;
        blockTime?: string;
        chainId?: string;
        cors?: string;
      }) => {
        const { devnetCommand } = await import('./devnetCommand.js');
        await devnetCommand({ ...options, inMemory: options.inMemory ?? false }, io);
      },
    );
}
