import { beforeAll, describe, expect, it } from 'vitest';
import {
  HEADER,
  instantiateMetered,
  loadWat,
  moduleWithBodies,
  name,
  section,
  uleb,
  vector,
  wat,
} from '../test/index.js';
import {
  CURRENT_SCHEDULE,
  DEFAULT_LIMITS,
  instrument,
  LIMITS_BY_VERSION,
  LIMITS_V1,
  LIMITS_VERSION,
  MeteringError,
} from './index.js';

beforeAll(loadWat);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof MeteringError) return error.code;
    throw error;
  }
}

/** A body nesting `depth` empty blocks: block block ... end end, then the function's end. */
function nestedBody(depth: number): number[] {
  return [0x00, ...new Array(depth).fill([0x02, 0x40]).flat(), ...new Array(depth).fill(0x0b), 0x0b];
}

describe('hostile input to the rewriter', () => {
  it('80,000-deep nesting (a real EOS test contract shape) is a LIMIT, without recursion or a crash', () => {
    const bytes = moduleWithBodies([nestedBody(80_000)]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(codeOf(() => instrument(bytes))).toBe('LIMIT');
  });

  it('the walker itself has no depth bound: 80,000 levels instrument when the limit allows them', () => {
    const bytes = moduleWithBodies([nestedBody(80_000)]);
    const result = instrument(bytes, { limits: { maxNestingDepth: 100_000 } });
    expect(WebAssembly.validate(result.code)).toBe(true);
  });

  it('a huge local count that V8 refuses is MALFORMED in milliseconds', () => {
    // 28 KB of local groups of 100,000 i64 each: far past V8's 50,000-local limit
    const groups = 5_000;
    const locals = [...uleb(groups), ...new Array(groups).fill([...uleb(100_000), 0x7e]).flat()];
    const bytes = moduleWithBodies([[...locals, 0x0b]]);
    expect(bytes.length).toBeGreaterThan(20_000);
    const started = process.hrtime.bigint();
    expect(codeOf(() => instrument(bytes))).toBe('MALFORMED');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });

  it('a local count V8 accepts but over our limit is a LIMIT', () => {
    const bytes = moduleWithBodies([[1, ...uleb(DEFAULT_LIMITS.maxLocalsPerFunction + 1), 0x7f, 0x0b]]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(codeOf(() => instrument(bytes))).toBe('LIMIT');
  });

  it('a malformed name section (which V8 ignores) is dropped, not fatal', () => {
    const garbageNames = section(0, [...name('name'), 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x99]);
    const bytes = moduleWithBodies([[0x00, 0x0b]], { extraSections: garbageNames });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const result = instrument(bytes);
    expect(result.report.droppedCustomSections).toEqual(['name']);
    expect(WebAssembly.Module.customSections(new WebAssembly.Module(result.code), 'name')).toHaveLength(0);
  });

  it('keeps gasket: custom sections', () => {
    const ours = section(0, [...name('gasket:interface'), 1, 2, 3]);
    const result = instrument(moduleWithBodies([[0x00, 0x0b]], { extraSections: ours }));
    const kept = WebAssembly.Module.customSections(new WebAssembly.Module(result.code), 'gasket:interface');
    expect(kept.map((b) => [...new Uint8Array(b)])).toEqual([[1, 2, 3]]);
  });

  it('keeps the DataCount section, so memory.init and data.drop of passive segments still validate and run', async () => {
    const bytes = wat(`(module (memory (export "memory") 1) (data $d "gasket")
      (func (export "f") (result i32) (memory.init $d (i32.const 100) (i32.const 0) (i32.const 6)) (data.drop $d)
        (i32.load8_u (i32.const 105))))`);
    const result = instrument(bytes);
    const metered = await instantiateMetered(result.code);
    expect(metered.call('f', [], 10_000n)).toMatchObject({ status: 'ok', value: 't'.charCodeAt(0) });
  });

  it('a very large function (1 MB of code) instruments in linear time and runs', async () => {
    const count = 170_000; // i32.const 1 / drop pairs: 3 bytes each
    const body = [0x00, ...new Array(count).fill([0x41, 0x01, 0x1a]).flat(), 0x0b];
    const bytes = moduleWithBodies([body]);
    expect(bytes.length).toBeGreaterThan(500_000);
    const result = instrument(bytes);
    const metered = await instantiateMetered(result.code);
    expect(metered.call('f0', [], 10_000_000n)).toEqual({ status: 'ok', value: undefined, gasUsed: BigInt(count) });
  });
});

describe('adversarial contracts stop deterministically', () => {
  it('an infinite loop runs out of gas and consumes the whole limit', async () => {
    const result = instrument(wat('(module (memory (export "memory") 1) (func (export "f") (loop $l (br $l))))'));
    const metered = await instantiateMetered(result.code);
    expect(metered.call('f', [], 1_000_000n)).toMatchObject({ status: 'out_of_gas', gasUsed: 1_000_000n });
  });

  it('unbounded recursion hits the stack limit, not V8s stack overflow', async () => {
    const result = instrument(wat('(module (memory (export "memory") 1) (func $f (export "f") (call $f)))'));
    const metered = await instantiateMetered(result.code);
    expect(metered.call('f', [], 10n ** 12n)).toMatchObject({ status: 'stack_limit' });
  });

  it('memory.grow past the cap returns -1 and is still charged per page', async () => {
    const result = instrument(
      wat(
        '(module (memory (export "memory") 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))',
      ),
    );
    const metered = await instantiateMetered(result.code);
    const perPage = BigInt(CURRENT_SCHEDULE.memoryGrowPerPage);
    // Enough for 60,000 pages, far from enough for 2^31-1.
    const limit = perPage * 100_000n;
    const small = metered.call('grow', [1], limit);
    expect(small).toMatchObject({ status: 'ok', value: 1 });
    const huge = metered.call('grow', [60_000], limit);
    expect(huge).toMatchObject({ status: 'ok', value: -1 });
    if (small.status === 'ok' && huge.status === 'ok') {
      // The same instance: the small grow saw 1 page, the huge one 2 (schedule 3 charges per current page too).
      const perCurrent = BigInt(CURRENT_SCHEDULE.memoryGrowPerCurrentPage ?? 0);
      expect(huge.gasUsed - small.gasUsed).toBe(perPage * (60_000n - 1n) + perCurrent * (2n - 1n));
    }
    expect(metered.call('grow', [0x7fffffff], limit)).toMatchObject({ status: 'out_of_gas' });
  });

  it('a huge bulk copy runs out of gas before copying anything', async () => {
    const result = instrument(
      wat(`(module (memory (export "memory") 1)
        (func (export "copy") (param i32) (i32.store8 (i32.const 0) (i32.const 7)) (memory.copy (i32.const 1) (i32.const 0) (local.get 0)))
        (func (export "peek") (result i32) (i32.load8_u (i32.const 1))))`),
    );
    const metered = await instantiateMetered(result.code);
    expect(metered.call('copy', [0xffffffff | 0], 1_000_000n)).toMatchObject({ status: 'out_of_gas' });
    expect(metered.call('peek', [], 1_000n)).toMatchObject({ status: 'ok', value: 0 });
  });

  it('the memory maximum is clamped to the cap', () => {
    const result = instrument(wat('(module (memory (export "memory") 1))'), { limits: { maxMemoryPages: 3 } });
    const memory = new WebAssembly.Instance(new WebAssembly.Module(result.code)).exports.memory as WebAssembly.Memory;
    expect(memory.grow(2)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
    expect(result.limitsVersion).toBeUndefined(); // overridden limits are no published version
  });

  it('each published limits version caps memory at its own figure, and the result names the version', () => {
    const bytes = wat('(module (memory (export "memory") 1))');
    const maxPages = (code: Uint8Array) => {
      const memory = new WebAssembly.Instance(new WebAssembly.Module(code)).exports.memory as WebAssembly.Memory;
      let pages = 1;
      while (pages < 70_000 && memory.grow(0) === pages) {
        try {
          memory.grow(1);
          pages++;
        } catch {
          break;
        }
      }
      return pages;
    };
    const byDefault = instrument(bytes);
    expect(byDefault.limitsVersion).toBe(LIMITS_VERSION);
    expect(maxPages(byDefault.code)).toBe(DEFAULT_LIMITS.maxMemoryPages);
    for (const [version, limits] of Object.entries(LIMITS_BY_VERSION)) {
      const result = instrument(bytes, { limits });
      expect(result.limitsVersion).toBe(Number(version));
      expect(maxPages(result.code)).toBe(limits.maxMemoryPages);
    }
    // versions differ, so their code (and hash) differs
    expect(Buffer.from(instrument(bytes, { limits: LIMITS_V1 }).codeHash).equals(Buffer.from(byDefault.codeHash))).toBe(
      LIMITS_VERSION === 1,
    );
  });
});

describe('stable output', () => {
  it('the same input gives byte-identical output and hash', () => {
    const bytes = wat(`(module (memory (export "memory") 1) (func (export "f") (param i32) (result i32)
      (block (result i32) (br_if 0 (i32.const 1) (local.get 0)) (drop) (i32.const 2))))`);
    const first = instrument(bytes);
    const second = instrument(new Uint8Array(bytes));
    expect(Buffer.from(second.code).equals(Buffer.from(first.code))).toBe(true);
    expect(Buffer.from(second.codeHash).toString('hex')).toBe(Buffer.from(first.codeHash).toString('hex'));
  });

  it('HEADER-only module without memory is NO_MEMORY, not a crash', () => {
    expect(codeOf(() => instrument(new Uint8Array([...HEADER, ...section(1, vector([]))])))).toBe('NO_MEMORY');
  });
});
