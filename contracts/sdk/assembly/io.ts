// A method's input and output. Arguments are a msgpack array of positional arguments (empty input: no
// arguments); the return value is one msgpack value. A missing, surplus or mistyped argument reverts with
// "bad arguments: argument <i>: ...".
import * as env from "./env";
import { Decoder, Encoder } from "./msgpack";
import { Address } from "./address";
import { U128 } from "./u128";

/** The raw input bytes of this call. */
export function input(): Uint8Array {
  const size = env.input_size();
  const out = new Uint8Array(size);
  if (size > 0) env.input_read(out.dataStart);
  return out;
}

/** Positional arguments, read in order. */
export class Args {
  readonly decoder: Decoder;
  readonly count: i32;
  private next: i32 = 0;

  constructor(bytes: Uint8Array = input()) {
    this.decoder = new Decoder(bytes, "bad arguments");
    this.count = bytes.length == 0 ? 0 : this.decoder.array();
  }

  private take(): Decoder {
    const d = this.decoder;
    if (this.next >= this.count) {
      d.index = -1;
      d.fail("expected at least " + (this.next + 1).toString() + " arguments, got " + this.count.toString(), false);
    }
    d.index = this.next++;
    return d;
  }

  /** The next argument, of any type Decoder.read supports. */
  get<T>(): T {
    return this.take().read<T>();
  }

  u64(): u64 {
    return this.take().u64();
  }

  i64(): i64 {
    return this.take().i64();
  }

  u32(): u32 {
    return this.take().u32();
  }

  bool(): bool {
    return this.take().bool();
  }

  u128(): U128 {
    return this.take().u128();
  }

  string(): string {
    return this.take().str();
  }

  bytes(): Uint8Array {
    return this.take().bin();
  }

  address(): Address {
    return this.take().address();
  }

  /** Whether the next argument is nil (an optional argument left out); does not consume it. */
  nextIsNil(): bool {
    return this.next < this.count && this.decoder.isNil();
  }

  /** Skips one argument whatever its type. */
  skip(): void {
    this.take().skip();
  }

  /** Reverts if arguments are left over (call it after reading the last one). */
  done(): void {
    const d = this.decoder;
    d.index = -1;
    if (this.next != this.count) {
      d.fail("expected " + this.next.toString() + " arguments, got " + this.count.toString(), false);
    }
    d.end();
  }
}

/** Reads the arguments of a method that takes none: reverts if any are given. */
export function noArgs(): void {
  new Args().done();
}

/** Sets the raw return data of this call (the last call wins). */
export function returnBytes(bytes: Uint8Array): void {
  env.return_data(bytes.dataStart, <u32>bytes.length);
}

/** Returns what an Encoder holds. */
export function returnEncoded(encoder: Encoder): void {
  returnBytes(encoder.finish());
}

/** Returns one value, msgpack-encoded. */
export function returnValue<T>(value: T): void {
  returnBytes(new Encoder().write<T>(value).finish());
}
