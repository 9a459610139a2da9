import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openState } from '../state/index.js';
import { COUNTER_WAT, callSummary, loadWat, PROXY_WAT, wat } from '../test/index.js';
import { CURRENT_HOST_COSTS, ModuleCache, Vm, writeAccount } from './index.js';

await loadWat();
const COUNTER = wat(COUNTER_WAT);
const PROXY = wat(PROXY_WAT);
const ALICE = new Uint8Array(32).fill(0xa1);
const BLOCK = { height: 3n, timestamp: 1_000n };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function chain(cache: ModuleCache) {
  const state = await openState({ inMemory: true });
  writeAccount(state, ALICE, { balance: 10n ** 9n, nonce: 0n, codeHash: undefined });
  const vm = new Vm({ state, cache });
  const counter = vm.deploy({ code: COUNTER, deployer: ALICE, nonce: 0n, gasLimit: 10n ** 8n, block: BLOCK }).address;
  const proxy = vm.deploy({ code: PROXY, deployer: ALICE, nonce: 1n, gasLimit: 10n ** 8n, block: BLOCK }).address;
  return { state, vm, counter, proxy };
}

const METHODS = ['increment', 'get', 'incrementThenRevert', 'fresh', 'spin', 'badPointer', 'abort', 'height', 'nope'];

const ONE_PAGE_FRAME = CURRENT_HOST_COSTS.callFrame + (CURRENT_HOST_COSTS.callFramePerPage ?? 0n);

const callArbitrary = fc.record({
  method: fc.constantFrom(...METHODS, 'forward:increment', 'forward:incrementThenRevert', 'forward:spin'),
  // Ample, enough for most methods, and just above the cost of a frame (both contracts have one page of memory).
  gas: fc.constantFrom(10n ** 7n, 200_000n, ONE_PAGE_FRAME + 1_000n, ONE_PAGE_FRAME + 100n),
  value: fc.constantFrom(0n, 0n, 7n),
  readOnly: fc.boolean(),
});

describe('instance reuse is exact', () => {
  it('reused and fresh instances give identical results, gas, events and state roots on random call sequences', async () => {
    let reusedInstances = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(callArbitrary, { minLength: 1, maxLength: 25 }), async (calls) => {
        const reused = await chain(new ModuleCache());
        const fresh = await chain(new ModuleCache({ maxIdlePerContract: 0 }));
        for (const call of calls) {
          const [method, forwardTo] = call.method.split(':') as [string, string | undefined];
          const run = (c: Awaited<ReturnType<typeof chain>>) =>
            c.vm.execute({
              contract: forwardTo ? c.proxy : c.counter,
              method: forwardTo ? 'forward' : method,
              args: forwardTo ? new Uint8Array([...c.counter, ...new TextEncoder().encode(forwardTo)]) : undefined,
              caller: ALICE,
              value: call.value,
              gasLimit: call.gas,
              block: BLOCK,
              readOnly: call.readOnly,
            });
          expect(callSummary(run(reused))).toEqual(callSummary(run(fresh)));
        }
        const [a, b] = [await reused.state.commitBlock(), await fresh.state.commitBlock()];
        expect(hex(a.root)).toBe(hex(b.root));
        reusedInstances += reused.vm.cache.stats.instancesReused;
        expect(fresh.vm.cache.stats.instancesReused).toBe(0);
        await Promise.all([reused.state.close(), fresh.state.close()]);
      }),
      { numRuns: 40 },
    );
    expect(reusedInstances).toBeGreaterThan(100);
  });
});

