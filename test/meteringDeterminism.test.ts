/**
 * Metering determinism across processes and V8 configurations: the same contract, instrumented and run in fresh
 * child processes under Liftoff only, TurboFan only and different native stack sizes, gives the same code hash,
 * the same results, the same gas, and traps at the same recursion depth with the stack-limit reason, never with
 * V8's own (tier- and stack-size-dependent) RangeError.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat, wat } from './index.js';

const PROBE = fileURLToPath(new URL('./fixtures/meterProbe.mjs', import.meta.url));

const CONTRACT = `(module (memory (export "memory") 1)
  (global $depth (export "depth") (mut i32) (i32.const 0))
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2)) (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1))) (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func $recurse (export "recurse") (global.set $depth (i32.add (global.get $depth) (i32.const 1))) (call $recurse))
  (func $wide (export "wide") (local ${'i64 '.repeat(500)})
    (global.set $depth (i32.add (global.get $depth) (i32.const 1))) (call $wide))
  (func (export "spin") (loop $l (br $l))))`;

const CALLS = [
  { name: 'fib', args: ['20'], gas: '100000000' },
  { name: 'fib', args: ['25'], gas: '1000000' },
  { name: 'recurse', args: [], gas: '100000000' },
  { name: 'wide', args: [], gas: '100000000' },
  { name: 'spin', args: [], gas: '5000000' },
];

const V8_CONFIGURATIONS = [[], ['--liftoff-only'], ['--no-liftoff'], ['--stack-size=500'], ['--stack-size=4000']];

let wasmPath = '';
beforeAll(async () => {
  await loadWat();
  wasmPath = join(mkdtempSync(join(tmpdir(), 'gasket-det-')), 'contract.wasm');
  writeFileSync(wasmPath, wat(CONTRACT));
});

function probe(flags: readonly string[]): string {
  const json = JSON.stringify(CALLS);
  const result = spawnSync(process.execPath, [...flags, PROBE, wasmPath, json], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

describe('metering is deterministic across processes and V8 flags', () => {
  it('same code hash, results, gas and stack-limit depth under every configuration', () => {
    const lines = V8_CONFIGURATIONS.map((flags) => probe(flags));
    const baseline = JSON.parse(lines[0]!);
    for (const [i, line] of lines.entries()) expect(line, V8_CONFIGURATIONS[i]!.join(' ') || 'default').toBe(lines[0]);

    const [fib20, fib25, recurse, wide, spin] = baseline.outcomes;
    expect(fib20).toMatchObject({ status: 'ok', value: '6765' });
    expect(BigInt(fib20.gasLeft)).toBeGreaterThan(0n);
    expect(fib25).toMatchObject({ status: 'trap', reason: 1 }); // out of gas
    expect(recurse).toMatchObject({ status: 'trap', kind: 'RuntimeError', reason: 2 }); // our limit, not RangeError
    expect(recurse.depth).toBeGreaterThan(1000);
    expect(wide).toMatchObject({ status: 'trap', kind: 'RuntimeError', reason: 2 });
    expect(wide.depth).toBeLessThan(recurse.depth);
    expect(spin).toMatchObject({ status: 'trap', reason: 1 });
  });
});
