/**
 * `checkDeterminism(setup, txs)`: replays one chain setup and transaction sequence on independent fresh chains, in
 * child processes under V8's default tiers, `--liftoff-only` (baseline compiler only) and `--no-liftoff` (optimizing
 * compiler only), and optionally on the reference interpreter, then compares every step's receipt (status, gas,
 * return data, events, logs, error), state root and block hash. The first difference throws a `DeterminismError`
 * that names the transaction, the field and both values. Child processes get the setup and sequence as msgpack on
 * stdin and answer with their record on stdout (./replayWorker.ts).
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import type { VmOptions } from '../../vm/index.js';
import type { Receipt } from '../block.js';
import { toHex } from '../codec.js';
import { DeterminismError, TestKitError } from './errors.js';
import { type ChainSetup, deploySetup, describeTx, runTx, type TestTx } from './sequence.js';
import { createTestChain } from './testChain.js';

/** What one replay produced, field by field, in comparable form (hex, decimal strings). */
export type StepRecord = {
  readonly label: string;
  readonly status: string;
  readonly gasUsed: string;
  readonly returnData: string;
  readonly events: readonly (readonly [string, string, string])[];
  readonly logs: readonly string[];
  readonly error: string | null;
  readonly stateRoot: string;
  readonly blockHash: string;
};

export type ReplayRecord = { readonly steps: readonly StepRecord[] };

/** Where a replay runs. */
export type DeterminismRun = 'in-process' | 'reference' | 'child' | 'liftoff-only' | 'no-liftoff';

export const DEFAULT_RUNS: readonly DeterminismRun[] = Object.freeze([
  'in-process',
  'in-process',
  'child',
  'liftoff-only',
  'no-liftoff',
]);

const V8_FLAGS: Record<'child' | 'liftoff-only' | 'no-liftoff', string[]> = {
  child: [],
  'liftoff-only': ['--liftoff-only'],
  'no-liftoff': ['--no-liftoff'],
};

export type CheckDeterminismOptions = {
  /** The replays to compare, the first being the baseline. Default DEFAULT_RUNS. */
  readonly runs?: readonly DeterminismRun[];
  /**
   * A host test double for in-process replay number `run` (0-based): to show that a nondeterministic host is
   * caught. Child processes always run the real host.
   */
  readonly hostDouble?: (run: number) => VmOptions['wrapHostImports'] | undefined;
  /** Per child process. Default 120 s. */
  readonly timeoutMs?: number;
};

export type DeterminismReport = {
  /** The runs compared, named as in errors. */
  readonly runs: readonly string[];
  /** The baseline record (identical in every run). */
  readonly record: ReplayRecord;
};

/** Replays `txs` after `setup` on a fresh in-process chain and records every step. */
export async function replay(
  setup: ChainSetup,
  txs: readonly TestTx[],
  options: { engine?: 'v8' | 'reference'; wrapHostImports?: VmOptions['wrapHostImports'] } = {},
): Promise<ReplayRecord> {
  const chain = await createTestChain({
    accounts: setup.accounts,
    balance: setup.balance,
    config: setup.config,
    engine: options.engine,
    wrapHostImports: options.wrapHostImports,
  });
  try {
    const steps: StepRecord[] = [];
    const deployed = await deploySetup(chain, setup);
    deployed.forEach((receipt, i) => {
      steps.push(stepRecord(`deploy ${setup.contracts[i]!.name}`, receipt));
    });
    for (const [i, tx] of txs.entries()) steps.push(stepRecord(describeTx(tx, i), await runTx(chain, tx)));
    return { steps };
  } finally {
    await chain.close();
  }
}

function stepRecord(
  label: string,
  receipt: Receipt & { block: { hash: Uint8Array; header: { stateRoot: Uint8Array } } },
): StepRecord {
  return {
    label,
    status: receipt.status,
    gasUsed: receipt.gasUsed.toString(),
    returnData: toHex(receipt.returnData),
    events: receipt.events.map((e) => [toHex(e.contract), toHex(e.topic), toHex(e.data)] as const),
    logs: [...receipt.logs],
    error: receipt.error ? `${receipt.error.code}: ${receipt.error.message}` : null,
    stateRoot: toHex(receipt.block.header.stateRoot),
    blockHash: toHex(receipt.block.hash),
  };
}

