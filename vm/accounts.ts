/**
 * Account records in state: balance, nonce and (for contracts) code hash, in a fixed canonical byte layout so
 * the state root depends on nothing but the values. Layout v1:
 * `[version=1][balance: u128 LE][nonce: u64 LE][hasCode: u8][codeHash: 32 bytes if hasCode]`.
 * Also the derivation of contract addresses from deployer and nonce.
 * @module
 */
import { createHash } from 'node:crypto';
import { accountKey, codeKey, type StateBackend } from '../state/index.js';
import { VmError } from './errors.js';

export type Account = {
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly codeHash: Uint8Array | undefined;
};

export const ACCOUNT_FORMAT_VERSION = 1;
export const U128_MAX = (1n << 128n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

export const EMPTY_ACCOUNT: Account = Object.freeze({ balance: 0n, nonce: 0n, codeHash: undefined });

export function encodeAccount(account: Account): Uint8Array {
  if (account.balance < 0n || account.balance > U128_MAX) throw new VmError('BAD_INPUT', 'balance out of u128 range');
  if (account.nonce < 0n || account.nonce > U64_MAX) throw new VmError('BAD_INPUT', 'nonce out of u64 range');
  const out = new Uint8Array(1 + 16 + 8 + 1 + (account.codeHash ? 32 : 0));
  out[0] = ACCOUNT_FORMAT_VERSION;
  writeU128(out, 1, account.balance);
  new DataView(out.buffer).setBigUint64(17, account.nonce, true);
  if (account.codeHash) {
    out[25] = 1;
    out.set(account.codeHash, 26);
  }
  return out;
}

export function decodeAccount(bytes: Uint8Array): Account {
  if (bytes[0] !== ACCOUNT_FORMAT_VERSION || (bytes.length !== 26 && bytes.length !== 58)) {
    throw new VmError('INTERNAL', `account record has unknown format (version ${bytes[0]}, ${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    balance: readU128(bytes, 1),
    nonce: view.getBigUint64(17, true),
    codeHash: bytes[25] === 1 ? bytes.slice(26, 58) : undefined,
  };
}

export function readAccount(state: StateBackend, address: Uint8Array): Account {
  const bytes = state.get(accountKey(address));
  return bytes ? decodeAccount(bytes) : EMPTY_ACCOUNT;
}

export function writeAccount(state: StateBackend, address: Uint8Array, account: Account): void {
  state.put(accountKey(address), encodeAccount(account));
}

export function readCode(state: StateBackend, codeHash: Uint8Array): Uint8Array | undefined {
  return state.get(codeKey(codeHash));
}

/** Moves `amount` from one account to another; false (and nothing changed) if the sender cannot pay. */
export function moveBalance(state: StateBackend, from: Uint8Array, to: Uint8Array, amount: bigint): boolean {
  if (amount === 0n) return true;
  const sender = readAccount(state, from);
  if (sender.balance < amount) return false;
  writeAccount(state, from, { ...sender, balance: sender.balance - amount });
  const receiver = readAccount(state, to);
  const credited = receiver.balance + amount;
  if (credited > U128_MAX) throw new VmError('BAD_INPUT', 'balance would overflow u128');
  writeAccount(state, to, { ...receiver, balance: credited });
  return true;
}

/** The address of the contract a deployer creates with a given nonce: sha256("gasket:contract" || deployer || nonce u64 LE). */
export function contractAddress(deployer: Uint8Array, nonce: bigint): Uint8Array {
  const nonceBytes = new Uint8Array(8);
  new DataView(nonceBytes.buffer).setBigUint64(0, nonce, true);
  return new Uint8Array(createHash('sha256').update('gasket:contract').update(deployer).update(nonceBytes).digest());
}

export function writeU128(out: Uint8Array, offset: number, value: bigint): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setBigUint64(offset, value & U64_MAX, true);
  view.setBigUint64(offset + 8, value >> 64n, true);
}

export function readU128(bytes: Uint8Array, offset: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getBigUint64(offset, true) | (view.getBigUint64(offset + 8, true) << 64n);
}
