// Reverts with a message. The host's `revert` ends the call: its state changes are rolled back and the message
// (UTF-8) arrives in the receipt as `error.message` and `returnData`. AssemblyScript's own `assert(cond, msg)` and
// `abort` also revert, as "msg at file:line:col".
import * as env from "./env";

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

/** Ends the call with a revert carrying `message`. Never returns. */
export function panic(message: string): void {
  const bytes = String.UTF8.encode(message);
  env.revert(changetype<usize>(bytes), <u32>bytes.byteLength);
  unreachable();
}

/** Reverts with `message` unless `condition` holds. */
export function require(condition: bool, message: string): void {
  if (!condition) panic(message);
}
