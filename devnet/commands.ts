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
    .option('--load-state <file>', 'replace the state with a dev_dumpState file at start (mines a block)')
    .option('--dump-state <file>', 'write the state to this file (dev_dumpState format) on shutdown')
    .option('--no-dev-methods', 'refuse every dev_* JSON-RPC method (-32601 method not found)')
    .option('--no-explorer', 'serve no explorer page at the RPC port')
    .option('--rpc-worker', 'serve HTTP and WebSocket from a worker thread (frees the chain thread; needs a free core)')
    .action(
      async (options: {
        host: string;
        port: string;
        dataDir: string;
        inMemory?: boolean;
        blockTime?: string;
        chainId?: string;
        cors?: string;
        loadState?: string;
        dumpState?: string;
        devMethods: boolean;
        explorer: boolean;
        rpcWorker?: boolean;
      }) => {
        const { devnetCommand } = await import('./devnetCommand.js');
        await devnetCommand({ ...options, inMemory: options.inMemory ?? false }, io);
      },
    );

  const RPC_DEFAULT = 'http://127.0.0.1:8545/';
  const FROM_HELP = 'signer: a dev account index or a key file (gasket keys new)';

  program
    .command('deploy')
    .description('deploy a contract to a running devnet and print the receipt with its address')
    .argument('<wasm>', 'the contract, as compiled')
    .option('--args <json>', 'init arguments as JSON (named or positional by the contract interface)')
    .option('--value <n>', 'amount sent with the deploy')
    .option('--gas <n>', 'gas limit (default: the estimate plus 25%)')
    .option('--from <signer>', FROM_HELP, '0')
    .option('--rpc <url>', 'JSON-RPC URL of the devnet', RPC_DEFAULT)
    .option('--json', 'print the receipt as JSON')
    .action(
      async (
        input: string,
        options: { args?: string; value?: string; gas?: string; from: string; rpc: string; json?: boolean },
      ) => {
        const { deployCommand } = await import('./deployCommand.js');
        await deployCommand({ ...options, input, json: options.json ?? false }, io);
      },
    );

  program
    .command('send')
    .description('call a contract method in a signed transaction on a running devnet and print the receipt')
    .argument('<address>', 'the contract address (0x and 64 hex digits)')
    .argument('<method>', 'the method to call')
    .option('--args <json>', 'arguments as JSON (named or positional by the contract interface)')
    .option('--value <n>', 'amount sent with the call')
    .option('--gas <n>', 'gas limit (default: the estimate plus 25%)')
    .option('--from <signer>', FROM_HELP, '0')
    .option('--rpc <url>', 'JSON-RPC URL of the devnet', RPC_DEFAULT)
    .option('--trace', 'print the call trace: frames and host calls with their gas')
    .option('--json', 'print the receipt as JSON')
    .action(
      async (
        address: string,
        method: string,
        options: {
          args?: string;
          value?: string;
          gas?: string;
          from: string;
          rpc: string;
          json?: boolean;
          trace?: boolean;
        },
      ) => {
        const { sendCommand } = await import('./sendCommand.js');
        await sendCommand({ ...options, address, method, json: options.json ?? false }, io);
      },
    );

  program
    .command('call')
    .description('run a read-only contract call on a running devnet (nothing is signed or changed)')
    .argument('<address>', 'the contract address (0x and 64 hex digits)')
    .argument('<method>', 'the method to call')
    .option('--args <json>', 'arguments as JSON (named or positional by the contract interface)')
    .option('--from <signer>', 'caller seen by the contract: a dev account index or a key file')
    .option('--rpc <url>', 'JSON-RPC URL of the devnet', RPC_DEFAULT)
    .option('--trace', 'print the call trace: frames and host calls with their gas')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        address: string,
        method: string,
        options: { args?: string; from?: string; rpc: string; json?: boolean; trace?: boolean },
      ) => {
        const { callCommand } = await import('./callCommand.js');
        await callCommand({ ...options, address, method, json: options.json ?? false }, io);
      },
    );

  const keys = program.command('keys').description('key files for --from, and the dev accounts');
  keys
    .command('new')
    .description('write a new ed25519 key to a file (never overwrites)')
    .argument('<file>', 'where to write the key (JSON, mode 0600)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { keysNewCommand } = await import('./keysCommand.js');
      await keysNewCommand({ file, json: options.json ?? false }, io);
    });
  keys
    .command('show')
    .description("print a key file's address and public key")
    .argument('<file>', 'a key file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { keysShowCommand } = await import('./keysCommand.js');
      await keysShowCommand({ file, json: options.json ?? false }, io);
    });
  keys
    .command('dev')
    .description('list the dev accounts (the same on every devnet)')
    .option('--count <n>', 'how many', '10')
    .option('--json', 'print the accounts as JSON')
    .action(async (options: { count: string; json?: boolean }) => {
      const { keysDevCommand } = await import('./keysCommand.js');
      await keysDevCommand({ count: options.count, json: options.json ?? false }, io);
    });

  program
    .command('init')
    .description('write a new contract project: AssemblyScript counter, interface, build script and vitest test')
    .argument('<dir>', 'where to write it (a new or empty folder)')
    .option('--name <name>', 'package and contract name (default: the folder name)')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options: { name?: string; json?: boolean }) => {
      const { initCommand } = await import('./initCommand.js');
      await initCommand({ dir, name: options.name, json: options.json ?? false }, io);
    });
}
