/**
 * devnet/: the public face of the local chain (transactions, blocks, JSON-RPC, CLI, client).
 * @module
 */

export { createCli, ExitStatus, runCli } from './cli.js';
export type { CliIo } from './cliIo.js';
