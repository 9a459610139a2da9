import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCustomSection } from '../build.js';
import { decodeInterfaceSection, INTERFACE_SECTION } from '../interface.js';
import { ALICE, BOB, BUILD_TIMEOUT, CAROL, Chain, events, example } from './harness.js';

const ZERO = new Uint8Array(32);
const U128_MAX = 2n ** 128n - 1n;
const SUPPLY = 1_000_000n * 10n ** 18n; // above 2^64: exercises the u128 extension form

let code: Uint8Array;
beforeAll(async () => {
  code = await example('token');
}, BUILD_TIMEOUT);

async function setup(supply = SUPPLY) {
  const chain = await Chain.open();
  const token = chain.deploy(code, ['Gasket Token', 'GSK', 18, supply], ALICE).address;
  const balance = (who: Uint8Array) => BigInt(chain.ok(token, 'balanceOf', [who], { readOnly: true }) as bigint);
  return { chain, token, balance };
}

describe('token example', () => {
  it('carries its interface in the gasket:interface section, matching its exports', () => {
    const section = readCustomSection(code, INTERFACE_SECTION);
    expect(section).toBeDefined();
    const iface = decodeInterfaceSection(section!);
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(code))
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    expect(iface.methods.map((m) => m.name).sort()).toEqual(exported.sort());
    expect(iface.methods.find((m) => m.name === 'balanceOf')).toMatchObject({ returns: 'u128', readOnly: true });
  });

  it('init mints the supply to the deployer; metadata is readable in read-only calls', async () => {
    const { chain, token, balance } = await setup();
    expect(chain.ok(token, 'name', [], { readOnly: true })).toBe('Gasket Token');
    expect(chain.ok(token, 'symbol', [], { readOnly: true })).toBe('GSK');
    expect(chain.ok(token, 'decimals', [], { readOnly: true })).toBe(18);
    expect(chain.ok(token, 'totalSupply', [], { readOnly: true })).toBe(SUPPLY);
    expect(chain.ok(token, 'owner', [], { readOnly: true })).toEqual(ALICE);
    expect(balance(ALICE)).toBe(SUPPLY);
    expect(balance(BOB)).toBe(0n);
  });

  it('transfer moves balances and emits Transfer', async () => {
    const { chain, token, balance } = await setup();
    const result = chain.call(token, 'transfer', [BOB, 250n]);
    expect(result).toMatchObject({ status: 'ok', value: true });
    expect(events(result)).toEqual([{ topic: 'Transfer', data: { from: ALICE, to: BOB, amount: 250 } }]);
    expect(balance(ALICE)).toBe(SUPPLY - 250n);
    expect(balance(BOB)).toBe(250n);
    chain.ok(token, 'transfer', [BOB, 0n], { caller: BOB }); // self-transfer of nothing is fine
    chain.ok(token, 'transfer', [BOB, 100n], { caller: BOB }); // to oneself keeps the balance
    expect(balance(BOB)).toBe(250n);
  });

  it('insufficient balance reverts with a message and changes nothing', async () => {
    const { chain, token } = await setup();
    chain.ok(token, 'transfer', [BOB, 10n]);
    const root = await chain.commit();
    const result = chain.call(token, 'transfer', [CAROL, 11n], { caller: BOB });
    expect(result).toMatchObject({ status: 'revert', message: 'insufficient balance', events: [] });
    expect(await chain.commit()).toEqual(root);
  });

  it('approve and transferFrom spend the allowance; over the allowance reverts', async () => {
    const { chain, token, balance } = await setup();
    const approval = chain.call(token, 'approve', [BOB, 100n]);
    expect(events(approval)).toEqual([{ topic: 'Approval', data: { owner: ALICE, spender: BOB, amount: 100 } }]);
    expect(chain.ok(token, 'allowance', [ALICE, BOB])).toBe(100);
    chain.ok(token, 'transferFrom', [ALICE, CAROL, 60n], { caller: BOB });
    expect(balance(CAROL)).toBe(60n);
    expect(chain.ok(token, 'allowance', [ALICE, BOB])).toBe(40);
    const root = await chain.commit();
    expect(chain.call(token, 'transferFrom', [ALICE, CAROL, 41n], { caller: BOB })).toMatchObject({
      status: 'revert',
      message: 'insufficient allowance',
    });
    expect(chain.call(token, 'transferFrom', [ALICE, CAROL, 1n], { caller: CAROL }).message).toBe(
      'insufficient allowance',
    );
    expect(await chain.commit()).toEqual(root);
  });

  it('an allowance does not let the spender move more than the holder has', async () => {
    const { chain, token } = await setup();
    chain.ok(token, 'transfer', [BOB, 5n]);
    chain.ok(token, 'approve', [CAROL, 1000n], { caller: BOB });
    const root = await chain.commit();
    expect(chain.call(token, 'transferFrom', [BOB, CAROL, 6n], { caller: CAROL }).message).toBe('insufficient balance');
    expect(await chain.commit()).toEqual(root);
  });

  it('only the owner mints; minting past u128 reverts', async () => {
    const { chain, token, balance } = await setup();
    const root = await chain.commit();
    expect(chain.call(token, 'mint', [BOB, 1n], { caller: BOB })).toMatchObject({
      status: 'revert',
      message: 'only the owner may mint',
    });
    expect(chain.call(token, 'mint', [BOB, U128_MAX])).toMatchObject({ status: 'revert', message: 'u128 overflow' });
    expect(await chain.commit()).toEqual(root);
    const minted = chain.call(token, 'mint', [BOB, 7n]);
    expect(events(minted)).toEqual([{ topic: 'Transfer', data: { from: ZERO, to: BOB, amount: 7 } }]);
    expect(balance(BOB)).toBe(7n);
    expect(chain.ok(token, 'totalSupply')).toBe(SUPPLY + 7n);
  });

  it('burn lowers balance and supply; burning more than held reverts', async () => {
    const { chain, token, balance } = await setup(1000n);
    chain.ok(token, 'burn', [400n]);
    expect(balance(ALICE)).toBe(600n);
    expect(chain.ok(token, 'totalSupply')).toBe(600);
    expect(chain.call(token, 'burn', [601n]).message).toBe('insufficient balance');
  });

  it('bad arguments and writes in read-only calls fail cleanly', async () => {
    const { chain, token } = await setup();
    const root = await chain.commit();
    expect(chain.call(token, 'transfer', [BOB]).message).toBe('bad arguments: expected at least 2 arguments, got 1');
    expect(chain.call(token, 'transfer', [BOB.subarray(1), 5n]).message).toMatch(
      /^bad arguments: argument 0: expected a 32-byte address/,
    );
    expect(chain.call(token, 'transfer', [BOB, -5]).message).toMatch(/^bad arguments: argument 1: expected a u128/);
    expect(chain.call(token, 'transfer', [BOB, 5n], { readOnly: true })).toMatchObject({
      status: 'trap',
      error: { code: 'READ_ONLY' },
    });
    expect(chain.call(token, 'steal', [])).toMatchObject({ status: 'revert', error: { code: 'NO_METHOD' } });
    expect(await chain.commit()).toEqual(root);
  });

  it('random transfers agree with a model: balances match and the supply is conserved', async () => {
    const accounts = [ALICE, BOB, CAROL];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(2), fc.nat(2), fc.bigInt({ min: 0n, max: 2n ** 70n })), { maxLength: 12 }),
        async (transfers) => {
          const { chain, token, balance } = await setup(2n ** 70n);
          const model = [2n ** 70n, 0n, 0n];
          for (const [from, to, amount] of transfers) {
            const result = chain.call(token, 'transfer', [accounts[to], amount], { caller: accounts[from] });
            if (model[from]! >= amount) {
              expect(result.status).toBe('ok');
              model[from]! -= amount;
              model[to]! += amount;
            } else {
              expect(result.message).toBe('insufficient balance');
            }
          }
          expect(accounts.map(balance)).toEqual(model);
        },
      ),
      { numRuns: 25 },
    );
  });
});
