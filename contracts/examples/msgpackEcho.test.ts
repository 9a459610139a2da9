import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeResult, encodeValue, packr } from '../codec.js';
import { BUILD_TIMEOUT, Chain, example } from './harness.js';

let chain: Chain;
let echo: Uint8Array;

beforeAll(async () => {
  chain = await Chain.open();
  echo = chain.deploy(await example('msgpackEcho')).address;
}, BUILD_TIMEOUT);

/** Integers as bigint, bytes as plain Uint8Array: the value a msgpack document means, whatever its encoding. */
function meaning(value: unknown): unknown {
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (Array.isArray(value)) return value.map(meaning);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, meaning(v)]));
  }
  return value;
}

const U64_MAX = 2n ** 64n - 1n;
const U128_MAX = 2n ** 128n - 1n;
const key = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
  fc.bigInt({ min: -(2n ** 63n), max: U64_MAX }),
  fc.bigInt({ min: U64_MAX + 1n, max: U128_MAX }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 30, maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(key, tie('value'), { maxKeys: 17, noNullPrototype: true }),
  ),
}));

function run(bytes: Uint8Array) {
  return chain.call(echo, 'echo', [], { raw: bytes });
}

describe('msgpack: the AssemblyScript codec round-trips with msgpackr', () => {
  it('echo(v) decodes to v for nil, bool, integers, u128, strings, bytes, arrays and maps', () => {
    fc.assert(
      fc.property(value, (v) => {
        const result = run(encodeValue(v));
        expect(result.status, result.message).toBe('ok');
        expect(meaning(decodeResult(result.returnData))).toEqual(meaning(v));
        // the SDK's encoding is canonical: echoing its own output gives the same bytes
        expect(run(result.returnData).returnData).toEqual(result.returnData);
      }),
    );
  });

  it('u128 above 64 bits: the SDK writes exactly the bytes msgpackr writes (ext 0x42)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: U64_MAX + 1n, max: U128_MAX }), (n) => {
        const expected = Uint8Array.from(packr.pack(n));
        expect(run(expected).returnData).toEqual(expected);
      }),
    );
    expect([...run(encodeValue(2n ** 64n)).returnData]).toEqual([
      0xd8, 0x42, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(run(encodeValue(U128_MAX)).returnData).toHaveLength(27);
  });

  it('integers are written in their shortest form', () => {
    const cases: [bigint, number[]][] = [
      [0n, [0x00]],
      [127n, [0x7f]],
      [128n, [0xcc, 0x80]],
      [65535n, [0xcd, 0xff, 0xff]],
      [65536n, [0xce, 0, 1, 0, 0]],
      [2n ** 32n, [0xcf, 0, 0, 0, 1, 0, 0, 0, 0]],
      [-1n, [0xff]],
      [-32n, [0xe0]],
      [-33n, [0xd0, 0xdf]],
      [-129n, [0xd1, 0xff, 0x7f]],
      [-32769n, [0xd2, 0xff, 0xff, 0x7f, 0xff]],
      [-(2n ** 63n), [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]],
    ];
    for (const [n, bytes] of cases) expect([...run(encodeValue(n)).returnData], String(n)).toEqual(bytes);
  });

  it('typed arguments: u64, i64, u128, string, bytes, bool, address', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 0n, max: U128_MAX }),
        fc.string({ unit: 'binary', maxLength: 50 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.boolean(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (...args) => {
          const result = chain.call(echo, 'typed', args);
          expect(result.status, result.message).toBe('ok');
          expect(meaning(result.value)).toEqual(meaning(args));
        },
      ),
    );
  });

  it('typed arguments refuse what does not fit: negative u64, u128 over 2^128, a 31-byte address', () => {
    const good = [1n, -1n, 5n, 's', new Uint8Array(1), true, new Uint8Array(32)];
    const withArg = (i: number, v: unknown) => good.map((g, j) => (j === i ? v : g));
    expect(chain.call(echo, 'typed', withArg(0, -5)).message).toBe(
      'bad arguments: argument 0: expected an unsigned integer at byte 1',
    );
    // msgpackr writes every bigint in 9 bytes: argument 1 starts at byte 10, argument 2 at byte 19
    expect(chain.call(echo, 'typed', withArg(1, 2n ** 63n)).message).toBe(
      'bad arguments: argument 1: integer out of i64 range at byte 10',
    );
    expect(chain.call(echo, 'typed', withArg(2, 2n ** 128n)).message).toBe(
      'bad arguments: argument 2: integer out of u128 range at byte 19',
    );
    expect(chain.call(echo, 'typed', withArg(2, -(2n ** 70n))).message).toBe(
      'bad arguments: argument 2: expected a u128, got a negative integer at byte 19',
    );
    expect(chain.call(echo, 'typed', withArg(6, new Uint8Array(31))).message).toMatch(
      /^bad arguments: argument 6: expected a 32-byte address at byte \d+$/,
    );
    expect(chain.call(echo, 'typed', good.slice(0, 6)).message).toBe(
      'bad arguments: expected at least 7 arguments, got 6',
    );
  });

  it('u128 arithmetic (checked add, sub, multiply by u64, decimal) agrees with bigint', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: U128_MAX }),
        fc.bigInt({ min: 0n, max: U128_MAX }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        (a, b, m) => {
          const result = chain.call(echo, 'u128Math', [a, b, m]);
          expect(result.status, result.message).toBe('ok');
          const inRange = (n: bigint) => (n >= 0n && n <= U128_MAX ? n : null);
          expect(meaning(result.value)).toEqual([inRange(a + b), inRange(a - b), inRange(a * m), a.toString()]);
        },
      ),
    );
  });

  it('random bytes never trap the codec: they echo or revert with a message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const result = run(bytes);
        expect(['ok', 'revert']).toContain(result.status);
        if (result.status === 'revert') expect(result.message).toMatch(/^echo: /);
      }),
    );
  });
});
