/**
 * The WebAssembly core spec suite through the gas injector (issue 4, point 8): the integer, control, memory and
 * bulk-memory scripts must pass with every module instrumented in tooling mode and ample gas, call-stack
 * exhaustion must be met by the deterministic stack limit, and every invalid or malformed binary must make
 * `instrument` throw MALFORMED. Each module also runs raw, as a control of the runner itself. The scripts live
 * outside the repository, in ../shared/wasm-spec (Apache-2.0); without that folder the suite is skipped.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Check, type Failure, type FileResult, runScript, type Tally, type Wabt } from './runner.js';
import { parseScript } from './wast.js';

/** ../shared/wasm-spec beside the repository root (this file is test/spec/spec.test.ts). */
const SPEC_DIR = new URL('../../../shared/wasm-spec/', import.meta.url);
const SPEC_PATH = fileURLToPath(SPEC_DIR);
const PRESENT = existsSync(SPEC_PATH);

/**
 * The issue's list. Integer: i32, i64, int_exprs, int_literals, conversions (its float assertions run too: tooling
 * mode prices floats). Control, memory and bulk memory as listed. memory_redundancy.wast is in the issue's list but
 * not in the snapshot (its testsuite commit has no such file).
 */
const FILES: readonly string[] = [
  // integer
  'i32.wast',
  'i64.wast',
  'int_exprs.wast',
  'int_literals.wast',
  'conversions.wast',
  // control
  'block.wast',
  'br.wast',
  'br_if.wast',
  'br_table.wast',
  'call.wast',
  'call_indirect.wast',
  'fac.wast',
  'forward.wast',
  'func.wast',
  'if.wast',
  'labels.wast',
  'load.wast',
  'local_get.wast',
  'local_set.wast',
  'local_tee.wast',
  'loop.wast',
  'nop.wast',
  'return.wast',
  'select.wast',
  'stack.wast',
  'switch.wast',
  'unreachable.wast',
  'unwind.wast',
  'global.wast',
  'left-to-right.wast',
  // memory
  'address.wast',
  'align.wast',
  'memory.wast',
  'memory_grow.wast',
  'memory_size.wast',
  'memory_trap.wast',
  'store.wast',
  'endianness.wast',
  'traps.wast',
  // bulk memory
  'bulk.wast',
  'memory_copy.wast',
  'memory_fill.wast',
  'memory_init.wast',
  'data.wast',
];

/**
 * Assertions that fail in the instrumented world because of a metering bug, each with its reason and a reproduction
 * in the report of issue 4. The lead fixes metering/ and empties this list; an entry that starts passing fails the
 * test, so the list never goes stale.
 */
const KNOWN_FAILURES: readonly { file: string; line: number; reason: string }[] = [];

/**
 * Assertions the JavaScript API cannot express, waived in both worlds (the README of the snapshot lists them: V8
 * passes everything else): a signalling-NaN argument is quietened at the JS boundary, so reinterpreting it gives
 * the quiet pattern. The instrumented module must still agree with the raw one on them (the differential check).
 */
const JS_API_LIMITS: readonly { file: string; line: number; reason: string }[] = [
  { file: 'conversions.wast', line: 657, reason: 'signalling-NaN argument (f32 nan:0x200000) is quietened by JS' },
  { file: 'conversions.wast', line: 658, reason: 'signalling-NaN argument (f32 -nan:0x200000) is quietened by JS' },
  { file: 'conversions.wast', line: 673, reason: 'signalling-NaN argument (f64 nan:0x4000000000000) is quietened' },
  { file: 'conversions.wast', line: 674, reason: 'signalling-NaN argument (f64 -nan:0x4000000000000) is quietened' },
];

const listed = (list: readonly { file: string; line: number }[], f: Failure) =>
  list.some((k) => k.file === f.file && k.line === f.line);
const isKnown = (f: Failure) => listed(KNOWN_FAILURES, f);

const format = (failures: readonly Failure[]) =>
  failures.map((f) => `${f.file}:${f.line} ${f.check} [${f.world}] ${f.message}`);

