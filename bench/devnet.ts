/**
 * `npm run bench:devnet` (issue 8): token transfers end to end against the Gasket devnet and, side by side in the
 * same run, a Hardhat node and Anvil doing ERC-20 transfers (bench/devnetPeers.ts installs them outside the
 * repository). Every node runs as a child process on its own loopback port; transactions are signed before the
 * clock starts and sent over HTTP JSON-RPC by 1 and 8 concurrent clients, each with its own sender, until every
 * receipt is fetched (bench/devnetLoad.ts), with automine and with 1 s interval mining; Gasket also with its
 * LevelDB data directory (persistence). Reported per case, medians over BENCH_REPS rounds: transfers/s, p50/p99
 * latency (send -> receipt available), server CPU per transaction (all threads, and the main thread alone), and
 * start-up time (spawn -> first answered chain id request). Before the clock, every node (Gasket's and the peers'
 * alike) gets an untimed warm-up: BENCH_WARMUP transfers (default 3000; 0 disables) from the same senders and the
 * same number of clients as the case, receipts fetched, then the timed transfers continue at the next nonces. A
 * fresh node otherwise spends much of a short case compiling (V8's JIT, the peers' as much as ours), and the case
 * would measure start-up rather than throughput (measured 2026-11-25 on Gasket on disk, automine, load 1-1.5:
 * 1,000 warm-up transfers left it at 1,030-1,240/s with 1 client and 1,380-1,660/s with 8; 3,000 gave 1,410-1,420
 * and 1,920-2,090/s, 5,000 about the same). Anvil's rate falls as its chain grows, so it pays for the longer chain
 * a warm-up leaves: lower BENCH_WARMUP to see it fresh. In process it also times Gasket's parts apart:
 * signature checks, JSON-RPC parsing, execution and block commits; with BENCH_PROFILE=1 it profiles the devnet
 * (--cpu-prof) under 8 clients (BENCH_PROFILE_CLIENTS) and lists the top self-time functions. BENCH_PARTS=0 skips
 * the in-process parts (quicker A/B runs).
 *
 * Environment: BENCH_TXS (transfers per automine case, default 2000), BENCH_INTERVAL_TXS (per interval case,
 * default 4000), BENCH_REPS (default 3), BENCH_TARGETS (comma list of gasket, gasket-disk, gasket-worker (on
 * disk, `--rpc-worker`: HTTP on a worker thread; not in the default list), hardhat, hardhat-quiet, anvil; default
 * all but gasket-worker), BENCH_MODES (automine,interval), BENCH_CLIENTS (1,8), BENCH_PROFILE=1,
 * BENCH_GASKET_NODE_FLAGS (Node flags for Gasket's node), BENCH_JSON=<file> (raw results), BENCH_PROFILE_KEEP=<dir> (keeps the .cpuprofile files), BENCH_ANVIL_ARGS (extra Anvil flags). Anvil in automine slows down and grows
 * without bound as its pool and chain grow (4,000 transfers from one client: over 100 s and 2.8 GB RSS), hence
 * the modest default counts.
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample, encodeArgs, REPO_ROOT } from '../contracts/index.js';
import {
  decodeTransaction,
  devAccount,
  type SignedTransaction,
  signTransaction,
  startDevnet,
  toHex,
  verifySignature,
} from '../devnet/index.js';
import type { StateStore } from '../state/index.js';
import {
  type ClientPlan,
  type Dialect,
  freePort,
  httpRequest,
  type LoadResult,
  mainThreadCpuMs,
  median,
  type NodeProcess,
  now,
  rpcBody,
  rpcCall,
  runLoad,
  spawnNode,
  stopNode,
  waitFor,
} from './devnetLoad.js';
import {
  deployEth,
  ETH_DIALECT,
  ethPlans,
  installPeers,
  type Mining,
  PEER_VERSIONS,
  PEERS_DIR,
  type PeerName,
  signEthWorkload,
  solcVersion,
  startPeer,
} from './devnetPeers.js';

const AUTO_TXS = Number(process.env.BENCH_TXS ?? 2000);
const INTERVAL_TXS = Number(process.env.BENCH_INTERVAL_TXS ?? 4000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
/** Untimed transfers before each case's clock (split across its clients); they use each sender's first nonces. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const ALL_TARGETS = ['gasket', 'gasket-disk', 'hardhat', 'hardhat-quiet', 'anvil'] as const;
type Target = (typeof ALL_TARGETS)[number] | 'gasket-worker';
const TARGETS = (process.env.BENCH_TARGETS?.split(',') ?? ALL_TARGETS) as Target[];
const CLIENTS = (process.env.BENCH_CLIENTS?.split(',').map(Number) ?? [1, 8]) as readonly number[];
const MODES = (process.env.BENCH_MODES?.split(',') ?? ['automine', 'interval']) as Mining[];
const MAX_CLIENTS = 8;
/** Extra Node/V8 flags for Gasket's node (BENCH_GASKET_NODE_FLAGS, space-separated): A/B of runtime settings. */
const GASKET_NODE_FLAGS = process.env.BENCH_GASKET_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
/**
 * Transfers sender `s` (1-based) signs: the warm-up and all of a 1-client case for sender 1, an eighth of both for
 * the others.
 */
