// Who and when: the call's caller, signer, own address, attached value, the block, gas left; native balances.
import * as env from "./env";
import { Address, ADDRESS_BYTES } from "./address";
import { U128 } from "./u128";

/** The account or contract that called this method. */
export function caller(): Address {
  const out = new Uint8Array(ADDRESS_BYTES);
  env.caller(out.dataStart);
  return new Address(out);
}

/** The account that signed the transaction (the caller at the top level; unchanged through nested calls). */
export function signer(): Address {
  const out = new Uint8Array(ADDRESS_BYTES);
  env.signer(out.dataStart);
  return new Address(out);
}

/** This contract's address. */
export function selfAddress(): Address {
  const out = new Uint8Array(ADDRESS_BYTES);
  env.self_address(out.dataStart);
  return new Address(out);
}

/** The native value attached to this call (already credited to this contract). */
export function valueReceived(): U128 {
  const out = new Uint8Array(16);
  env.value_received(out.dataStart);
  return U128.fromBytesLE(out);
}

/** The native balance of an account. */
export function balanceOf(account: Address): U128 {
  const out = new Uint8Array(16);
  env.balance(account.dataStart, out.dataStart);
  return U128.fromBytesLE(out);
}

/** Sends native value from this contract; false if its balance is too low. */
export function transferNative(to: Address, amount: U128): bool {
  const bytes = amount.toBytesLE();
  return env.transfer(to.dataStart, bytes.dataStart) == 0;
}

export function blockHeight(): u64 {
  return <u64>env.block_height();
}

/** Block time in seconds (set by the sequencer). */
export function blockTimestamp(): u64 {
  return <u64>env.block_timestamp();
}

export function gasLeft(): u64 {
  return <u64>env.gas_left();
}
