/**
 * Chain setups and transaction sequences as plain data, so that the same test can be replayed on fresh chains, in
 * child processes and on another engine. Addresses inside arguments may be written as references that resolve on
 * each chain: `{ $account: 2 }` (a dev account) and `{ $contract: 'token' }` (a contract of the setup).
 * @module
 */

import type { ChainConfig } from '../chain.js';
import type { ContractInterface } from '../client/index.js';
import { TestKitError } from './errors.js';
import type { TestChain, TestContract, TestReceipt } from './testChain.js';

export type ContractSetup = {
  /** How the sequence names it. */
  readonly name: string;
  readonly code: Uint8Array;
  /** Init arguments; may hold references. */
  readonly args?: unknown;
  /** Deploying account index. Default 0. */
  readonly from?: number;
  readonly value?: bigint;
  readonly interface?: ContractInterface;
};

export type ChainSetup = {
  readonly accounts?: number;
  readonly balance?: bigint;
  readonly config?: Partial<Omit<ChainConfig, 'devAccountCount' | 'devAccountBalance'>>;
  /** Deployed in order, before the sequence. */
  readonly contracts: readonly ContractSetup[];
};

export type CallTx = {
  readonly kind?: 'call';
  readonly from: number;
  readonly contract: string;
  readonly method: string;
  readonly args?: unknown;
  readonly value?: bigint;
  readonly gasLimit?: bigint;
};

export type TransferTx = {
  readonly kind: 'transfer';
  readonly from: number;
  /** An account index or a reference. */
  readonly to: number | AddressRef;
  readonly value: bigint;
};

export type TestTx = CallTx | TransferTx;

export type AddressRef = { readonly $account: number } | { readonly $contract: string };

/** A reference to dev account `index`'s address. */
export const accountRef = (index: number): AddressRef => ({ $account: index });
/** A reference to the address of the setup's contract `name`. */
export const contractRef = (name: string): AddressRef => ({ $contract: name });

/** `value` with every reference replaced by the address it names on `chain`. */
export function resolveRefs(value: unknown, chain: TestChain): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, chain));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$account')
    return chain.account((value as { $account: number }).$account).address;
  if (keys.length === 1 && keys[0] === '$contract')
    return contractOf(chain, (value as { $contract: string }).$contract).address;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, chain)]));
}

export function contractOf(chain: TestChain, name: string): TestContract {
  const contract = chain.contracts.get(name);
  if (!contract) {
    throw new TestKitError(
      'BAD_SETUP',
      `no contract named "${name}" (the setup has ${[...chain.contracts.keys()].join(', ') || 'none'})`,
    );
  }
  return contract;
}

/** How a step is named in reports: "tx 3: token.transfer from account 1". */
export function describeTx(tx: TestTx, index: number): string {
  if (tx.kind === 'transfer') {
    const to = typeof tx.to === 'number' ? `account ${tx.to}` : describeRef(tx.to);
    return `tx ${index}: transfer of ${tx.value} from account ${tx.from} to ${to}`;
  }
  return `tx ${index}: ${tx.contract}.${tx.method} from account ${tx.from}`;
}

function describeRef(ref: AddressRef): string {
  return '$account' in ref ? `account ${ref.$account}` : `contract ${ref.$contract}`;
}

/** Deploys the setup's contracts in order on `chain`. */
export async function deploySetup(chain: TestChain, setup: ChainSetup): Promise<TestReceipt[]> {
  const receipts: TestReceipt[] = [];
  for (const contract of setup.contracts) {
    const deployed = await chain.deploy(contract.code, {
      name: contract.name,
      from: contract.from ?? 0,
      value: contract.value,
      args: resolveRefs(contract.args, chain),
      interface: contract.interface,
    });
    receipts.push(deployed.deployReceipt);
  }
  return receipts;
}

/** Runs one transaction of a sequence; a refused transaction is an error (a sequence must be valid). */
export async function runTx(chain: TestChain, tx: TestTx): Promise<TestReceipt> {
  if (tx.kind === 'transfer') {
    const to = typeof tx.to === 'number' ? chain.account(tx.to).address : (resolveRefs(tx.to, chain) as Uint8Array);
    return chain.transfer(to, tx.value, { from: tx.from });
  }
  const contract = contractOf(chain, tx.contract);
  return contract.send(tx.method, resolveRefs(tx.args, chain), {
    from: tx.from,
    value: tx.value,
    gasLimit: tx.gasLimit,
  });
}