const perSender = (s: number) => {
  const most = Math.max(AUTO_TXS, INTERVAL_TXS);
  return s === 1 ? WARMUP + most : Math.ceil(WARMUP / MAX_CLIENTS) + Math.ceil(most / MAX_CLIENTS);
};

// --- Gasket workload ---

const GASKET_CHAIN = 1337n;
const GAS_PRICE = 1n;
const SUPPLY = 10n ** 30n;

type GasketWorkload = {
  readonly setup: readonly SignedTransaction[];
  readonly transfers: readonly SignedTransaction[][];
  readonly token: Uint8Array;
  readonly transferGas: bigint;
};

/** Signs the deployment, funding and transfers; deploys once in process to learn the address and the gas. */
async function signGasketWorkload(): Promise<GasketWorkload> {
  const deployer = devAccount(0);
  const code = await buildExample('token');
  const deploy = signTransaction(
    {
      kind: 'deploy',
      chainId: GASKET_CHAIN,
      nonce: 0n,
      gasLimit: 500_000_000n,
      gasPrice: GAS_PRICE,
      value: 0n,
      code,
      args: encodeArgs('Bench', 'BNC', 18, SUPPLY),
    },
    deployer.secretKey,
    deployer.publicKey,
  );
  const devnet = await startDevnet({ inMemory: true, port: 0 });
  let token: Uint8Array;
  let transferGas: bigint;
  try {
    await devnet.chain.submit(deploy.raw);
    const receipt = devnet.chain.findTransaction(deploy.hash)?.receipt;
    if (receipt?.status !== 'ok' || !receipt.contractAddress) throw new Error('token deployment failed');
    token = receipt.contractAddress;
    const probe = signTransaction(
      {
        kind: 'call',
        chainId: GASKET_CHAIN,
        nonce: 1n,
        gasLimit: 100_000_000n,
        gasPrice: GAS_PRICE,
        value: 0n,
        to: token,
        method: 'transfer',
        args: encodeArgs(devAccount(1).address, 1n),
      },
      deployer.secretKey,
      deployer.publicKey,
    );
    transferGas = (await devnet.chain.estimateGas(probe.raw)).gasUsed;
  } finally {
    await devnet.close();
  }
  const gasLimit = transferGas * 2n;
  const call = (from: number, nonce: bigint, to: Uint8Array, amount: bigint) => {
    const key = devAccount(from);
    return signTransaction(
      {
        kind: 'call',
        chainId: GASKET_CHAIN,
        nonce,
        gasLimit,
        gasPrice: GAS_PRICE,
        value: 0n,
        to: token,
        method: 'transfer',
        args: encodeArgs(to, amount),
      },
      key.secretKey,
      key.publicKey,
    );
  };
  const setup = [deploy];
  for (let s = 1; s <= MAX_CLIENTS; s++) setup.push(call(0, BigInt(s), devAccount(s).address, SUPPLY / 100n));
  const recipients = Array.from({ length: 1000 }, (_, i) => {
    const address = new Uint8Array(32).fill(0xbe);
    new DataView(address.buffer).setUint32(0, i + 1);
    return address;
  });
  const transfers: SignedTransaction[][] = [];
  for (let s = 1; s <= MAX_CLIENTS; s++) {
    const list: SignedTransaction[] = [];
    for (let n = 0; n < perSender(s); n++) {
      list.push(call(s, BigInt(n), recipients[(n * MAX_CLIENTS + s) % recipients.length]!, 1n));
    }
    transfers.push(list);
  }
  return { setup, transfers, token, transferGas };
}

