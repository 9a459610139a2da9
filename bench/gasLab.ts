/**
 * The gas lab: shared tools of `npm run calibrate` and `npm run bench:gas`. Contracts written as WebAssembly text
 * (assembled by wabt), deployed and run through the real pipeline (metering's `instrument`, the VM's deploy,
 * module cache and host ABI) on an in-memory state, timed with `process.hrtime`. Timing lives here, in bench/,
 * never in anything that reaches gas or state.
 * @module
 */
import wabtInit from 'wabt';
import { openState, type StateStore } from '../state/index.js';
import { type CallResult, type HostCostTable, ModuleCache, Vm, writeAccount } from '../vm/index.js';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt | undefined;

export async function loadWabt(): Promise<void> {
  wabt ??= await wabtInit();
}

/** Module text to binary (call `loadWabt()` first). */
export function wat(text: string): Uint8Array {
  if (!wabt) throw new Error('call loadWabt() first');
  const module = wabt.parseWat('lab.wat', text, { bulk_memory: true, sign_extension: true, multi_value: true });
  try {
    module.resolveNames();
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export const BLOCK = { height: 1n, timestamp: 1_700_000_000n };
export const DEPLOYER = new Uint8Array(32).fill(0xa1);
/** Enough for any benchmark call, below 2^63. */
export const LAB_GAS = 1n << 60n;

export const nowNs = (): number => Number(process.hrtime.bigint());
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/**
 * The statistic of every timing here: the fastest repetition. The machine is shared (2 cores, other work running),
 * and contention only ever adds time, so the minimum is the most repeatable figure of the work itself.
 */
export const fastest = (values: readonly number[]): number => Math.min(...values);

/** An in-memory chain with one VM; contracts deploy at successive nonces. */
export class Lab {
  readonly state: StateStore;
  readonly vm: Vm;
  #nonce = 0n;

  private constructor(state: StateStore, costs: HostCostTable | undefined) {
    this.state = state;
    this.vm = new Vm({ state, cache: new ModuleCache(), ...(costs ? { costs } : {}) });
    writeAccount(state, DEPLOYER, { balance: 10n ** 30n, nonce: 0n, codeHash: undefined });
  }

  static async open(costs?: HostCostTable): Promise<Lab> {
    return new Lab(await openState({ inMemory: true }), costs);
  }

  deploy(code: Uint8Array, initArgs?: Uint8Array): Uint8Array {
    const result = this.vm.deploy({
      code,
      deployer: DEPLOYER,
      nonce: this.#nonce++,
      gasLimit: LAB_GAS,
      block: BLOCK,
      ...(initArgs ? { initArgs } : {}),
    });
    if (result.status !== 'ok') throw new Error(`deploy failed: ${result.error?.code} ${result.error?.message}`);
    return result.address;
  }

  call(contract: Uint8Array, method: string, args?: Uint8Array, gasLimit = LAB_GAS): CallResult {
    return this.vm.execute({
      contract,
      method,
      caller: DEPLOYER,
      gasLimit,
      block: BLOCK,
      ...(args ? { args } : {}),
    });
  }

  async close(): Promise<void> {
    await this.state.close();
  }
}

export type Timed = { readonly ns: number; readonly gas: bigint };

/**
 * Fastest wall time (ns) and gas of one call, after `warmup` calls (so V8 has tiered the code up, as it has for
 * any contract the node runs often). `commit` adds a block commit to each timed call (state writes).
 */
export async function timeCall(
  lab: Lab,
  contract: Uint8Array,
  method: string,
  options: { reps?: number; warmup?: number; commit?: boolean; args?: (rep: number) => Uint8Array } = {},
): Promise<Timed> {
  const reps = options.reps ?? 9;
  const warmup = options.warmup ?? 3;
  const times: number[] = [];
  let gas = 0n;
  for (let rep = 0; rep < warmup + reps; rep++) {
    const args = options.args?.(rep);
    const start = nowNs();
    const result = lab.call(contract, method, args);
    if (options.commit) await lab.state.commitBlock();
    const elapsed = nowNs() - start;
    if (result.status !== 'ok')
      throw new Error(`${method}: ${result.status} ${result.error?.code} ${result.error?.message}`);
    if (rep >= warmup) times.push(elapsed);
    gas = result.gasUsed;
  }
  return { ns: fastest(times), gas };
}

/** Bytes as a WebAssembly text string literal. */
export function watBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += `\\${byte.toString(16).padStart(2, '0')}`;
  return out;
}

/** Every host function of the ABI, imported under the names the lab contracts use ($sread, $swrite, ...). */
export const HOST_IMPORTS_WAT = `
  (import "gasket" "input_size" (func $isize (result i32)))
  (import "gasket" "input_read" (func $iread (param i32)))
  (import "gasket" "return_data" (func $ret (param i32 i32)))
  (import "gasket" "result_size" (func $rsize (result i32)))
  (import "gasket" "result_read" (func $rread (param i32)))
  (import "gasket" "storage_read" (func $sread (param i32 i32) (result i32)))
  (import "gasket" "storage_write" (func $swrite (param i32 i32 i32 i32)))
  (import "gasket" "storage_remove" (func $sremove (param i32 i32) (result i32)))
  (import "gasket" "caller" (func $caller (param i32)))
  (import "gasket" "signer" (func $signer (param i32)))
  (import "gasket" "self_address" (func $self (param i32)))
  (import "gasket" "value_received" (func $valueReceived (param i32)))
  (import "gasket" "balance" (func $balance (param i32 i32)))
  (import "gasket" "transfer" (func $transfer (param i32 i32) (result i32)))
  (import "gasket" "block_height" (func $height (result i64)))
  (import "gasket" "block_timestamp" (func $timestamp (result i64)))
  (import "gasket" "gas_left" (func $gasLeft (result i64)))
  (import "gasket" "emit" (func $emit (param i32 i32 i32 i32)))
  (import "gasket" "log" (func $log (param i32 i32)))
  (import "gasket" "call" (func $call (param i32 i32 i32 i32 i32 i32 i64) (result i32)))
  (import "gasket" "sha256" (func $sha256 (param i32 i32 i32)))
  (import "gasket" "keccak256" (func $keccak256 (param i32 i32 i32)))
  (import "gasket" "blake3" (func $blake3 (param i32 i32 i32)))
  (import "gasket" "ed25519_verify" (func $ed25519 (param i32 i32 i32 i32) (result i32)))`;
