/**
 * `npm run bench:vm`: in-process VM throughput on the example contracts: token transfers and counter increments
 * (a storage read plus a write) per second, with the state on LevelDB (classic-level, committing a block every
 * 1,000 calls, as the devnet would) and in memory; and the cost of a compile-cache miss (compile + instantiate),
 * a hit with a fresh instance, and a hit with a reused instance. Target (issue 6): at least 20,000 token
 * transfers/s on one core. Also token transfers with tracing on (issue 9). Prints a table of medians.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample, encodeArgs } from '../contracts/index.js';
import { openState, type StateStore } from '../state/index.js';
import { ModuleCache, Vm, writeAccount } from '../vm/index.js';

const BLOCK = { height: 1n, timestamp: 1_700_000_000n };
const GAS = 10_000_000n;
/** Deploys pay per byte and per function of code (gas v2): far more than a call. */
const DEPLOY_GAS = 1_000_000_000n;
const ALICE = new Uint8Array(32).fill(0xa1);
const ROUNDS = 5;
const CALLS = 20_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function setup(state: StateStore, cache = new ModuleCache()) {
  writeAccount(state, ALICE, { balance: 10n ** 30n, nonce: 0n, codeHash: undefined });
  const vm = new Vm({ state, cache });
  const token = vm.deploy({
    code: await buildExample('token'),
    deployer: ALICE,
    nonce: 0n,
    initArgs: encodeArgs('Bench', 'BNC', 18, 10n ** 30n),
    gasLimit: DEPLOY_GAS,
    block: BLOCK,
  });
  const counter = vm.deploy({
    code: await buildExample('counter'),
    deployer: ALICE,
    nonce: 1n,
    gasLimit: DEPLOY_GAS,
    block: BLOCK,
  });
  if (token.status !== 'ok' || counter.status !== 'ok')
    throw new Error(`deploy failed: ${token.error?.message ?? counter.error?.message}`);
  await state.commitBlock();
  return { vm, token: token.address, counter: counter.address };
}

/** Calls per second of `calls` executions, committing a block every 1,000 calls. */
async function throughput(state: StateStore, run: (i: number) => void): Promise<number> {
  const start = now();
  for (let i = 0; i < CALLS; i++) {
    run(i);
    if (i % 1000 === 999) await state.commitBlock();
  }
  await state.commitBlock();
  return (CALLS / (now() - start)) * 1000;
}

async function measure(kind: 'leveldb' | 'memory') {
  const dir = await mkdtemp(join(tmpdir(), 'gasket-bench-vm-'));
  const state =
    kind === 'memory' ? await openState({ inMemory: true }) : await openState({ path: join(dir, 'db'), create: true });
  try {
    const { vm, token, counter } = await setup(state);
    const recipients = Array.from({ length: 1_000 }, (_, i) => {
      const address = new Uint8Array(32);
      new DataView(address.buffer).setUint32(0, i + 1);
      return encodeArgs(address, 1n);
    });
    /** One token transfer, traced or not: the same call, so the two figures differ by tracing alone. */
    const transferer = (trace: boolean) => (i: number) => {
      const result = vm.execute({
        contract: token,
        method: 'transfer',
        args: recipients[i % recipients.length],
        caller: ALICE,
        gasLimit: GAS,
        block: BLOCK,
        trace,
      });
      if (result.status !== 'ok' || (trace && !result.trace)) {
        throw new Error(`${trace ? 'traced ' : ''}transfer failed: ${result.error?.message}`);
      }
    };
    const transfer = transferer(false);
    const tracedTransfer = transferer(true);
    const increment = () => {
      const result = vm.execute({ contract: counter, method: 'increment', caller: ALICE, gasLimit: GAS, block: BLOCK });
      if (result.status !== 'ok') throw new Error(`increment failed: ${result.error?.message}`);
    };
    await throughput(state, transfer); // warm-up
    const transfers: number[] = [];
    const traced: number[] = [];
    const increments: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      transfers.push(await throughput(state, transfer));
      traced.push(await throughput(state, tracedTransfer));
      increments.push(await throughput(state, increment));
    }
    const gas = vm.execute({
      contract: token,
      method: 'transfer',
      args: recipients[0],
      caller: ALICE,
      gasLimit: GAS,
      block: BLOCK,
    }).gasUsed;
    return { transfers: median(transfers), traced: median(traced), increments: median(increments), transferGas: gas };
  } finally {
    await state.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Microseconds per call: cache miss (compile + instantiate), hit with a new instance, hit with a reused one. */
async function cacheCosts() {
  const state = await openState({ inMemory: true });
  const { token } = await setup(state);
  const args = encodeArgs(new Uint8Array(32).fill(7));
  const call = (vm: Vm) =>
    vm.execute({
      contract: token,
      method: 'balanceOf',
      args,
      caller: ALICE,
      gasLimit: GAS,
      block: BLOCK,
      readOnly: true,
    });
  const miss: number[] = [];
  const freshInstance: number[] = [];
  const reused: number[] = [];
  for (let i = 0; i < 200; i++) {
    const cold = new Vm({ state, cache: new ModuleCache() });
    let t = now();
    call(cold);
    miss.push((now() - t) * 1000);
    const noReuse = new Vm({ state, cache: new ModuleCache({ maxIdlePerContract: 0 }) });
    call(noReuse);
    t = now();
    call(noReuse);
    freshInstance.push((now() - t) * 1000);
    t = now();
    call(cold);
    reused.push((now() - t) * 1000);
  }
  await state.close();
  return { miss: median(miss), freshInstance: median(freshInstance), reused: median(reused) };
}

async function main() {
  const leveldb = await measure('leveldb');
  const memory = await measure('memory');
  const cache = await cacheCosts();
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `Gasket VM, in process, one core (node ${process.version}); medians of ${ROUNDS} rounds of ${CALLS.toLocaleString('en-US')} calls\n`,
  );
  console.log('| workload | state on LevelDB | state in memory | target |');
  console.log('|---|---|---|---|');
  console.log(`| token transfer, calls/s | ${fmt(leveldb.transfers)} | ${fmt(memory.transfers)} | >= 20,000 |`);
  console.log(`| token transfer with tracing on, calls/s | ${fmt(leveldb.traced)} | ${fmt(memory.traced)} | |`);
  console.log(
    `| counter increment (storage read + write), calls/s | ${fmt(leveldb.increments)} | ${fmt(memory.increments)} | |`,
  );
  console.log(
    `| gas of one token transfer | ${fmt(Number(leveldb.transferGas))} | ${fmt(Number(memory.transferGas))} | |`,
  );
  console.log('\n| compile cache (token, balanceOf) | µs per call |');
  console.log('|---|---|');
  console.log(`| miss: compile + instantiate + call | ${cache.miss.toFixed(1)} |`);
  console.log(`| hit, new instance + call | ${cache.freshInstance.toFixed(1)} |`);
  console.log(`| hit, reused instance (reset) + call | ${cache.reused.toFixed(1)} |`);
}

await main();