const GASKET_DIALECT: Dialect = {
  checkSend(body) {
    if (body.includes('"error"')) throw new Error(`send failed: ${body.slice(0, 300)}`);
  },
  receipt(body) {
    if (body.includes('"result":null')) return 'pending';
    if (!body.includes('"status":"ok"')) throw new Error(`transfer failed: ${body.slice(0, 300)}`);
    return 'ready';
  },
};

const GASKET_PROBE = rpcBody('chain_id', {});

async function startGasket(
  mining: Mining,
  port: number,
  dataDir: string | undefined,
  nodeFlags: readonly string[] = [],
  devnetFlags: readonly string[] = [],
): Promise<NodeProcess> {
  return spawnNode(
    process.execPath,
    [
      ...nodeFlags,
      join(REPO_ROOT, 'devnet', 'gasket.js'),
      'devnet',
      '--port',
      String(port),
      ...(dataDir ? ['--data-dir', dataDir] : ['--in-memory']),
      ...(mining === 'interval' ? ['--block-time', '1'] : []),
      ...devnetFlags,
    ],
    port,
    GASKET_PROBE,
    { cwd: REPO_ROOT },
  );
}

async function deployGasket(port: number, workload: GasketWorkload): Promise<void> {
  for (const tx of workload.setup) await rpcCall(port, 'tx_send', { raw: toHex(tx.raw) });
  for (const tx of workload.setup) {
    const receipt = (await waitFor(port, 'tx_getReceipt', { hash: toHex(tx.hash) })) as { status: string };
    if (receipt.status !== 'ok') throw new Error(`set-up transaction ${toHex(tx.hash)} failed`);
  }
}

/** The requests of each client: `clients` senders sharing `total` transfers, from each sender's `offset`-th. */
function gasketPlans(
  port: number,
  workload: GasketWorkload,
  clients: number,
  total: number,
  offset: number,
): ClientPlan[] {
  const each = Math.floor(total / clients);
  return workload.transfers.slice(0, clients).map((list) => ({
    sends: list
      .slice(offset, offset + each)
      .map((tx, i) => httpRequest(port, rpcBody('tx_send', { raw: toHex(tx.raw) }, i))),
    receipts: list
      .slice(offset, offset + each)
      .map((tx, i) => httpRequest(port, rpcBody('tx_getReceipt', { hash: toHex(tx.hash) }, i))),
  }));
}

// --- one case ---

type CaseResult = LoadResult & { readonly startupMs: number };

