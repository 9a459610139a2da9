import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_SCHEDULE } from '../metering/index.js';
import { loadWat, runGasket, wat } from '../test/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gasket-meter-'));
const good = join(dir, 'good.wasm');
const bad = join(dir, 'bad.wasm');

beforeAll(async () => {
  await loadWat();
  writeFileSync(
    good,
    wat('(module (memory (export "memory") 1) (func (export "f") (param i32) (result i32) (local.get 0)))'),
  );
  writeFileSync(bad, wat('(module (memory (export "memory") 1) (func (export "g") (drop (f64.const 1))))'));
});

describe('gasket meter', () => {
  it('writes a valid instrumented module and reports what it did', () => {
    const out = join(dir, 'good.out.wasm');
    const result = runGasket(['meter', good, '-o', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/functions\s+1/);
    expect(result.stdout).toMatch(/size\s+\d+ -> \d+ bytes/);
    expect(result.stdout).toMatch(/time\s+[\d.]+ ms/);
    expect(WebAssembly.validate(readFileSync(out))).toBe(true);
  });

  it('--json gives the report as an object', () => {
    const result = runGasket(['meter', good, '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, scheduleVersion: CURRENT_SCHEDULE.version, report: { functions: 1 } });
    expect(json.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a rejection prints the code and location and exits 1', () => {
    const result = runGasket(['meter', bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('rejected [FLOAT]');
    expect(result.stderr).toContain('"g"');
    expect(result.stderr).toContain('f64.const');
    const json = runGasket(['meter', bad, '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'FLOAT', location: { functionName: 'g' } },
    });
  });

  it('--tooling relaxes the gate', () => {
    expect(runGasket(['meter', bad, '--tooling']).status).toBe(0);
  });

  it('a missing file is one clear error line', () => {
    const result = runGasket(['meter', join(dir, 'missing.wasm')]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('cannot read');
  });
});
