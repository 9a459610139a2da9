import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_WAT, loadWat, wat } from '../../test/index.js';
import { createTestChain, DEFAULT_TX_GAS, type TestChain, TestKitError } from './index.js';

let chain: TestChain;
beforeAll(async () => {
  await loadWat();
  chain = await createTestChain({ accounts: 3, balance: 10n ** 20n, gasReport: true });
});
afterAll(() => chain.close());

describe('createTestChain', () => {
  it('funds its accounts and moves value with instant blocks', async () => {
    expect(chain.accounts).toHaveLength(3);
    expect(chain.balance(1)).toBe(10n ** 20n);
    const height = chain.head.header.height;
    const receipt = await chain.transfer(1, 1_000n, { from: 0 });
    expect(receipt.status).toBe('ok');
    expect(receipt.block.header.height).toBe(height + 1n);
    expect(chain.stateRoot).toEqual(receipt.block.header.stateRoot);
    expect(chain.balance(1)).toBe(10n ** 20n + 1_000n);
    // the sender paid the value and the gas at price 1
    expect(chain.balance(0)).toBe(10n ** 20n - 1_000n - receipt.gasUsed);
  });

  it('deploys, sends and calls a contract without interface metadata (raw arguments)', async () => {
    const counter = await chain.deploy(wat(COUNTER_WAT), { name: 'counter' });
    expect(counter.deployReceipt.status).toBe('ok');
    const sent = await counter.send('increment', undefined, { from: 2 });
    expect(sent.status).toBe('ok');
    expect(chain.gas!.rows().map((r) => `${r.contract}.${r.method}`)).toEqual(['counter.deploy', 'counter.increment']);
    expect(sent.gasUsed).toBeLessThanOrEqual(DEFAULT_TX_GAS);
  });

  it('bad input is a TestKitError with a stable code', async () => {
    const counter = chain.contracts.get('counter')!;
    await expect(chain.transfer(0, 1n, { from: 7 })).rejects.toMatchObject({ code: 'BAD_SETUP' });
    expect(() => chain.account(-1)).toThrow(TestKitError);
    // more value than the sender holds: the chain refuses it before any block
    const height = chain.head.header.height;
    await expect(chain.transfer(1, 10n ** 30n, { from: 0 })).rejects.toMatchObject({ code: 'TX_REJECTED' });
    expect(chain.head.header.height).toBe(height);
    // a deployment that fails: not a wasm module
    await expect(chain.deploy(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'TX_REJECTED' });
    // a read-only call of a method that does not exist
    expect(() => counter.call('nope')).toThrow(/counter\.nope ended in revert/);
  });
});