async function runCase(
  target: Target,
  mining: Mining,
  clients: number,
  gasket: GasketWorkload | undefined,
  eth: Awaited<ReturnType<typeof signEthWorkload>> | undefined,
  nodeFlags: readonly string[] = GASKET_NODE_FLAGS,
): Promise<CaseResult> {
  const port = await freePort();
  const total = mining === 'interval' ? INTERVAL_TXS : AUTO_TXS;
  let dataDir: string | undefined;
  const isGasket = target.startsWith('gasket');
  if (target === 'gasket-disk' || target === 'gasket-worker') {
    dataDir = await mkdtemp(join(tmpdir(), 'gasket-bench-devnet-'));
  }
  const node: NodeProcess = isGasket
    ? await startGasket(mining, port, dataDir, nodeFlags, target === 'gasket-worker' ? ['--rpc-worker'] : [])
    : await startPeer(target as PeerName, mining, port);
  try {
    // a failing set-up stops the node too (the finally below)
    let plans: (total: number, offset: number) => ClientPlan[];
    let dialect: Dialect;
    if (isGasket) {
      await deployGasket(port, gasket!);
      plans = (count, offset) => gasketPlans(port, gasket!, clients, count, offset);
      dialect = GASKET_DIALECT;
    } else {
      await deployEth(port, eth!);
      plans = (count, offset) => ethPlans(port, eth!, clients, count, offset);
      dialect = ETH_DIALECT;
    }
    // the untimed warm-up (its figures dropped), then the timed transfers at the next nonces of the same senders
    const warmEach = Math.floor(WARMUP / clients);
    if (warmEach > 0) await runLoad(port, node.child.pid!, plans(warmEach * clients, 0), dialect);
    const result = await runLoad(port, node.child.pid!, plans(total, warmEach), dialect);
    return { ...result, startupMs: node.startupMs };
  } finally {
    await stopNode(node);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

// --- Gasket's parts, in process ---

type Parts = Record<string, { perSecond: number; usPerTx: number; note: string }>;

async function timeParts(workload: GasketWorkload): Promise<Parts> {
  const txs = workload.transfers.flatMap((list) => list.slice(0, AUTO_TXS / MAX_CLIENTS));
  const n = txs.length;
  const rate = (ms: number, note: string, count = n) => ({
    perSecond: (count / ms) * 1000,
    usPerTx: (ms * 1000) / count,
    note,
  });
  const parts: Parts = {};
  const time = (fn: () => void) => {
    const start = now();
    fn();
    return now() - start;
  };
  const raws = txs.map((tx) => tx.raw);
  const bodies = txs.map((tx, i) => rpcBody('tx_send', { raw: toHex(tx.raw) }, i));
  // warm-up, then the measurements
  for (const raw of raws.slice(0, 500)) verifySignature(decodeTransaction(raw));
  parts.decode = rate(
    time(() => {
      for (const raw of raws) decodeTransaction(raw);
    }),
    'decodeTransaction (msgpack, canonical re-encode, address and hash)',
  );
  const decoded = raws.map(decodeTransaction);
  parts.verify = rate(
    time(() => {
      for (const tx of decoded) if (!verifySignature(tx)) throw new Error('bad signature');
    }),
    'verifySignature (ed25519: libsodium, node:crypto for what it refuses; one core)',
  );
  parts.json = rate(
    time(() => {
      for (const body of bodies) {
        const request = JSON.parse(body) as { params: { raw: string } };
        Buffer.from(request.params.raw.slice(2), 'hex');
      }
    }),
    'JSON.parse of a tx_send body + hex decode of the transaction',
  );
  // the chain without HTTP: validate only (automine off), then one block of everything, then automine
  for (const [label, persistent] of [
    ['memory', false],
    ['disk', true],
  ] as const) {
    const dir = persistent ? await mkdtemp(join(tmpdir(), 'gasket-bench-parts-')) : undefined;
    const open = () => startDevnet({ port: 0, ...(dir ? { dataDir: join(dir, String(now())) } : { inMemory: true }) });
    try {
      let devnet = await open();
      for (const tx of workload.setup) await devnet.chain.submit(tx.raw);
      devnet.chain.automine = false;
      let start = now();
      for (const raw of raws) await devnet.chain.submit(raw);
      parts[`pool-${label}`] = rate(
        now() - start,
        `chain.submit with automine off: decode + checks + signature + pool (${n} pending at the end)`,
      );
      start = now();
      await devnet.chain.mine();
      parts[`bulk-block-${label}`] = rate(now() - start, `chain.mine(): execute ${n} transfers in one block + commit`);
      await devnet.close();

      devnet = await open();
      for (const tx of workload.setup) await devnet.chain.submit(tx.raw);
      const commits = timeCommits(devnet.chain.state);
      const cpu = process.cpuUsage();
      const mainCpu = mainThreadCpuMs(process.pid);
      start = now();
      for (const raw of raws) await devnet.chain.submit(raw);
      const elapsed = now() - start;
      const mainUs = ((mainThreadCpuMs(process.pid) - mainCpu) * 1000) / n;
      const { user, system } = process.cpuUsage(cpu);
      await commits.stop();
      parts[`automine-${label}`] = rate(
        elapsed,
        `chain.submit with automine: a block (and a commit) per transfer; CPU a transfer ${fmt((user + system) / n)} µs all threads, ${fmt(mainUs)} µs the main thread (beyond that the wall time is waiting: for the block's write to land, for other threads)`,
      );
      parts[`state-commit-${label}`] = rate(
        commits.ms,
        `state.commitBlock of a one-transfer block, from the call until the block is on disk (flushed(); overlapping blocks, so latency, not CPU; the call resolves after ${fmt((commits.resolvedMs * 1000) / n, 1)} µs, synchronous part ${fmt((commits.syncMs * 1000) / n, 1)} µs): ${fmt(commits.keys / n, 1)} keys, a batch of ${fmt(commits.operations / n, 1)} operations and ${fmt(commits.bytes / n)} bytes`,
      );
      await devnet.close();

      devnet = await open();
      for (const tx of workload.setup) await devnet.chain.submit(tx.raw);
      start = now();
      for (const body of bodies) {
        const request = JSON.parse(body) as { params: Record<string, unknown> };
        JSON.stringify({ jsonrpc: '2.0', id: 1, result: await devnet.methods.tx_send!(request.params, {}) });
      }
      parts[`rpc-automine-${label}`] = rate(
        now() - start,
        'JSON.parse + methods.tx_send (automine) + JSON.stringify: the RPC stack without HTTP',
      );
      await devnet.close();
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }
  // one HTTP round trip through the devnet's server, as its CPU (this process) per request: a child process sends
  // tx_getReceipt of a mined transfer on one keep-alive connection, one request in flight
  const devnet = await startDevnet({ port: 0, inMemory: true });
  try {
    for (const tx of workload.setup) await devnet.chain.submit(tx.raw);
    const requests = 5_000;
    const body = rpcBody('tx_getReceipt', { hash: toHex(workload.setup[1]!.hash) });
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuMs(process.pid);
    const start = now();
    await roundTrips(devnet.server.port, body, requests);
    const elapsed = now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    // the main thread's: all threads' would count the background compiles and GC the earlier parts left running
    const mainUs = ((mainThreadCpuMs(process.pid) - mainBefore) * 1000) / requests;
    parts['http-roundtrip'] = {
      perSecond: (requests / elapsed) * 1000,
      usPerTx: mainUs,
      note: `server main-thread CPU per tx_getReceipt over HTTP (the server's fast path for JSON-RPC POSTs, keep-alive, one in flight; all threads ${fmt((cpu.user + cpu.system) / requests, 1)} µs, ${fmt(cpu.system / requests, 1)} µs of it system), per request`,
    };
  } finally {
    await devnet.close();
  }
  return parts;
}

/**
 * Times a store's `commitBlock` calls until `stop()`, each from its call until its block is durable (`flushed()`
 * after the commit: the batch is written behind, see state/StateStore.ts, so the call alone returns before the
 * disk; with the block journal the chain no longer waits for it either, and timing the call's synchronous part
 * read near 0). Blocks overlap on the way to disk (a few may be unwritten at once), so `ms` is the sum of each
 * block's commit-to-disk latency, not CPU; `syncMs` is the synchronous part, `resolvedMs` until the call's promise
 * resolves (the in-memory commit, after waiting for room among the unwritten blocks). Also the
 * sizes of the blocks' batches. The chain awaits only what it awaited before: the wait for the disk is watched,
 * not added to its path.
 */
function timeCommits(state: StateStore) {
  const commitBlock = state.commitBlock;
  const totals = { ms: 0, syncMs: 0, resolvedMs: 0, keys: 0, operations: 0, bytes: 0 };
  const durable: Promise<void>[] = [];
  state.commitBlock = async (meta, lookups) => {
    const start = now();
    const pending = commitBlock.call(state, meta, lookups);
    totals.syncMs += now() - start;
    const result = await pending;
    totals.resolvedMs += now() - start;
    durable.push(
      state.flushed().then(
        () => {
          totals.ms += now() - start;
        },
        () => undefined, // a failed write fails the chain's own flushed(), not this timer
      ),
    );
    totals.keys += result.keys;
    totals.operations += result.operations;
    totals.bytes += result.bytesWritten;
    return result;
  };
  return Object.assign(totals, {
    /** Restores `commitBlock` and waits until every timed block is on disk. */
    async stop() {
      state.commitBlock = commitBlock;
      await Promise.allSettled(durable);
    },
  });
}

/** Sends `body` `count` times on one keep-alive connection from a child process, one request in flight. */
function roundTrips(port: number, body: string, count: number): Promise<void> {
  const script = `
    const { connect } = require('node:net');
    const request = ${JSON.stringify(httpRequest(port, body).toString('utf8'))};
    const socket = connect(${port}, '127.0.0.1');
    let left = ${count};
    let seen = '';
    socket.on('data', (data) => {
      seen += data.toString('latin1');
      const end = seen.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\\d+)/i.exec(seen.slice(0, end))[1]);
      if (seen.length < end + 4 + length) return;
      seen = seen.slice(end + 4 + length);
      if (--left === 0) socket.end();
      else socket.write(request);
    });
    socket.write(request);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`round-trip client exited ${code}`))));
  });
}

/** Median time to spawn `node -e 0` and see it exit: the floor under any Node devnet's start-up. */
async function bareNodeStartMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
    times.push(now() - start);
  }
  return median(times);
}

// --- profile ---

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/**
 * Phases of a transfer's server time, by the innermost frame on the sample's stack that names one (walking from
 * the leaf to the root): where a transaction's time goes, inclusive of what each phase calls.
 */
const PHASES: readonly [phase: string, test: (fn: string, url: string) => boolean][] = [
  [
    'signature check (hand-off to the worker)',
    (fn, url) => /^verify(Signature|OneShot|Ed25519)$/.test(fn) || url.includes('/devnet/signatureVerifier.'),
  ],
  ['decode (msgpack, hash, address)', (fn) => fn === 'decodeTransaction'],
  ['pool checks (validate, admit)', (fn) => fn === 'validate' || fn === '#admit' || fn === '#addPending'],
  ['execute (vm, balances)', (fn) => fn === '#apply' || fn === '#execute'],
  [
    'block commit (roots, state commit, LevelDB write)',
    (fn) =>
      ['commitBlock', '#mineNow', 'draftBlock', 'sealBlock', 'transactionsRoot', 'receiptsRoot', 'blockHash'].includes(
        fn,
      ),
  ],
  [
    'rpc methods (params, receipt JSON)',
    (_fn, url) => url.includes('/devnet/rpc/methods.') || url.includes('/params.'),
  ],
  ['JSON-RPC parse, dispatch, stringify', (_fn, url) => url.includes('/devnet/rpc/jsonRpc.')],
  [
    'HTTP (node:http, sockets, writev)',
    (fn, url) =>
      /^(writev|writeUtf8String|writeLatin1String|parserOnHeadersComplete|parserOnBody|parserOnMessageComplete)$/.test(
        fn,
      ) ||
      /^node:(_http|net|internal\/stream|internal\/streams|internal\/http)/.test(url) ||
      url.includes('/devnet/rpc/server.') ||
      url.includes('/devnet/rpc/httpFast.'),
  ],
  ['garbage collector', (fn) => fn === '(garbage collector)'],
];

function profileParts(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const phaseOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = phaseOf.get(id);
    if (known) return known;
    let phase = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const hit = PHASES.find(([, test]) => test(frame.functionName, frame.url));
      if (hit) {
        phase = hit[0];
        break;
      }
    }
    phaseOf.set(id, phase);
    return phase;
  };
  const self = new Map<string, number>();
  const phases = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, 'dist/');
    const key = `${frame.functionName || '(anonymous)'} ${where ? `${where}:${frame.lineNumber + 1}` : ''}`.trim();
    const ms = profile.timeDeltas[i]! / 1000;
    self.set(key, (self.get(key) ?? 0) + ms);
    if (frame.functionName !== '(idle)') phases.set(classify(id), (phases.get(classify(id)) ?? 0) + ms);
    totalMs += ms;
  });
  const idle = self.get('(idle)') ?? 0;
  const busy = totalMs - idle;
  const top = [...self]
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([fn, ms]) => ({ fn, ms, share: ms / busy }));
  const byPhase = [...phases].sort((a, b) => b[1] - a[1]).map(([phase, ms]) => ({ phase, ms, share: ms / busy }));
  return { busyMs: busy, idleMs: idle, top, byPhase };
}

async function profileGasket(gasket: GasketWorkload, target: 'gasket' | 'gasket-disk', clients: number) {
  const dir = await mkdtemp(join(tmpdir(), 'gasket-bench-prof-'));
  try {
    const result = await runCase(target, 'automine', clients, gasket, undefined, [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
    ]);
    // one profile per thread (the main thread and any worker); the main thread's is the busiest
    const threads = [];
    for (const file of await readdir(dir)) {
      const text = await readFile(join(dir, file), 'utf8');
      if (process.env.BENCH_PROFILE_KEEP)
        await writeFile(join(process.env.BENCH_PROFILE_KEEP, `${target}-${file}`), text);
      threads.push(profileParts(JSON.parse(text) as CpuProfile));
    }
    if (threads.length === 0) throw new Error('no profile written');
    threads.sort((a, b) => b.busyMs - a.busyMs);
    const [main, ...workers] = threads;
    return {
      target,
      clients,
      // the profile spans the node's life: the warm-up's transfers are in it too
      transfers: result.transactions + Math.floor(WARMUP / clients) * clients,
      perSecond: result.perSecond,
      ...main!,
      workerBusyMs: workers.reduce((sum, w) => sum + w.busyMs, 0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- main ---

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

async function main() {
  const started = now();
  const log = (line: string) => process.stderr.write(`[${((now() - started) / 1000).toFixed(0)} s] ${line}\n`);
  const peers = TARGETS.filter((t) => !t.startsWith('gasket')) as PeerName[];
  const notes = peers.length > 0 ? installPeers() : [];
  for (const note of notes) log(note);
  log('signing Gasket transactions');
  const gasket = await signGasketWorkload();
  log(`signing ERC-20 transactions (solc ${peers.length > 0 ? solcVersion() : '-'})`);
  const eth = peers.length > 0 ? await signEthWorkload(MAX_CLIENTS, perSender) : undefined;

  log('timing Gasket parts in process');
  const parts: Parts = process.env.BENCH_PARTS === '0' ? {} : await timeParts(gasket);
  const bareNode = await bareNodeStartMs();

  type Key = `${Target}|${Mining}|${number}`;
  const runs = new Map<Key, CaseResult[]>();
  const startups = new Map<Target, number[]>();
  const load: number[] = [];
  const failures: string[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const mining of MODES) {
      for (const clients of CLIENTS) {
        for (const target of TARGETS) {
          load.push(loadavg()[0]!);
          let result: CaseResult;
          try {
            result = await runCase(target, mining, clients, gasket, eth);
          } catch (error) {
            failures.push(`${target} ${mining} ${clients} client(s), round ${rep + 1}: ${(error as Error).message}`);
            log(`rep ${rep + 1}/${REPS} ${target} ${mining} ${clients} client(s): FAILED ${(error as Error).message}`);
            continue;
          }
          const key: Key = `${target}|${mining}|${clients}`;
          runs.set(key, [...(runs.get(key) ?? []), result]);
          startups.set(target, [...(startups.get(target) ?? []), result.startupMs]);
          log(
            `rep ${rep + 1}/${REPS} ${target} ${mining} ${clients} client(s): ${fmt(result.perSecond)}/s, p50 ${fmt(result.p50Ms, 2)} ms, p99 ${fmt(result.p99Ms, 2)} ms, send p50 ${fmt(result.sendP50Ms, 2)} ms, server CPU ${fmt(result.serverCpuMsPerTx, 3)} ms/tx (main thread ${fmt(result.mainThreadCpuMsPerTx, 3)}), start-up ${fmt(result.startupMs)} ms, load ${loadavg()[0]!.toFixed(1)}`,
          );
        }
      }
    }
  }

  const profiles = [];
  if (process.env.BENCH_PROFILE === '1') {
    const clients = Number(process.env.BENCH_PROFILE_CLIENTS ?? 8);
    for (const target of ['gasket', 'gasket-disk'] as const) {
      if (!TARGETS.includes(target)) continue;
      log(`profiling ${target} automine, ${clients} client(s)`);
      profiles.push(await profileGasket(gasket, target, clients));
    }
  }

  // --- report ---
  const out: string[] = [];
  const summary = (key: Key) => {
    const list = runs.get(key) ?? [];
    return {
      perSecond: median(list.map((r) => r.perSecond)),
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
      sendP50Ms: median(list.map((r) => r.sendP50Ms)),
      cpu: median(list.map((r) => r.serverCpuMsPerTx)),
      mainCpu: median(list.map((r) => r.mainThreadCpuMsPerTx)),
      clientCpu: median(list.map((r) => r.clientCpuMsPerTx)),
      emptyPolls: median(list.map((r) => r.emptyPolls)),
      n: list.length,
    };
  };
  out.push(
    `Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node ${process.version}; load average during the runs: median ${median(load).toFixed(1)} (min ${Math.min(...load).toFixed(1)}, max ${Math.max(...load).toFixed(1)}).`,
    `Transfers per case: ${AUTO_TXS} (automine), ${INTERVAL_TXS} (interval, 1 s blocks), after an untimed warm-up of ${WARMUP} on the same node; ${REPS} rounds, medians. Gasket token transfer gas: ${gasket.transferGas}.`,
    `Peers: Hardhat ${PEER_VERSIONS.hardhat}, Anvil ${PEER_VERSIONS.anvil}, solc ${peers.length > 0 ? solcVersion() : '-'}, installed in ${PEERS_DIR}.`,
    '',
    '| node | mining | clients | transfers/s | p50 latency (ms) | p99 latency (ms) | send p50 (ms) | server CPU (ms/tx) | main thread CPU (ms/tx) | client CPU (ms/tx) | null receipt polls |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const mining of MODES) {
    for (const clients of CLIENTS) {
      for (const target of TARGETS) {
        const s = summary(`${target}|${mining}|${clients}`);
        out.push(
          `| ${target} | ${mining} | ${clients} | ${fmt(s.perSecond)} | ${fmt(s.p50Ms, 2)} | ${fmt(s.p99Ms, 2)} | ${fmt(s.sendP50Ms, 2)} | ${fmt(s.cpu, 3)} | ${fmt(s.mainCpu, 3)} | ${fmt(s.clientCpu, 3)} | ${fmt(s.emptyPolls)} |`,
        );
      }
    }
  }
  if (failures.length > 0)
    out.push('', 'Abandoned cases (node killed by the watchdog or failed):', ...failures.map((f) => `- ${f}`));
  out.push('', '| node | start-up (ms), median | min | max | samples |', '| --- | ---: | ---: | ---: | ---: |');
  out.push(`| (bare \`node -e 0\`, spawn to exit) | ${fmt(bareNode)} | | | 5 |`);
  for (const target of TARGETS) {
    const list = startups.get(target) ?? [];
    out.push(
      `| ${target} | ${fmt(median(list))} | ${fmt(Math.min(...list))} | ${fmt(Math.max(...list))} | ${list.length} |`,
    );
  }
  if (peers.length > 0 && TARGETS.includes('gasket')) {
    out.push(
      '',
      '| mining | clients | Gasket (memory) /s | Gasket (disk) /s | faster peer | its /s | ratio (memory) | ratio (disk) | target 5x |',
      '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    );
    for (const mining of MODES) {
      for (const clients of CLIENTS) {
        const mem = summary(`gasket|${mining}|${clients}`).perSecond;
        const disk = TARGETS.includes('gasket-disk') ? summary(`gasket-disk|${mining}|${clients}`).perSecond : NaN;
        const best = peers
          .map((p) => ({ p, v: summary(`${p}|${mining}|${clients}`).perSecond }))
          .sort((a, b) => b.v - a.v)[0]!;
        out.push(
          `| ${mining} | ${clients} | ${fmt(mem)} | ${fmt(disk)} | ${best.p} | ${fmt(best.v)} | ${fmt(mem / best.v, 1)}x | ${fmt(disk / best.v, 1)}x | ${mem >= 5 * best.v ? 'met' : 'not met'} |`,
        );
      }
    }
  }
  out.push('', "Gasket's parts, in process (one core):", '', '| part | per second | µs per tx | what |');
  out.push('| --- | ---: | ---: | --- |');
  for (const [name, p] of Object.entries(parts)) {
    out.push(`| ${name} | ${fmt(p.perSecond)} | ${fmt(p.usPerTx, 1)} | ${p.note} |`);
  }
  for (const profile of profiles) {
    const perTx = (ms: number) => fmt((ms * 1000) / profile.transfers, 0);
    out.push(
      '',
      `Profile: ${profile.target}, automine, ${profile.clients} clients (${fmt(profile.perSecond)}/s under --cpu-prof; ${fmt(profile.transfers)} transfers profiled, warm-up included); main thread busy ${fmt(profile.busyMs)} ms (${perTx(profile.busyMs)} µs a transfer), idle ${fmt(profile.idleMs)} ms; worker threads busy ${fmt(profile.workerBusyMs)} ms (${perTx(profile.workerBusyMs)} µs a transfer). Main thread by phase (inclusive):`,
      '',
      '| phase | ms | µs per transfer | share of busy |',
      '| --- | ---: | ---: | ---: |',
      ...profile.byPhase.map((p) => `| ${p.phase} | ${fmt(p.ms)} | ${perTx(p.ms)} | ${(p.share * 100).toFixed(1)}% |`),
      '',
      'Top self time:',
      '',
      '| function | self ms | share of busy |',
      '| --- | ---: | ---: |',
      ...profile.top.map((t) => `| \`${t.fn}\` | ${fmt(t.ms)} | ${(t.share * 100).toFixed(1)}% |`),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (process.env.BENCH_JSON) {
    await writeFile(
      process.env.BENCH_JSON,
      JSON.stringify(
        { runs: Object.fromEntries(runs), startups: Object.fromEntries(startups), parts, profiles, load },
        null,
        2,
      ),
    );
  }
}

await main();
