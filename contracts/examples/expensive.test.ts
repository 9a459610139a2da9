import { createHash } from 'node:crypto';
import { blake3 } from '@noble/hashes/blake3.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, Chain, example } from './harness.js';

let chain: Chain;
let contract: Uint8Array;
beforeAll(async () => {
  chain = await Chain.open();
  contract = chain.deploy(await example('expensive')).address;
}, BUILD_TIMEOUT);

function chainOf(n: number, hash: (data: Uint8Array) => Uint8Array): Uint8Array {
  let h: Uint8Array = new Uint8Array(32);
  for (let i = 0; i < n; i++) h = hash(h);
  return h;
}
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

function mixModel(n: bigint): bigint {
  const M = (1n << 64n) - 1n;
  let x = 0x9e3779b97f4a7c15n;
  let acc = 0n;
  for (let i = 0n; i < n; i++) {
    x = (x ^ (x << 13n)) & M;
    x ^= x >> 7n;
    x = (x ^ (x << 17n)) & M;
    acc = (acc * 31n + (x ^ i)) & M;
  }
  return acc;
}

describe('expensive example', () => {
  it('hash chains through the host agree with node and noble', () => {
    expect(chain.ok(contract, 'hashChain', [100, 'sha256'])).toEqual(chainOf(100, sha256));
    expect(chain.ok(contract, 'hashChain', [100, 'keccak256'])).toEqual(chainOf(100, keccak_256));
    expect(chain.ok(contract, 'hashChain', [100, 'blake3'])).toEqual(chainOf(100, (d) => blake3(d)));
    expect(chain.call(contract, 'hashChain', [1, 'md5']).message).toBe('unknown hash md5');
  });

  it('sha256 computed in wasm agrees with the host', () => {
    expect(chain.ok(contract, 'sha256Wasm', [1])).toEqual(chainOf(1, sha256));
    expect(chain.ok(contract, 'sha256Wasm', [200])).toEqual(chainOf(200, sha256));
  });

  it('mix agrees with a bigint model; gas grows linearly with the rounds', () => {
    expect(BigInt(chain.ok(contract, 'mix', [1000]) as number | bigint)).toBe(mixModel(1000n));
    const gas = (n: number) => chain.call(contract, 'mix', [n]).gasUsed;
    const [g1, g2, g3] = [gas(10_000), gas(20_000), gas(30_000)];
    expect(g2 - g1).toBe(g3 - g2);
    expect(g2 - g1).toBeGreaterThan(10_000n * 10n);
  });

  it('runs out of gas deterministically: the whole limit is used, nothing is written', async () => {
    const root = await chain.commit();
    const limit = 3_000_000n;
    const results = [1, 2].map(() => chain.call(contract, 'fill', [10_000], { gasLimit: limit }));
    for (const result of results) expect(result).toMatchObject({ status: 'out_of_gas', gasUsed: limit });
    expect(await chain.commit()).toEqual(root);
    const spin = chain.call(contract, 'mix', [10n ** 12n], { gasLimit: 5_000_000n });
    expect(spin).toMatchObject({ status: 'out_of_gas', gasUsed: 5_000_000n });
  });

  it('fill writes storage slots; touchMemory grows memory up to the SDK maximum of 1 MiB', () => {
    expect(chain.ok(contract, 'fill', [50])).toBe(50);
    expect(chain.ok(contract, 'touchMemory', [512])).toBeTypeOf('number');
    // ASC_FLAGS declare a 16-page maximum: memory.grow past it fails and the runtime traps.
    expect(chain.call(contract, 'touchMemory', [2048]).status).toBe('trap');
  });
});
