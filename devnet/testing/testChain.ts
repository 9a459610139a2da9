/**
 * `createTestChain()`: an in-process devnet for tests. A real `Chain` (mempool, signed transactions, blocks,
 * receipts, state roots) on memory-level with funded dev accounts and automine, so every `send` is one instant
 * block, and no server. Contracts are deployed and called through their interface metadata (the
 * `gasket:interface` section), with arguments and results coerced as the client does. Optionally it runs the
 * contracts on the reference interpreter instead of V8, and records gas per method for a gas report.
 * @module
 */
import { openState } from '../../state/index.js';
import { readAccount, referenceEngine, type TraceFrame, type VmOptions } from '../../vm/index.js';
import type { Block, Receipt } from '../block.js';
import { Chain, type ChainConfig } from '../chain.js';
import {
  type ContractInterface,
  decodeMethodResult,
  decodeMsgpack,
  encodeMethodArgs,
  encodeUntyped,
  type MethodInterface,
  readInterface,
} from '../client/index.js';
import { toHex } from '../codec.js';
import type { KeyPair } from '../keys.js';
import { signTransaction, type UnsignedTransaction } from '../transaction.js';
import { TestKitError } from './errors.js';
import { GasRecorder } from './gasReport.js';

export type TestChainOptions = {
  /** Funded dev accounts (the devnet's own keys, index 0 first). Default 10. */
  readonly accounts?: number;
  /** Balance of each dev account. Default 10^24. */
  readonly balance?: bigint;
  /** `'reference'` runs contracts on the reference interpreter instead of V8 (slow; for differential tests). */
  readonly engine?: 'v8' | 'reference';
  /** Record gas per contract method for `gasReport()` and the process-wide `printGasReport()`. */
  readonly gasReport?: boolean;
  /** Chain parameters (chain id, genesis time, block gas limit...). */
  readonly config?: Partial<Omit<ChainConfig, 'devAccountCount' | 'devAccountBalance'>>;
  /** A test double around the host functions: see VmOptions.wrapHostImports. */
  readonly wrapHostImports?: VmOptions['wrapHostImports'];
};

export type TestAccount = { readonly index: number; readonly address: Uint8Array; readonly keys: KeyPair };

/** Who sends: an account index or a test account. Default account 0. */
export type Sender = number | TestAccount;

export type TxOptions = {
  readonly from?: Sender;
  readonly value?: bigint;
  /** Default 100,000,000. */
  readonly gasLimit?: bigint;
};

export type TestReceipt = Receipt & {
  /** The return value decoded through the method's interface (or as untyped msgpack); undefined if none. */
  readonly value: unknown;
  readonly block: Block;
};

export type DeployOptions = TxOptions & {
  /** Init arguments (named object or positional array, checked against `init` in the interface). */
  readonly args?: unknown;
  /** A name for reports; default the interface's name. */
  readonly name?: string;
  /** Interface metadata when the code carries none. */
  readonly interface?: ContractInterface;
};

export const DEFAULT_TX_GAS = 100_000_000n;

export class TestContract {
  constructor(
    readonly testChain: TestChain,
    readonly name: string,
    readonly address: Uint8Array,
    readonly iface: ContractInterface | undefined,
    /** The receipt of its deployment. */
    readonly deployReceipt: TestReceipt,
  ) {}

  /** Sends a transaction calling `method`; resolves with its receipt once mined (whatever its status). */
  send(method: string, args?: unknown, options?: TxOptions): Promise<TestReceipt> {
    return this.testChain.send(this, method, args, options);
  }

  /** A read-only call against the latest state: the decoded return value; throws if it does not return. */
  call(method: string, args?: unknown, options?: Pick<TxOptions, 'from' | 'gasLimit'>): unknown {
    return this.testChain.call(this, method, args, options);
  }

  method(name: string): MethodInterface | undefined {
    return this.iface?.methods.find((m) => m.name === name);
  }
}

export class TestChain {
  readonly accounts: readonly TestAccount[];
  readonly contracts = new Map<string, TestContract>();
  readonly gas: GasRecorder | undefined;

  constructor(
    readonly chain: Chain,
    gasReport: boolean,
  ) {
    this.accounts = chain.devAccounts.map((keys, index) => ({ index, address: keys.address, keys }));
    this.gas = gasReport ? new GasRecorder() : undefined;
  }

  account(sender: Sender = 0): TestAccount {
    const account = typeof sender === 'number' ? this.accounts[sender] : sender;
    if (!account)
      throw new TestKitError(
        'BAD_SETUP',
        `there is no account ${String(sender)}: the chain has ${this.accounts.length}`,
      );
    return account;
  }

  /** The latest block's state root. */
  get stateRoot(): Uint8Array {
    return this.chain.head.header.stateRoot;
  }

  get head(): Block {
    return this.chain.head;
  }

  balance(address: Uint8Array | Sender): bigint {
    const bytes = address instanceof Uint8Array ? address : this.account(address).address;
    return readAccount(this.chain.state, bytes).balance;
  }

