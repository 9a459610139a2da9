// Cross-contract calls. The callee runs in its own frame: if it reverts or fails, its changes are rolled back and
// this contract continues with the status; it may then revert itself (callOrPanic does).
import * as env from "./env";
import { Address } from "./address";
import { panic, utf8 } from "./errors";
import { Decoder, Encoder } from "./msgpack";
import { U128 } from "./u128";

export enum CallStatus {
  Ok = 0,
  Revert = 1,
  /** Trapped, ran out of gas, no such contract or method... */
  Failed = 2,
}

export class CallResult {
  constructor(public readonly status: CallStatus, public readonly data: Uint8Array) {}

  get ok(): bool {
    return this.status == CallStatus.Ok;
  }

  /** A decoder over the returned bytes. */
  decoder(): Decoder {
    return new Decoder(this.data, "call result");
  }

  /** The revert message (UTF-8 data) of a reverted call. */
  message(): string {
    return String.UTF8.decodeUnsafe(this.data.dataStart, <usize>this.data.length);
  }
}

function resultBytes(): Uint8Array {
  const size = env.result_size();
  const out = new Uint8Array(size);
  if (size > 0) env.result_read(out.dataStart);
  return out;
}

/**
 * Calls `method` of `contract` with raw (msgpack) `args`, attaching `value`, with at most `gas` (0: 63/64 of
 * what is left).
 */
export function callContract(
  contract: Address,
  method: string,
  args: Uint8Array,
  value: U128 | null = null,
  gas: i64 = 0,
): CallResult {
  const m = utf8(method);
  const v = value == null ? new Uint8Array(16) : changetype<U128>(value).toBytesLE();
  const status = env.call(contract.dataStart, m.dataStart, <u32>m.length, args.dataStart, <u32>args.length, v.dataStart, gas);
  return new CallResult(<CallStatus>status, resultBytes());
}

/** Like callContract with an Encoder's arguments; reverts "call to <method> failed: <message>" unless ok. */
export function callOrPanic(contract: Address, method: string, args: Encoder, value: U128 | null = null): Uint8Array {
  const result = callContract(contract, method, args.finish(), value);
  if (!result.ok) {
    panic(
      "call to " + method + (result.status == CallStatus.Revert ? " reverted: " + result.message() : " failed"),
    );
  }
  return result.data;
}