// Every host function with its parameter types; the fuzz contract calls each with arguments taken from its input.
const HOST_FUNCTIONS: Array<[string, string, string[], string?]> = [
  ['gasket', 'input_read', ['i32']],
  ['gasket', 'return_data', ['i32', 'i32']],
  ['gasket', 'revert', ['i32', 'i32']],
  ['gasket', 'result_read', ['i32']],
  ['gasket', 'storage_read', ['i32', 'i32'], 'i32'],
  ['gasket', 'storage_write', ['i32', 'i32', 'i32', 'i32']],
  ['gasket', 'storage_remove', ['i32', 'i32'], 'i32'],
  ['gasket', 'caller', ['i32']],
  ['gasket', 'signer', ['i32']],
  ['gasket', 'self_address', ['i32']],
  ['gasket', 'value_received', ['i32']],
  ['gasket', 'balance', ['i32', 'i32']],
  ['gasket', 'transfer', ['i32', 'i32'], 'i32'],
  ['gasket', 'emit', ['i32', 'i32', 'i32', 'i32']],
  ['gasket', 'log', ['i32', 'i32']],
  ['gasket', 'call', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i64'], 'i32'],
  ['gasket', 'sha256', ['i32', 'i32', 'i32']],
  ['gasket', 'keccak256', ['i32', 'i32', 'i32']],
  ['gasket', 'blake3', ['i32', 'i32', 'i32']],
  ['gasket', 'ed25519_verify', ['i32', 'i32', 'i32', 'i32'], 'i32'],
  ['env', 'abort', ['i32', 'i32', 'i32', 'i32']],
];

const FUZZ_CONTRACT = wat(`(module
  (import "gasket" "input_size" (func $isize (result i32)))
  ${HOST_FUNCTIONS.map(([mod, name, params, result]) => `(import "${mod}" "${name}" (func $${name} (param ${params.join(' ')})${result ? ` (result ${result})` : ''}))`).join('\n  ')}
  (memory (export "memory") 1)
  ${HOST_FUNCTIONS.map(
    ([, name, params, result]) => `(func (export "f_${name}")
    (call $input_read (i32.const 0))
    ${result ? '(drop ' : ''}(call $${name} ${params.map((type, i) => `(${type}.load (i32.const ${i * 8}))`).join(' ')})${result ? ')' : ''})`,
  ).join('\n  ')})`);

const pointerLike = fc.oneof(
  fc.constantFrom(0, 1, 31, 32, 65_504, 65_535, 65_536, 65_537, 0x7fff_ffff, -1, -32, 1 << 20),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.integer({ min: 0, max: 70_000 }),
);

describe('host ABI fuzz', () => {
  it('random pointers and lengths to every host function end in a status, never an internal error', async () => {
    const state = await openState({ inMemory: true });
    writeAccount(state, ALICE, { balance: 10n ** 9n, nonce: 0n, codeHash: undefined });
    const vm = new Vm({ state });
    const fuzz = vm.deploy({ code: FUZZ_CONTRACT, deployer: ALICE, nonce: 0n, gasLimit: 10n ** 8n, block: BLOCK });
    expect(fuzz.status, fuzz.error?.message).toBe('ok');
    const counter = vm.deploy({ code: COUNTER, deployer: ALICE, nonce: 1n, gasLimit: 10n ** 8n, block: BLOCK }).address;
    const seenCodes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...HOST_FUNCTIONS.map(([, name]) => name)),
        fc.array(pointerLike, { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        async (name, words, readOnly) => {
          const input = new Uint8Array(64);
          const view = new DataView(input.buffer);
          for (const [i, word] of words.entries()) view.setInt32(i * 8, word, true);
          const result = vm.execute({
            contract: fuzz.address,
            method: `f_${name}`,
            args: input,
            caller: ALICE,
            gasLimit: 5_000_000n,
            block: BLOCK,
            readOnly,
          });
          expect(['ok', 'revert', 'trap', 'out_of_gas']).toContain(result.status);
          if (result.error) {
            seenCodes.add(result.error.code);
            expect(result.error.code).not.toBe('INTERNAL');
          }
          expect(result.gasUsed).toBeLessThanOrEqual(5_000_000n);
          // and the VM is healthy afterwards
          expect(
            vm.execute({ contract: counter, method: 'get', caller: ALICE, gasLimit: 10n ** 6n, block: BLOCK }).status,
          ).toBe('ok');
        },
      ),
      { numRuns: 400 },
    );
    expect(seenCodes).toContain('BAD_POINTER');
    await state.close();
  });
});