const KINDS: readonly Check[] = [
  'module',
  'assert_return',
  'assert_trap',
  'assert_exhaustion',
  'assert_invalid',
  'assert_malformed',
  'assert_unlinkable',
  'assert_uninstantiable',
  'action',
];

/** The per-file and total counts printed after the run. */
function summary(results: readonly FileResult[], seconds: number): string {
  const total = new Map<Check, Tally>();
  const lines = results.map((r) => {
    const sum: Tally = { run: 0, passed: 0, waived: 0 };
    for (const kind of KINDS) {
      const t = r.counts[kind];
      if (!t) continue;
      const k = total.get(kind) ?? { run: 0, passed: 0, waived: 0 };
      for (const key of ['run', 'passed', 'waived'] as const) {
        sum[key] += t[key];
        k[key] += t[key];
      }
      total.set(kind, k);
    }
    return (
      `  ${r.file.padEnd(20)} ${String(sum.passed).padStart(5)}/${String(sum.run).padEnd(5)}` +
      `${sum.waived ? ` (${sum.waived} waived)` : ''}`.padEnd(13) +
      ` MALFORMED checks ${String(r.instrumentRejections).padStart(3)}, gas used ${r.gasUsed}`
    );
  });
  const totals = KINDS.filter((k) => total.has(k)).map((k) => {
    const t = total.get(k)!;
    return `${k} ${t.passed}/${t.run}${t.waived ? ` (+${t.waived} waived)` : ''}`;
  });
  const sumOf = (f: (r: FileResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return [
    `WebAssembly spec suite: ${results.length} files in ${seconds.toFixed(1)} s; passed/run per file:`,
    ...lines,
    `  totals: ${totals.join(', ')}`,
    `  invalid/malformed binaries instrument rejected as MALFORMED: ${sumOf((r) => r.instrumentRejections)}`,
    `  malformed/invalid text wabt refused (no binary to instrument): ${sumOf((r) => r.textRejected.length)}`,
    `  malformed/invalid text wabt turned into valid bytes (not applicable): ${sumOf((r) => r.textAccepted.length)}`,
  ].join('\n');
}

if (!PRESENT) {
  process.stderr.write(`WebAssembly spec suite skipped: the folder ${SPEC_PATH} is missing\n`);
}

describe.skipIf(!PRESENT)(
  PRESENT
    ? 'WebAssembly spec suite, every module instrumented'
    : `WebAssembly spec suite (skipped: the folder ${SPEC_PATH} is missing)`,
  () => {
    let wabt: Wabt;
    const results: FileResult[] = [];
    const started = Date.now();

    beforeAll(async () => {
      wabt = (await (await import('wabt')).default()) as unknown as Wabt;
    });

    afterAll(() => {
      if (results.length > 0) console.log(summary(results, (Date.now() - started) / 1000));
    });

    for (const file of FILES) {
      it(file, () => {
        const commands = parseScript(readFileSync(new URL(file, SPEC_DIR), 'utf8'));
        const waived = new Set(JS_API_LIMITS.filter((k) => k.file === file).map((k) => k.line));
        const result = runScript(wabt, file, commands, waived);
        results.push(result);
        // The raw world is the control: a failure there is the runner's, not metering's.
        expect(format(result.failures.filter((f) => f.world === 'raw'))).toEqual([]);
        const instrumented = result.failures.filter((f) => f.world === 'instrumented');
        expect(format(instrumented.filter((f) => !isKnown(f)))).toEqual([]);
        const stale = [
          ...KNOWN_FAILURES.filter((k) => k.file === file && !instrumented.some((f) => f.line === k.line)),
          ...JS_API_LIMITS.filter((k) => k.file === file && !result.waived.some((f) => f.line === k.line)),
        ].map((k) => `${k.file}:${k.line} now passes: remove it from its list`);
        expect(stale).toEqual([]);
        // Evidence the modules were metered: successful calls used gas.
        if (commands.some((c) => c.type === 'assert_return' && c.action.type === 'invoke')) {
          expect(result.gasUsed).toBeGreaterThan(0n);
        }
      });
    }
  },
);
