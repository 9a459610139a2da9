/**
 * The load side of `npm run bench:devnet`, shared by every node it measures (Gasket, Hardhat, Anvil): a minimal
 * keep-alive HTTP/1.1 client over raw sockets (requests pre-encoded to bytes, so the client spends as little of
 * the machine's two cores as possible and the same for every node), the closed-loop driver (each client sends its
 * own pre-signed transactions one request at a time and, on a second connection, fetches their receipts in order),
 * child-process helpers (start-up time from spawn to the first answered request, CPU time from /proc) and medians.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';

export const now = (): number => performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A free loopback port (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A JSON-RPC 2.0 request body. */
export function rpcBody(method: string, params: unknown, id = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}

/** A whole HTTP/1.1 POST of `body` to `port`, as bytes. */
export function httpRequest(port: number, body: string): Buffer {
  const payload = Buffer.from(body);
  const head = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), payload]);
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive HTTP/1.1 connection with one request in flight at a time; answers are the response bodies. */
export class HttpConnection {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: { resolve: (body: string) => void; reject: (error: Error) => void } | undefined;
  #error: Error | undefined;
  readonly ready: Promise<void>;

  constructor(port: number) {
    this.#socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.#socket.once('connect', () => resolve());
      this.#socket.once('error', reject);
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  request(bytes: Buffer): Promise<string> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#pending) return Promise.reject(new Error('one request at a time'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(bytes);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #fail(error: Error): void {
    this.#error ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headerEnd = this.#buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headerEnd).toLowerCase();
    const bodyStart = headerEnd + 4;
    let body: string | undefined;
    let consumed = 0;
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    if (length) {
      const end = bodyStart + Number(length[1]);
      if (this.#buffer.length < end) return;
      body = this.#buffer.toString('utf8', bodyStart, end);
      consumed = end;
    } else if (head.includes('transfer-encoding: chunked')) {
      const parts: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = this.#buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = Number.parseInt(this.#buffer.toString('latin1', at, lineEnd), 16);
        if (this.#buffer.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          consumed = lineEnd + 4;
          break;
        }
        parts.push(this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts).toString('utf8');
    } else {
      this.#fail(new Error(`response without a length: ${head.slice(0, 200)}`));
      return;
    }
    this.#buffer = this.#buffer.subarray(consumed);
    const pending = this.#pending;
    this.#pending = undefined;
    if (!head.startsWith('http/1.1 200'))
      pending?.reject(new Error(`HTTP ${head.slice(9, 12)}: ${body.slice(0, 300)}`));
    else pending?.resolve(body);
  }
}

/** One JSON-RPC call on a fresh connection: for set-up and checks, not for the timed part. */
export async function rpcCall(port: number, method: string, params: unknown): Promise<unknown> {
  const connection = new HttpConnection(port);
  try {
    await connection.ready;
    const answer = JSON.parse(await connection.request(httpRequest(port, rpcBody(method, params)))) as {
      result?: unknown;
      error?: { message: string };
    };
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result;
  } finally {
    connection.close();
  }
}

/** Polls `method` until a receipt-like non-null result, every few ms, for at most `timeoutMs`. */
export async function waitFor(port: number, method: string, params: unknown, timeoutMs = 30_000): Promise<unknown> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const result = await rpcCall(port, method, params);
    if (result !== null && result !== undefined) return result;
    if (now() > deadline) throw new Error(`${method}: no answer within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** utime + stime of a process (all its threads), in milliseconds. */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * utime + stime of a process's main thread alone (its thread id is the process id), in milliseconds: for a Node
 * node, the thread that parses requests, executes and commits, whose time per transfer bounds its throughput.
 */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** Resident set size of a process, in MiB. */
export function processRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

export type NodeProcess = { readonly child: ChildProcess; readonly port: number; readonly startupMs: number };

/**
 * Spawns a node and measures its start-up: from just before spawn to the first answered `probe` request (tried
 * every 2 ms on a fresh connection). The child's stdout is drained and dropped; stderr is kept for errors.
 */
export async function spawnNode(
  command: string,
  args: readonly string[],
  port: number,
  probe: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<NodeProcess> {
  const request = httpRequest(port, probe);
  const start = now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 10_000) stderr += chunk.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = start + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`${command} ${args.join(' ')} exited: ${stderr}`);
    const connection = new HttpConnection(port);
    try {
      await connection.ready;
      const body = await connection.request(request);
      if (body.includes('"result"')) {
        return { child, port, startupMs: now() - start };
      }
    } catch {
      // not up yet
    } finally {
      connection.close();
    }
    if (now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} did not answer within ${options.timeoutMs ?? 60_000} ms: ${stderr}`);
    }
    await sleep(2);
  }
}

