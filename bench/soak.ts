/**
 * `npm run soak:devnet` (issue 8): 50,000 token transfers through one devnet child process (bench/soakNode.ts,
 * automine, LevelDB data directory; SOAK_IN_MEMORY=1 for the in-memory store), sent over HTTP JSON-RPC by 8
 * clients in chunks of 10,000 (bench/devnetLoad.ts, transactions signed before each chunk). The devnet's memory
 * (RSS, and heap used after a forced GC) is read at start and after every chunk, with the chunk's transfers/s and
 * latency and the data directory's size: memory that grows with the chain shows up here.
 *
 * Environment: SOAK_TXS (default 50000), SOAK_CHUNK (default 10000), SOAK_CLIENTS (default 8), SOAK_IN_MEMORY=1.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample, encodeArgs } from '../contracts/index.js';
import { devAccount, signTransaction, toHex } from '../devnet/index.js';
import {
  type ClientPlan,
  freePort,
  httpRequest,
  now,
  rpcBody,
  rpcCall,
  runLoad,
  sleep,
  waitFor,
} from './devnetLoad.js';

const TOTAL = Number(process.env.SOAK_TXS ?? 50_000);
const CHUNK = Number(process.env.SOAK_CHUNK ?? 10_000);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const IN_MEMORY = process.env.SOAK_IN_MEMORY === '1';
const CHAIN_ID = 1337n;
const SUPPLY = 10n ** 30n;

type Memory = {
  gc: boolean;
  rss: number;
  rssAnon: number;
  rssFile: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  height: string;
};

function readMemory(child: ChildProcess): Promise<Memory> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as Memory));
    child.send('memory');
  });
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    // LevelDB's compaction may delete a table file between the listing and the stat
    const size = await stat(join(entry.parentPath, entry.name)).then(
      (info) => info.size,
      () => 0,
    );
    total += size;
  }
  return total;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gasket-soak-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--expose-gc', new URL('./soakNode.js', import.meta.url).pathname, String(port), IN_MEMORY ? 'memory' : dataDir],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  try {
    for (let i = 0; ; i++) {
      try {
        await rpcCall(port, 'chain_id', {});
        break;
      } catch (error) {
        if (i > 2000) throw error;
        await sleep(10);
      }
    }
    const deployer = devAccount(0);
    const deploy = signTransaction(
      {
        kind: 'deploy',
        chainId: CHAIN_ID,
        nonce: 0n,
        gasLimit: 500_000_000n,
        gasPrice: 1n,
        value: 0n,
        code: await buildExample('token'),
        args: encodeArgs('Soak', 'SOK', 18, SUPPLY),
      },
      deployer.secretKey,
      deployer.publicKey,
    );
    await rpcCall(port, 'tx_send', { raw: toHex(deploy.raw) });
    const deployed = (await waitFor(port, 'tx_getReceipt', { hash: toHex(deploy.hash) })) as {
      contractAddress: string;
    };
    const token = new Uint8Array(Buffer.from(deployed.contractAddress.slice(2), 'hex'));
    // twice what a transfer is estimated to use (as bench/devnet.ts): a fixed limit went stale when the gas
    // schedule changed (the soak failed with out-of-gas at 200,000)
    let gasLimit = 500_000_000n;
    const transfer = (from: number, nonce: bigint, to: Uint8Array, amount: bigint) => {
      const key = devAccount(from);
      return signTransaction(
        {
          kind: 'call',
          chainId: CHAIN_ID,
          nonce,
          gasLimit,
          gasPrice: 1n,
          value: 0n,
          to: token,
          method: 'transfer',
          args: encodeArgs(to, amount),
        },
        key.secretKey,
        key.publicKey,
      );
    };
    const probe = transfer(0, 1n, devAccount(1).address, 1n);
    const estimate = (await rpcCall(port, 'tx_estimateGas', { raw: toHex(probe.raw) })) as { gasUsed: string };
    gasLimit = 2n * BigInt(estimate.gasUsed);
    for (let s = 1; s <= CLIENTS; s++) {
      const tx = transfer(0, BigInt(s), devAccount(s).address, SUPPLY / 100n);
      await rpcCall(port, 'tx_send', { raw: toHex(tx.raw) });
    }
    const rows: string[] = [];
    const row = async (sent: number, rate: string, p50: string, p99: string) => {
      const memory = await readMemory(child);
      const disk = IN_MEMORY ? 'n/a' : mib(await dirBytes(dataDir));
      rows.push(
        `| ${sent.toLocaleString('en-US')} | ${memory.height} | ${mib(memory.rss)} | ${mib(memory.rssAnon)} | ${mib(memory.rssFile)} | ${mib(memory.heapUsed)} | ${mib(memory.heapTotal)} | ${mib(memory.external)} | ${disk} | ${rate} | ${p50} | ${p99} |`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
      return memory;
    };
    const first = await row(0, '-', '-', '-');
    const nonces = new Array<bigint>(CLIENTS + 1).fill(0n);
    let recipient = 0;
    for (let sent = 0; sent < TOTAL; sent += CHUNK) {
      const each = Math.floor(CHUNK / CLIENTS);
      const plans: ClientPlan[] = [];
      for (let s = 1; s <= CLIENTS; s++) {
        const sends: Buffer[] = [];
        const receipts: Buffer[] = [];
        for (let i = 0; i < each; i++) {
          const to = new Uint8Array(32).fill(0x5a);
          new DataView(to.buffer).setUint32(0, recipient++ % 100_000);
          const tx = transfer(s, nonces[s]!++, to, 1n);
          sends.push(httpRequest(port, rpcBody('tx_send', { raw: toHex(tx.raw) }, i)));
          receipts.push(httpRequest(port, rpcBody('tx_getReceipt', { hash: toHex(tx.hash) }, i)));
        }
        plans.push({ sends, receipts });
      }
      const result = await runLoad(port, child.pid!, plans, {
        checkSend(body) {
          if (body.includes('"error"')) throw new Error(`send failed: ${body.slice(0, 300)}`);
        },
        receipt(body) {
          if (body.includes('"result":null')) return 'pending';
          if (!body.includes('"status":"ok"')) throw new Error(`transfer failed: ${body.slice(0, 300)}`);
          return 'ready';
        },
      });
      await row(sent + each * CLIENTS, result.perSecond.toFixed(0), result.p50Ms.toFixed(2), result.p99Ms.toFixed(2));
    }
    const header = [
      `Soak: ${TOTAL.toLocaleString('en-US')} token transfers, ${CLIENTS} clients, automine, ${IN_MEMORY ? 'in memory' : 'LevelDB data directory'}; ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end; memory after a forced GC: ${first.gc ? 'yes' : 'no (--expose-gc missing)'}.`,
      '',
      '| transfers | height | RSS (MiB) | anon RSS (MiB) | file RSS (MiB) | heap used (MiB) | heap total (MiB) | external (MiB) | data dir (MiB) | chunk transfers/s | p50 (ms) | p99 (ms) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    process.stdout.write(`${[...header, ...rows].join('\n')}\n`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.disconnect();
      else child.kill('SIGINT');
      await exited;
    }
    if (process.env.SOAK_KEEP === undefined) await rm(dataDir, { recursive: true, force: true });
    else process.stderr.write(`data directory kept: ${dataDir}\n`);
  }
}

const started = now();
await main();
process.stderr.write(`soak done in ${((now() - started) / 1000).toFixed(0)} s\n`);
