/**
 * Starts `gasket devnet` as a child process (the built bin) and talks JSON-RPC to it: for tests of what only a
 * real process shows (SIGKILL, start-up flags, shutdown dumps).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { GASKET_BIN, REPO_ROOT } from './runBin.js';

export type RpcAnswer = { result?: unknown; error?: { code: number; message: string } };

export type DevnetProcess = {
  readonly child: ChildProcess;
  readonly url: string;
  /** One JSON-RPC request; the answer as the node sent it (result or error). */
  request(method: string, params?: object): Promise<RpcAnswer>;
};

/** Spawns `gasket devnet --port 0 <args>` and resolves once its banner names the RPC URL. */
export async function spawnDevnet(args: readonly string[]): Promise<DevnetProcess> {
  const child = spawn(process.execPath, [GASKET_BIN, 'devnet', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /JSON-RPC\s+(http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => reject(new Error(`devnet exited (${code}): ${out}`)));
  });
  let id = 1;
  const request = async (method: string, params?: object): Promise<RpcAnswer> => {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }),
    });
    return (await response.json()) as RpcAnswer;
  };
  return { child, url, request };
}
