import { beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../../metering/index.js';
import { ALICE, BOB, BUILD_TIMEOUT, Chain, events, example } from './harness.js';

let code: Uint8Array;
beforeAll(async () => {
  code = await example('counter');
}, BUILD_TIMEOUT);

describe('counter example', () => {
  it('builds to a module metering accepts: no start section, no floats, only gasket imports and env.abort', () => {
    const metered = instrument(code);
    const methods = metered.exports
      .filter((e) => e.kind === 'func' && !e.name.startsWith('__gasket'))
      .map((e) => e.name);
    expect(methods.sort()).toEqual(['fail', 'get', 'increment', 'init', 'reset']);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(code)).map((i) => `${i.module}.${i.name}`);
    expect(imports.every((name) => name.startsWith('gasket.') || name === 'env.abort')).toBe(true);
  });

  it('init sets the start value; increment adds, returns the new value and emits an event', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code, [10]);
    expect(chain.ok(address, 'get')).toBe(10);
    const result = chain.call(address, 'increment', [5]);
    expect(result.status).toBe('ok');
    expect(result.value).toBe(15);
    expect(events(result)).toEqual([{ topic: 'Incremented', data: { by: 5, value: 15 } }]);
    expect(chain.ok(address, 'increment')).toBe(16);
    expect(chain.ok(address, 'get', [], { readOnly: true })).toBe(16);
  });

  it('u64 values beyond 32 bits round-trip as bigint', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code, [2n ** 63n]);
    expect(chain.ok(address, 'increment', [2n ** 63n - 1n])).toBe(2n ** 64n - 1n);
  });

  it('overflow reverts with a message and changes nothing', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code, [2n ** 64n - 1n]);
    const root = await chain.commit();
    const result = chain.call(address, 'increment', [1]);
    expect(result).toMatchObject({ status: 'revert', message: 'counter overflow', events: [] });
    expect(await chain.commit()).toEqual(root);
  });

  it('only the deployer may reset', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code, [3], ALICE);
    expect(chain.call(address, 'reset', [], { caller: BOB })).toMatchObject({
      status: 'revert',
      message: 'only the owner may reset',
    });
    expect(chain.ok(address, 'get')).toBe(3);
    chain.ok(address, 'reset');
    expect(chain.ok(address, 'get')).toBe(0);
  });

  it('bad arguments revert cleanly: wrong type, too many, a float, garbage bytes', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code, [1]);
    const root = await chain.commit();
    expect(chain.call(address, 'increment', ['five']).message).toBe(
      'bad arguments: argument 0: expected an integer at byte 1',
    );
    expect(chain.call(address, 'increment', [1, 2]).message).toBe('bad arguments: expected 1 arguments, got 2');
    expect(chain.call(address, 'increment', [-1]).message).toBe(
      'bad arguments: argument 0: expected an unsigned integer at byte 1',
    );
    const float = chain.call(address, 'increment', [], { raw: Uint8Array.from([0x91, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0]) });
    expect(float.message).toBe('bad arguments: argument 0: expected an integer (floats are not supported) at byte 1');
    const garbage = chain.call(address, 'increment', [], { raw: Uint8Array.from([0x92, 0xcd]) });
    expect(garbage).toMatchObject({ status: 'revert' });
    expect(garbage.message).toMatch(/^bad arguments/);
    expect(await chain.commit()).toEqual(root);
  });

  it('an unknown method is NO_METHOD; an AssemblyScript assert reverts with its file and line', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code);
    expect(chain.call(address, 'decrement')).toMatchObject({ status: 'revert', error: { code: 'NO_METHOD' } });
    expect(chain.call(address, 'fail')).toMatchObject({
      status: 'revert',
      error: { code: 'ABORT' },
      message: expect.stringMatching(
        /^assertion in counter at contracts\/examples\/counter\/assembly\/index\.ts:\d+:\d+$/,
      ),
    });
  });
});
