/**
 * A loop that no branch targets runs once, like a block: it gets no out-of-gas check (SPEC.md "Loop checks"). A
 * nest of 1,000 of them was instrumented with 1,000 checks, five times the module's size for V8 to compile.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateMetered, loadWat, wat } from '../test/index.js';
import { instrument } from './index.js';

beforeAll(loadWat);

const nest = (kind: 'block' | 'loop', depth: number, inner = '') =>
  wat(`(module (memory 1 1) (global $g (mut i32) (i32.const 0))
    (func (export "run")
      ${`(${kind} `.repeat(depth)}(global.set $g (i32.add (global.get $g) (i32.const 1)))${inner}${')'.repeat(depth)}))`);

describe('loops that no branch targets', () => {
  it('are instrumented like blocks: same size, same gas', async () => {
    const loops = instrument(nest('loop', 30));
    const blocks = instrument(nest('block', 30));
    expect(loops.code.length).toBe(blocks.code.length);
    const gas = async (code: Uint8Array) => (await instantiateMetered(code)).call('run', [], 1_000_000n);
    const [a, b] = [await gas(loops.code), await gas(blocks.code)];
    expect(a.status).toBe('ok');
    expect(a.gasUsed).toBe(b.gasUsed);
  });

  it('a branch to the innermost loop brings the checks back: an endless loop runs out of gas', async () => {
    const code = instrument(nest('loop', 20, '(br 0)')).code;
    expect(code.length).toBeGreaterThan(instrument(nest('block', 20, '(br 0)')).code.length);
    const outcome = (await instantiateMetered(code)).call('run', [], 100_000n);
    expect(outcome).toMatchObject({ status: 'out_of_gas', gasUsed: 100_000n });
  });
});
