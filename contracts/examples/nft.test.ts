import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, BUILD_TIMEOUT, CAROL, Chain, events, example } from './harness.js';

const ZERO = new Uint8Array(32);
let code: Uint8Array;
beforeAll(async () => {
  code = await example('nft');
}, BUILD_TIMEOUT);

async function setup() {
  const chain = await Chain.open();
  const nft = chain.deploy(code, [], ALICE).address;
  return { chain, nft };
}

describe('nft example', () => {
  it('the minter mints unique ids with URIs; ids up to 2^64-1; enumeration in mint order', async () => {
    const { chain, nft } = await setup();
    const minted = chain.call(nft, 'mint', [BOB, 1, 'ipfs://one']);
    expect(events(minted)).toEqual([{ topic: 'Transfer', data: { from: ZERO, to: BOB, id: 1 } }]);
    chain.ok(nft, 'mint', [BOB, 2n ** 64n - 1n, 'ipfs://max']);
    expect(chain.ok(nft, 'ownerOf', [1])).toEqual(BOB);
    expect(chain.ok(nft, 'tokenURI', [2n ** 64n - 1n])).toBe('ipfs://max');
    expect(chain.ok(nft, 'balanceOf', [BOB])).toBe(2);
    expect(chain.ok(nft, 'totalMinted')).toBe(2);
    expect([chain.ok(nft, 'tokenByIndex', [0]), chain.ok(nft, 'tokenByIndex', [1])]).toEqual([1, 2n ** 64n - 1n]);
    expect(chain.call(nft, 'tokenByIndex', [2]).message).toBe('minted: index 2 out of bounds (length 2)');
  });

  it('unauthorised and duplicate mints revert and change nothing', async () => {
    const { chain, nft } = await setup();
    chain.ok(nft, 'mint', [BOB, 7, 'a']);
    const root = await chain.commit();
    expect(chain.call(nft, 'mint', [BOB, 8, 'b'], { caller: BOB }).message).toBe('only the minter may mint');
    expect(chain.call(nft, 'mint', [CAROL, 7, 'c']).message).toBe('token 7 already exists');
    expect(await chain.commit()).toEqual(root);
  });

  it('transfer by the owner or the approved account; approval clears on transfer', async () => {
    const { chain, nft } = await setup();
    chain.ok(nft, 'mint', [BOB, 5, 'x']);
    expect(chain.call(nft, 'transfer', [CAROL, 5], { caller: CAROL }).message).toBe(
      'not the owner or approved for token 5',
    );
    expect(chain.call(nft, 'approve', [CAROL, 5], { caller: CAROL }).message).toBe('only the owner may approve');
    expect(chain.ok(nft, 'getApproved', [5])).toBeNull();
    chain.ok(nft, 'approve', [CAROL, 5], { caller: BOB });
    expect(chain.ok(nft, 'getApproved', [5])).toEqual(CAROL);
    const moved = chain.call(nft, 'transfer', [ALICE, 5], { caller: CAROL });
    expect(events(moved)).toEqual([{ topic: 'Transfer', data: { from: BOB, to: ALICE, id: 5 } }]);
    expect(chain.ok(nft, 'ownerOf', [5])).toEqual(ALICE);
    expect(chain.ok(nft, 'getApproved', [5])).toBeNull();
    expect([chain.ok(nft, 'balanceOf', [BOB]), chain.ok(nft, 'balanceOf', [ALICE])]).toEqual([0, 1]);
    expect(chain.call(nft, 'transfer', [BOB, 5], { caller: CAROL }).status).toBe('revert');
  });

  it('burn by the owner only; a burnt or unknown id is "no token"', async () => {
    const { chain, nft } = await setup();
    chain.ok(nft, 'mint', [BOB, 9, 'x']);
    expect(chain.call(nft, 'burn', [9]).message).toBe('only the owner may burn');
    chain.ok(nft, 'burn', [9], { caller: BOB });
    expect(chain.call(nft, 'ownerOf', [9]).message).toBe('no token 9');
    expect(chain.call(nft, 'transfer', [ALICE, 9], { caller: BOB }).message).toBe('no token 9');
    expect(chain.ok(nft, 'balanceOf', [BOB])).toBe(0);
    expect(chain.call(nft, 'mint', [BOB, 10, 5]).message).toBe(
      'bad arguments: argument 2: expected a string at byte 36',
    );
  });
});
