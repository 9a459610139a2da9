/**
 * The comparable content of a VM call result (hex bytes, the error's code and message), for tests that run the
 * same calls two ways (reused vs fresh instances, V8 vs the reference interpreter) and expect equal results.
 * @module
 */
import type { CallResult } from '../vm/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function callSummary(result: CallResult) {
  return {
    status: result.status,
    returnData: hex(result.returnData),
    gasUsed: result.gasUsed,
    events: result.events.map((e) => [hex(e.contract), hex(e.topic), hex(e.data)]),
    logs: result.logs.map((l) => [hex(l.contract), l.message]),
    error: result.error && { code: result.error.code, message: result.error.message },
  };
}
