// Events (part of the receipt when the call succeeds) and debug logs (kept whatever the outcome).
import * as env from "./env";
import { Encoder } from "./msgpack";
import { utf8 } from "./errors";

/** Emits an event: a topic (UTF-8, at most 256 bytes) and data bytes. */
export function emitRaw(topic: string, data: Uint8Array): void {
  const t = utf8(topic);
  env.emit(t.dataStart, <u32>t.length, data.dataStart, <u32>data.length);
}

/** Emits an event whose data is what `fields` encoded (msgpack, by convention a map or an array). */
export function emit(topic: string, fields: Encoder): void {
  emitRaw(topic, fields.finish());
}

/** A debug log line. */
export function log(message: string): void {
  const bytes = utf8(message);
  env.log(bytes.dataStart, <u32>bytes.length);
}