  async deploy(code: Uint8Array, options: DeployOptions = {}): Promise<TestContract> {
    const iface = options.interface ?? readInterface(code);
    const init = iface?.methods.find((m) => m.name === 'init');
    const args = encodeArgs(init, options.args, 'init');
    const receipt = await this.#submit(options, (nonce, gasLimit, value) => ({
      kind: 'deploy',
      chainId: this.chain.config.chainId,
      nonce,
      gasLimit,
      gasPrice: 1n,
      value,
      code,
      args,
    }));
    const name = options.name ?? iface?.name ?? `contract${this.contracts.size}`;
    if (receipt.status !== 'ok' || !receipt.contractAddress) {
      throw new TestKitError(
        'TX_REJECTED',
        `deploying ${name} ended in ${receipt.status}: ${receipt.error?.code ?? ''} ${receipt.error?.message ?? ''}`.trim(),
      );
    }
    this.gas?.record(name, 'deploy', receipt.gasUsed);
    const contract = new TestContract(this, name, receipt.contractAddress, iface, { ...receipt, value: undefined });
    this.contracts.set(name, contract);
    return contract;
  }

  async send(contract: TestContract, method: string, args?: unknown, options: TxOptions = {}): Promise<TestReceipt> {
    const methodInterface = contract.method(method);
    const input = encodeArgs(methodInterface, args, method);
    const receipt = await this.#submit(options, (nonce, gasLimit, value) => ({
      kind: 'call',
      chainId: this.chain.config.chainId,
      nonce,
      gasLimit,
      gasPrice: 1n,
      value,
      to: contract.address,
      method,
      args: input,
    }));
    this.gas?.record(contract.name, method, receipt.gasUsed);
    return { ...receipt, value: decodeReturn(methodInterface, receipt) };
  }

  /** Sends value from one account to an address (a plain transfer). */
  transfer(to: Uint8Array | Sender, value: bigint, options: Omit<TxOptions, 'value'> = {}): Promise<TestReceipt> {
    const address = to instanceof Uint8Array ? to : this.account(to).address;
    return this.#submit({ ...options, value }, (nonce, gasLimit, amount) => ({
      kind: 'transfer',
      chainId: this.chain.config.chainId,
      nonce,
      gasLimit,
      gasPrice: 1n,
      value: amount,
      to: address,
    })).then((receipt) => ({ ...receipt, value: undefined }));
  }

  call(
    contract: TestContract,
    method: string,
    args?: unknown,
    options: Pick<TxOptions, 'from' | 'gasLimit'> = {},
  ): unknown {
    const methodInterface = contract.method(method);
    const result = this.chain.call({
      contract: contract.address,
      method,
      args: encodeArgs(methodInterface, args, method),
      from: options.from === undefined ? undefined : this.account(options.from).address,
      gasLimit: options.gasLimit,
    });
    if (result.status !== 'ok') {
      throw new TestKitError(
        'TX_REJECTED',
        `${contract.name}.${method} ended in ${result.status}: ${result.error?.message ?? ''}`.trim(),
      );
    }
    return decodeValue(methodInterface, result.returnData);
  }

  /** The call tree of a mined transaction, re-executed with tracing. */
  trace(txHash: Uint8Array): TraceFrame | undefined {
    return this.chain.traceTransaction(txHash)?.trace;
  }

  async #submit(
    options: TxOptions,
    build: (nonce: bigint, gasLimit: bigint, value: bigint) => UnsignedTransaction,
  ): Promise<Receipt & { block: Block }> {
    const sender = this.account(options.from);
    const nonce = readAccount(this.chain.state, sender.address).nonce + BigInt(this.chain.pendingCount(sender.address));
    const tx = signTransaction(
      build(nonce, options.gasLimit ?? DEFAULT_TX_GAS, options.value ?? 0n),
      sender.keys.secretKey,
      sender.keys.publicKey,
    );
    try {
      await this.chain.submit(tx.raw);
    } catch (error) {
      throw new TestKitError('TX_REJECTED', `the chain refused the transaction: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const found = this.chain.findTransaction(tx.hash);
    if (!found?.receipt || !found.location) {
      throw new TestKitError('TX_REJECTED', `transaction ${toHex(tx.hash)} was not mined`);
    }
    return { ...found.receipt, block: this.chain.getBlock(found.location.height)! };
  }

  async close(): Promise<void> {
    await this.chain.idle();
    await this.chain.state.close();
  }
}

/** An in-process chain on memory-level with funded accounts and instant blocks. */
export async function createTestChain(options: TestChainOptions = {}): Promise<TestChain> {
  const state = await openState({ inMemory: true });
  const chain = await Chain.open(
    state,
    {
      ...options.config,
      devAccountCount: options.accounts ?? 10,
      ...(options.balance === undefined ? {} : { devAccountBalance: options.balance }),
    },
    {
      vm: {
        engine: options.engine === 'reference' ? referenceEngine : undefined,
        wrapHostImports: options.wrapHostImports,
      },
    },
  );
  return new TestChain(chain, options.gasReport ?? false);
}

function encodeArgs(method: MethodInterface | undefined, args: unknown, name: string): Uint8Array {
  if (args instanceof Uint8Array) return args;
  if (method) return encodeMethodArgs(method, args);
  if (args === undefined) return new Uint8Array(0);
  if (name === 'init' && args === null) return new Uint8Array(0);
  return encodeUntyped(args);
}

function decodeValue(method: MethodInterface | undefined, bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  if (method) return decodeMethodResult(method, bytes);
  return decodeMsgpack(bytes)?.value ?? bytes;
}

function decodeReturn(method: MethodInterface | undefined, receipt: Receipt): unknown {
  if (receipt.status !== 'ok') return undefined;
  try {
    return decodeValue(method, receipt.returnData);
  } catch {
    return receipt.returnData;
  }
}
