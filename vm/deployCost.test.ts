/**
 * Deploy gas: the per-byte, per-function, per-block and per-local terms of the host price table (issue 12: the
 * analyzer's and V8's work on block-dense code and on many locals is not tracked by bytes alone). Figures are
 * derived from the current table and the metering report, never written out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { instrument } from '../metering/index.js';
import { openState, type StateStore } from '../state/index.js';
import { loadWat, wat } from '../test/index.js';
import {
  CURRENT_HOST_COSTS,
  deployItemsCost,
  HOST_COSTS_V2,
  HOST_COSTS_V3,
  readAccount,
  Vm,
  writeAccount,
} from './index.js';

const ALICE = new Uint8Array(32).fill(0xa1);
const BLOCK = { height: 1n, timestamp: 1_700_000_000n };
const GAS = 10n ** 12n;

await loadWat();

/** `functions` functions, each with `locals` i64 locals and `blocks` nested blocks (every third a loop or an if). */
function moduleWith(functions: number, blocks: number, locals: number): Uint8Array {
  const open = Array.from({ length: blocks }, (_, i) =>
    i % 3 === 0 ? '(block' : i % 3 === 1 ? '(loop' : '(if (i32.const 1) (then',
  ).join(' ');
  const close = Array.from({ length: blocks }, (_, i) => (i % 3 === 2 ? '))' : ')'))
    .reverse()
    .join('');
  const body = `(local ${'i64 '.repeat(locals)}) ${open} (nop) ${close}`;
  const funcs = Array.from(
    { length: functions },
    (_, i) => `(func (export "f${i}") ${locals ? body : `${open} ${close}`})`,
  );
  return wat(`(module (memory (export "memory") 1) ${funcs.join(' ')})`);
}

let state: StateStore;
let vm: Vm;
let nonce = 0n;

beforeEach(async () => {
  state = await openState({ inMemory: true });
  vm = new Vm({ state });
  writeAccount(state, ALICE, { balance: 0n, nonce: 0n, codeHash: undefined });
});

const deploy = (code: Uint8Array, gasLimit = GAS) =>
  vm.deploy({ code, deployer: ALICE, nonce: nonce++, gasLimit, block: BLOCK });

const expectedGas = (code: Uint8Array) => {
  const costs = CURRENT_HOST_COSTS;
  return costs.deployBase + costs.deployPerByte * BigInt(code.length) + deployItemsCost(costs, instrument(code).report);
};

describe('deploy gas', () => {
  it('the metering report counts block, loop and if instructions and declared locals', () => {
    for (const [functions, blocks, locals] of [
      [1, 0, 0],
      [2, 7, 0],
      [3, 4, 9],
    ] as const) {
      const report = instrument(moduleWith(functions, blocks, locals)).report;
      expect(report.blocks).toBe(functions * blocks);
      expect(report.locals).toBe(functions * locals);
    }
  });

  it('charges base, bytes, functions, blocks and locals, and nothing else without an init', () => {
    const code = moduleWith(3, 12, 20);
    const result = deploy(code);
    expect(result.status).toBe('ok');
    expect(result.gasUsed).toBe(expectedGas(code));
  });

  it('each block and each local adds its table price (table 3 prices both; table 2 neither)', () => {
    const base = moduleWith(2, 3, 5);
    const moreBlocks = moduleWith(2, 6, 5);
    const moreLocals = moduleWith(2, 3, 10);
    const byteGas = (a: Uint8Array, b: Uint8Array) => CURRENT_HOST_COSTS.deployPerByte * BigInt(b.length - a.length);
    const gas = (code: Uint8Array) => deploy(code).gasUsed;
    expect(gas(moreBlocks) - gas(base) - byteGas(base, moreBlocks)).toBe(
      2n * 3n * (CURRENT_HOST_COSTS.deployPerBlock ?? 0n),
    );
    expect(gas(moreLocals) - gas(base) - byteGas(base, moreLocals)).toBe(
      2n * 5n * (CURRENT_HOST_COSTS.deployPerLocal ?? 0n),
    );
    expect(HOST_COSTS_V3.deployPerBlock).toBeGreaterThan(0n);
    expect(HOST_COSTS_V3.deployPerLocal).toBeGreaterThan(0n);
    expect(deployItemsCost(HOST_COSTS_V2, instrument(moreBlocks).report)).toBe(
      (HOST_COSTS_V2.deployPerFunction ?? 0n) * 2n,
    );
  });

  it('a limit one unit below the price fails out of gas and stores no code', () => {
    const code = moduleWith(2, 30, 30);
    const price = expectedGas(code);
    const short = deploy(code, price - 1n);
    expect(short.status).toBe('out_of_gas');
    expect(short.gasUsed).toBe(price - 1n);
    expect(readAccount(state, short.address).codeHash).toBeUndefined();
    expect(deploy(code, price).status).toBe('ok');
  });
});