/** Stops a node: SIGINT (a clean shutdown), SIGKILL after `graceMs`. */
export async function stopNode(node: NodeProcess, graceMs = 10_000): Promise<void> {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** One client's pre-built work: the HTTP requests sending its transactions, and those fetching their receipts. */
export type ClientPlan = { readonly sends: readonly Buffer[]; readonly receipts: readonly Buffer[] };

export type LoadResult = {
  readonly transactions: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * Median from writing a send request to reading its answer: with automine on Gasket and Hardhat the block is
   * mined by then; the receipt latency above also holds the time the receipt connection, one request in flight and
   * answered in turn with the sends, runs behind them.
   */
  readonly sendP50Ms: number;
  readonly serverCpuMsPerTx: number;
  /** The server's main thread alone (see mainThreadCpuMs). */
  readonly mainThreadCpuMsPerTx: number;
  readonly clientCpuMsPerTx: number;
  /** receipt requests answered null (not mined yet) */
  readonly emptyPolls: number;
};

/** How a node's answers read: a sent transaction's acknowledgement, and a receipt (null while pending). */
export type Dialect = {
  /** Throws if the send failed. */
  checkSend(body: string): void;
  /** 'pending' while the receipt is null; throws if the transaction failed. */
  receipt(body: string): 'ready' | 'pending';
};

const RETRY_MS = [0, 0, 1, 1, 2, 5];

/** A case is abandoned (the node killed) past these: the machine is shared. */
export const LIMITS = {
  maxRssMiB: Number(process.env.BENCH_MAX_RSS_MIB ?? 4096),
  maxSeconds: Number(process.env.BENCH_MAX_SECONDS ?? 120),
};

/**
 * Runs the clients at once until every receipt is fetched. Each client has two connections: one sends its
 * transactions in order, one request in flight; the other fetches the receipt of each sent transaction in order,
 * retrying a null answer after 0, 0, 1, 1, 2, then every 5 ms. Latency is from writing the send request to
 * reading the first non-null receipt; the send's own round trip is kept too.
 */
export async function runLoad(port: number, pid: number, plans: readonly ClientPlan[], dialect: Dialect) {
  const connections = plans.map(() => ({ send: new HttpConnection(port), receipt: new HttpConnection(port) }));
  await Promise.all(connections.flatMap((c) => [c.send.ready, c.receipt.ready]));
  const total = plans.reduce((sum, plan) => sum + plan.sends.length, 0);
  const latencies: number[] = [];
  const sendLatencies: number[] = [];
  let emptyPolls = 0;
  const serverCpu0 = processCpuMs(pid);
  const mainCpu0 = mainThreadCpuMs(pid);
  const clientCpu0 = process.cpuUsage();
  const start = now();
  let aborted: Error | undefined;
  const watchdog = setInterval(() => {
    const rss = processRssMiB(pid);
    const seconds = (now() - start) / 1000;
    if (rss > LIMITS.maxRssMiB || seconds > LIMITS.maxSeconds) {
      aborted = new Error(`aborted after ${seconds.toFixed(0)} s at ${rss.toFixed(0)} MiB RSS`);
      process.kill(pid, 'SIGKILL');
    }
  }, 250);
  await Promise.all(
    plans.map(async (plan, c) => {
      const { send, receipt } = connections[c]!;
      const sentAt = new Float64Array(plan.sends.length);
      let sentCount = 0;
      let wake: (() => void) | undefined;
      const sender = (async () => {
        for (let i = 0; i < plan.sends.length; i++) {
          sentAt[i] = now();
          dialect.checkSend(await send.request(plan.sends[i]!));
          sendLatencies.push(now() - sentAt[i]!);
          sentCount = i + 1;
          wake?.();
        }
      })();
      const fetcher = (async () => {
        for (let i = 0; i < plan.receipts.length; i++) {
          while (sentCount <= i) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          for (let attempt = 0; ; attempt++) {
            if (dialect.receipt(await receipt.request(plan.receipts[i]!)) === 'ready') break;
            emptyPolls++;
            const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
            await (delay === 0 ? new Promise((resolve) => setImmediate(resolve)) : sleep(delay));
          }
          latencies.push(now() - sentAt[i]!);
        }
      })();
      await Promise.all([sender, fetcher]);
    }),
  )
    .catch((error: unknown) => {
      throw aborted ?? error;
    })
    .finally(() => clearInterval(watchdog));
  const elapsedMs = now() - start;
  const serverCpu = processCpuMs(pid) - serverCpu0;
  const mainCpu = mainThreadCpuMs(pid) - mainCpu0;
  const clientCpu = process.cpuUsage(clientCpu0);
  for (const c of connections) {
    c.send.close();
    c.receipt.close();
  }
  return {
    transactions: total,
    elapsedMs,
    perSecond: (total / elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    sendP50Ms: percentile(sendLatencies, 50),
    serverCpuMsPerTx: serverCpu / total,
    mainThreadCpuMsPerTx: mainCpu / total,
    clientCpuMsPerTx: (clientCpu.user + clientCpu.system) / 1000 / total,
    emptyPolls,
  } satisfies LoadResult;
}
