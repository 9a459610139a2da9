import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, address, BOB, BUILD_TIMEOUT, CAROL, Chain, events, example } from './harness.js';

const BUYER = BOB;
const SELLER = CAROL;
const ARBITER = address(0xab);
const PRICE = 2n ** 65n + 3n;

let tokenCode: Uint8Array;
let escrowCode: Uint8Array;
beforeAll(async () => {
  [tokenCode, escrowCode] = await Promise.all([example('token'), example('escrow')]);
}, BUILD_TIMEOUT);

/** A token where the buyer holds 3 * PRICE, and an escrow for PRICE. */
async function setup() {
  const chain = await Chain.open();
  const token = chain.deploy(tokenCode, ['T', 'T', 0, 10n * PRICE], ALICE).address;
  chain.ok(token, 'transfer', [BUYER, 3n * PRICE]);
  const escrow = chain.deploy(escrowCode, [token, BUYER, SELLER, ARBITER, PRICE]).address;
  const balance = (who: Uint8Array) => BigInt(chain.ok(token, 'balanceOf', [who]) as bigint);
  return { chain, token, escrow, balance };
}

describe('escrow example (calls the token contract)', () => {
  it('fund pulls the tokens with transferFrom; release pays the seller; events of both contracts arrive', async () => {
    const { chain, token, escrow, balance } = await setup();
    expect(chain.ok(escrow, 'status')).toBe('created');
    expect(chain.ok(escrow, 'details')).toEqual([token, BUYER, SELLER, ARBITER, PRICE]);
    chain.ok(token, 'approve', [escrow, PRICE], { caller: BUYER });
    const funded = chain.call(escrow, 'fund', [], { caller: BUYER });
    expect(funded.status, funded.message).toBe('ok');
    expect(events(funded)).toEqual([
      { topic: 'Transfer', data: { from: BUYER, to: escrow, amount: PRICE } },
      { topic: 'Status', data: 'funded' },
    ]);
    expect(funded.events[0]!.contract).toEqual(token);
    expect(funded.events[1]!.contract).toEqual(escrow);
    expect(balance(escrow)).toBe(PRICE);
    expect(balance(BUYER)).toBe(2n * PRICE);
    chain.ok(escrow, 'release', [], { caller: ARBITER });
    expect(balance(SELLER)).toBe(PRICE);
    expect(balance(escrow)).toBe(0n);
    expect(chain.ok(escrow, 'status')).toBe('released');
    expect(chain.call(escrow, 'refund', [], { caller: SELLER }).message).toBe('escrow is released, not funded');
  });

  it('refund by the seller returns the tokens to the buyer', async () => {
    const { chain, token, escrow, balance } = await setup();
    chain.ok(token, 'approve', [escrow, PRICE], { caller: BUYER });
    chain.ok(escrow, 'fund', [], { caller: BUYER });
    expect(chain.call(escrow, 'refund', [], { caller: BUYER }).message).toBe(
      'only the seller or the arbiter may refund',
    );
    chain.ok(escrow, 'refund', [], { caller: SELLER });
    expect(balance(BUYER)).toBe(3n * PRICE);
    expect(chain.ok(escrow, 'status')).toBe('refunded');
  });

  it('funding without an allowance reverts with the token message and changes nothing in either contract', async () => {
    const { chain, token, escrow } = await setup();
    chain.ok(token, 'approve', [escrow, PRICE - 1n], { caller: BUYER });
    const root = await chain.commit();
    const result = chain.call(escrow, 'fund', [], { caller: BUYER });
    expect(result).toMatchObject({
      status: 'revert',
      message: 'call to transferFrom reverted: insufficient allowance',
      events: [],
    });
    expect(await chain.commit()).toEqual(root);
    expect(chain.ok(escrow, 'status')).toBe('created');
  });

  it('only the buyer funds; release before funding is refused', async () => {
    const { chain, escrow } = await setup();
    expect(chain.call(escrow, 'fund', [], { caller: SELLER }).message).toBe('only the buyer may fund');
    expect(chain.call(escrow, 'release', [], { caller: BUYER }).message).toBe('escrow is created, not funded');
  });

  it('a zero amount is refused at deploy', async () => {
    const chain = await Chain.open();
    expect(() => chain.deploy(escrowCode, [ALICE, BUYER, SELLER, ARBITER, 0])).toThrow(/amount must be positive/);
  });
});
