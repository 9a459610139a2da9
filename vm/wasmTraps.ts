/**
 * The words a receipt uses for a wasm trap. Receipts are hashed, so their text must not depend on the engine: V8's
 * messages are V8's to change between releases, and the reference interpreter words them after the spec tests.
 * Both are mapped onto this frozen list; anything unrecognised becomes "trap".
 * @module
 */

const TRAP_WORDS: readonly (readonly [RegExp, string])[] = Object.freeze([
  [/unreachable/, 'unreachable'],
  [/memory access out of bounds|out of bounds memory access/, 'memory access out of bounds'],
  [/divide by zero|remainder by zero/, 'divide by zero'],
  [/divide result unrepresentable|integer overflow/, 'divide result unrepresentable'],
  [/table index is out of bounds|undefined element|invalid index into function table/, 'table index is out of bounds'],
  [/null function|signature mismatch|uninitialized element/, 'null function or function signature mismatch'],
  [/data segment/, 'data segment out of bounds'],
  [/element segment/, 'element segment out of bounds'],
]);

/** The stable description of a trap, from an engine's `WebAssembly.RuntimeError` message. */
export function trapWords(engineMessage: string): string {
  for (const [pattern, words] of TRAP_WORDS) if (pattern.test(engineMessage)) return words;
  return 'trap';
}
