/**
 * Test harness for the example contracts: builds each example once per test process (a promise cache), deploys it
 * on an in-memory state through vm/, and calls methods with msgpack arguments (contracts/codec.ts). `commit()`
 * commits a block and returns the state root, so a test can show that a failed call changed nothing.
 * @module
 */
import { openState, type StateStore } from '../../state/index.js';
import { type CallResult, type DeployResult, Vm, writeAccount } from '../../vm/index.js';
import { buildExample } from '../build.js';
import { decodeResult, encodeArgs } from '../codec.js';

const builds = new Map<string, Promise<Uint8Array>>();

/** The example's wasm, built once per process. */
export function example(name: string): Promise<Uint8Array> {
  let build = builds.get(name);
  if (!build) {
    build = buildExample(name);
    builds.set(name, build);
  }
  return build;
}

/** For `beforeAll` hooks that build: loading asc takes seconds, more on a busy machine. */
export const BUILD_TIMEOUT = 120_000;

export const BLOCK = Object.freeze({ height: 42n, timestamp: 1_700_000_000n });
export const GAS = 50_000_000n;

/** A 32-byte address filled with one byte. */
export const address = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
export const ALICE = address(0xa1);
export const BOB = address(0xb0);
export const CAROL = address(0xc4);

export type Call = CallResult & { readonly value: unknown; readonly message: string | undefined };

export type CallOptions = {
  readonly caller?: Uint8Array;
  readonly value?: bigint;
  readonly gasLimit?: bigint;
  readonly readOnly?: boolean;
  /** Raw argument bytes instead of encoding `args`. */
  readonly raw?: Uint8Array;
};

export class Chain {
  #nonce = 0n;

  private constructor(
    readonly state: StateStore,
    readonly vm: Vm,
  ) {}

  static async open(balances: readonly [Uint8Array, bigint][] = []): Promise<Chain> {
    const state = await openState({ inMemory: true });
    for (const [account, balance] of balances)
      writeAccount(state, account, { balance, nonce: 0n, codeHash: undefined });
    return new Chain(state, new Vm({ state }));
  }

  deploy(code: Uint8Array, initArgs: unknown[] = [], deployer: Uint8Array = ALICE): DeployResult {
    const result = this.vm.deploy({
      code,
      deployer,
      nonce: this.#nonce++,
      initArgs: encodeArgs(...initArgs),
      gasLimit: GAS,
      block: BLOCK,
    });
    if (result.status !== 'ok') throw new Error(`deploy failed: ${result.status} ${result.error?.message}`);
    return result;
  }

  call(contract: Uint8Array, method: string, args: unknown[] = [], options: CallOptions = {}): Call {
    const result = this.vm.execute({
      contract,
      method,
      args: options.raw ?? encodeArgs(...args),
      caller: options.caller ?? ALICE,
      value: options.value,
      gasLimit: options.gasLimit ?? GAS,
      block: BLOCK,
      readOnly: options.readOnly,
    });
    return {
      ...result,
      value: result.status === 'ok' ? decodeResult(result.returnData) : undefined,
      message: result.error?.message,
    };
  }

  /** Calls with raw argument bytes and leaves the return data undecoded (contracts that do not speak msgpack). */
  callRaw(contract: Uint8Array, method: string, args: Uint8Array, options: CallOptions = {}): CallResult {
    return this.vm.execute({
      contract,
      method,
      args,
      caller: options.caller ?? ALICE,
      value: options.value,
      gasLimit: options.gasLimit ?? GAS,
      block: BLOCK,
      readOnly: options.readOnly,
    });
  }

  /** Calls and expects ok; returns the decoded value. */
  ok(contract: Uint8Array, method: string, args: unknown[] = [], options: CallOptions = {}): unknown {
    const result = this.call(contract, method, args, options);
    if (result.status !== 'ok') throw new Error(`${method}: ${result.status}: ${result.message}`);
    return result.value;
  }

  /** Commits a block; the state root. */
  async commit(): Promise<Uint8Array> {
    return (await this.state.commitBlock()).root;
  }
}

/** Decoded event data of a call, with topics as text. */
export function events(result: CallResult): { topic: string; data: unknown }[] {
  return result.events.map((event) => ({
    topic: new TextDecoder().decode(event.topic),
    data: decodeResult(event.data),
  }));
}
