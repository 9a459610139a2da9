/**
 * devnet/: the public face of the local chain (transactions, blocks, JSON-RPC, CLI, client).
 * @module
 */

export { createCli, runCli } from './cli.js';
export { type CliIo, ExitStatus } from './cliIo.js';