const RECORD_FIELDS = ['status', 'gasUsed', 'returnData', 'events', 'logs', 'error', 'stateRoot', 'blockHash'] as const;

/** The first difference between two records, or undefined. */
export function compareRecords(
  a: ReplayRecord,
  b: ReplayRecord,
  runs: readonly [string, string],
): DeterminismError | undefined {
  const n = Math.max(a.steps.length, b.steps.length);
  for (let i = 0; i < n; i++) {
    const x = a.steps[i];
    const y = b.steps[i];
    if (!x || !y) {
      return new DeterminismError({
        step: i,
        label: (x ?? y)!.label,
        field: 'presence',
        runs,
        values: [x ? 'ran' : 'missing', y ? 'ran' : 'missing'],
      });
    }
    for (const field of RECORD_FIELDS) {
      const [u, v] = [JSON.stringify(x[field]), JSON.stringify(y[field])];
      if (u !== v) return new DeterminismError({ step: i, label: x.label, field, runs, values: [x[field], y[field]] });
    }
  }
  return undefined;
}

/**
 * Replays `txs` after `setup` in every run of `options.runs` and throws a `DeterminismError` at the first step and
 * field where a run differs from the first.
 */
export async function checkDeterminism(
  setup: ChainSetup,
  txs: readonly TestTx[],
  options: CheckDeterminismOptions = {},
): Promise<DeterminismReport> {
  const runs = options.runs ?? DEFAULT_RUNS;
  if (runs.length < 2) throw new TestKitError('BAD_SETUP', 'checkDeterminism needs at least two runs to compare');
  const names = runs.map((run, i) => runName(run, i));
  let inProcess = 0;
  const records = await Promise.all(
    runs.map((run) => {
      if (run === 'in-process' || run === 'reference') {
        const wrapHostImports = options.hostDouble?.(inProcess++);
        return replay(setup, txs, { engine: run === 'reference' ? 'reference' : 'v8', wrapHostImports });
      }
      return replayInChild(setup, txs, V8_FLAGS[run], options.timeoutMs ?? 120_000);
    }),
  );
  for (let i = 1; i < records.length; i++) {
    const difference = compareRecords(records[0]!, records[i]!, [names[0]!, names[i]!]);
    if (difference) throw difference;
  }
  return { runs: names, record: records[0]! };
}

function runName(run: DeterminismRun, index: number): string {
  const where: Record<DeterminismRun, string> = {
    'in-process': 'fresh chain in this process',
    reference: 'reference interpreter',
    child: 'child process',
    'liftoff-only': 'child process, node --liftoff-only',
    'no-liftoff': 'child process, node --no-liftoff',
  };
  return `#${index + 1} (${where[run]})`;
}

/** The protocol of ./replayWorker.ts: bigint and bytes survive the trip. */
export const WORKER_PACKR = new Packr({
  useRecords: false,
  useBigIntExtension: true,
  int64AsType: 'bigint',
  mapsAsObjects: true,
  variableMapSize: true,
});

/** The compiled worker: beside this module in dist/, or in dist/ when this module runs from source. */
function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = here.replace(/determinism\.(ts|js)$/, 'replayWorker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const fromSource = fileURLToPath(new URL('../../dist/devnet/testing/replayWorker.js', import.meta.url));
  if (existsSync(fromSource)) return fromSource;
  throw new TestKitError('REPLAY_FAILED', `the replay worker is not built (${fromSource}): run npm run build`);
}

function replayInChild(
  setup: ChainSetup,
  txs: readonly TestTx[],
  flags: readonly string[],
  timeoutMs: number,
): Promise<ReplayRecord> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, workerPath()], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new TestKitError('REPLAY_FAILED', `could not start node ${flags.join(' ')}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal
          ? `was killed (${signal}${signal === 'SIGKILL' ? `, over ${timeoutMs} ms` : ''})`
          : `exited with ${code}`;
        reject(
          new TestKitError('REPLAY_FAILED', `the replay in node ${flags.join(' ')} ${why}`, {
            details: Buffer.concat(err).toString('utf8').slice(0, 2_000),
          }),
        );
        return;
      }
      resolve(WORKER_PACKR.unpack(Buffer.concat(out)) as ReplayRecord);
    });
    child.stdin.end(WORKER_PACKR.pack({ setup, txs }));
  });
}
