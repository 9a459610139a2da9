import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat, wat } from '../test/index.js';
import { instrument, METERING_EXPORTS } from './index.js';

beforeAll(loadWat);

describe('__gasket_reset', () => {
  it('sets every mutable global back to its initial value and leaves the rest alone', async () => {
    const result = instrument(
      wat(`(module (memory (export "memory") 1)
        (global $a (export "a") (mut i32) (i32.const 7)) (global $b (export "b") (mut i64) (i64.const -3))
        (global $c (export "c") i32 (i32.const 9))
        (func (export "bump") (global.set $a (i32.add (global.get $a) (i32.const 1))) (global.set $b (i64.const 100))))`),
    );
    const { instance } = await WebAssembly.instantiate(result.code);
    const ex = instance.exports as Record<string, WebAssembly.Global | (() => void)>;
    (ex[METERING_EXPORTS.gas] as WebAssembly.Global).value = 1_000_000n;
    (ex.bump as () => void)();
    (ex.bump as () => void)();
    expect([(ex.a as WebAssembly.Global).value, (ex.b as WebAssembly.Global).value]).toEqual([9, 100n]);
    (ex[METERING_EXPORTS.reset] as () => void)();
    expect([
      (ex.a as WebAssembly.Global).value,
      (ex.b as WebAssembly.Global).value,
      (ex.c as WebAssembly.Global).value,
    ]).toEqual([7, -3n, 9]);
  });

  it('is added to modules without globals, functions or exports of their own', async () => {
    const result = instrument(wat('(module (memory 1))'));
    const { instance } = await WebAssembly.instantiate(result.code);
    expect(typeof instance.exports[METERING_EXPORTS.reset]).toBe('function');
  });
});
