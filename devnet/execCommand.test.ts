import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat, runGasket, wat } from '../test/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gasket-exec-'));
const contract = join(dir, 'echo.wasm');

beforeAll(async () => {
  await loadWat();
  writeFileSync(
    contract,
    wat(`(module
      (import "gasket" "input_size" (func $isize (result i32)))
      (import "gasket" "input_read" (func $iread (param i32)))
      (import "gasket" "return_data" (func $ret (param i32 i32)))
      (import "gasket" "emit" (func $emit (param i32 i32 i32 i32)))
      (import "gasket" "log" (func $log (param i32 i32)))
      (import "gasket" "revert" (func $revert (param i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "echo")
      (func $fib (param i64) (result i64)
        (if (result i64) (i64.lt_u (local.get 0) (i64.const 2)) (then (local.get 0))
          (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1))) (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
      (func (export "echo") (local $n i32) (local.set $n (call $isize)) (call $iread (i32.const 16))
        (call $emit (i32.const 0) (i32.const 4) (i32.const 16) (local.get $n)) (call $log (i32.const 0) (i32.const 4))
        (drop (call $fib (i64.const 18)))
        (call $ret (i32.const 16) (local.get $n)))
      (func (export "fail") (call $revert (i32.const 0) (i32.const 4))))`),
  );
});

describe('gasket exec', () => {
  it('prints status, decoded return data, gas, events and logs', () => {
    const result = runGasket(['exec', contract, '--method', 'echo', '--args', '{"to":"bob","n":[1,2]}']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('echo: ok');
    expect(result.stdout).toContain('(msgpack: {"to":"bob","n":[1,2]})');
    expect(result.stdout).toMatch(/gas used\s+[\d,]+/);
    expect(result.stdout).toMatch(/event\s+echo 0x/);
    expect(result.stdout).toMatch(/log\s+echo/);
  });

  it('--json gives the result object; a revert exits 1 with its code and message', () => {
    const ok = runGasket(['exec', contract, '-m', 'echo', '--args', '7', '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'ok', returnData: '0x07', returnValue: 7, logs: ['echo'] });
    const fail = runGasket(['exec', contract, '-m', 'fail', '--json']);
    expect(fail.status).toBe(1);
    expect(JSON.parse(fail.stdout)).toMatchObject({ status: 'revert', error: { code: 'REVERT', message: 'echo' } });
  });

  it('bad flags are one clear line', () => {
    const bad = runGasket(['exec', contract, '-m', 'echo', '--args', '{nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--args is not valid JSON/);
    expect(runGasket(['exec', contract]).stderr).toMatch(/required option/);
  });

  it('the output is identical under --liftoff-only, --no-liftoff and --stack-size=4000', () => {
    const args = ['exec', contract, '-m', 'echo', '--args', '[1,"two",{"three":3}]', '--json'];
    const outputs = [[], ['--liftoff-only'], ['--no-liftoff'], ['--stack-size=4000']].map((flags) => {
      const result = runGasket(args, { v8Flags: flags });
      expect(result.status).toBe(0);
      return result.stdout;
    });
    expect(new Set(outputs).size).toBe(1);
    expect(JSON.parse(outputs[0]!).gasUsed).toMatch(/^\d+$/);
  });
});
