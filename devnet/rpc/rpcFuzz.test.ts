import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_METHOD_NAMES } from '../client/rpcSchema.js';
import { toHex } from '../codec.js';
import { type Devnet, startDevnet } from '../startDevnet.js';
import { RPC_LIMITS } from './jsonRpc.js';

/**
 * Fuzz of the JSON-RPC endpoint over HTTP: random JSON, requests for the real methods with random named params,
 * batches, malformed text, huge numbers and deep nesting. Every answer must be a well-formed JSON-RPC response
 * with the id the spec asks for (no internal errors), requests the node refuses must leave the head, the state
 * root and the pool as they were, and the node must keep serving.
 */

const PARAM_NAMES = [
  'raw',
  'hash',
  'height',
  'full',
  'address',
  'contract',
  'method',
  'args',
  'from',
  'gasLimit',
  'key',
  'fromHeight',
  'toHeight',
  'topic',
  'kind',
  'subscription',
  'to',
  'code',
  'value',
  'gasPrice',
  'blocks',
  'enabled',
  'timestamp',
  'seconds',
  'id',
  'balance',
] as const;

const weird = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(1e308, -1, 2 ** 53 + 2, 0.5, '', '0x', '0x0', 'NaN'),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const hexBytes = fc.uint8Array({ maxLength: 48 }).map(toHex);
const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex);
const decimal = fc.oneof(
  fc.constantFrom('0', '1', '2', '-1', '1.5', '1e3', '0x10', ' 1', '01', '18446744073709551616'),
  fc.bigInt({ min: 0n, max: 1n << 300n }).map(String),
);
const paramValue = fc.oneof(
  hexBytes,
  hex32,
  decimal,
  weird,
  fc.constantFrom('blocks', 'events', 'transfer', 'deploy', 'call', 'get', '0x1'),
);
const params = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...PARAM_NAMES), paramValue, { maxKeys: 5 }) },
  { weight: 1, arbitrary: weird },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const id = fc.oneof(
  { weight: 4, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constant(undefined) }, // a notification
  {
    weight: 1,
    arbitrary: fc.oneof(fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 })),
  },
);
const request = fc.record(
  {
    jsonrpc: fc.oneof({ weight: 9, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: weird }),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...RPC_METHOD_NAMES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty') },
      { weight: 1, arbitrary: weird },
    ),
    params,
    id,
  },
  { requiredKeys: [] },
);

const nested = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: request.map((r) => JSON.stringify(r)) },
  { weight: 3, arbitrary: fc.array(request, { maxLength: 6 }).map((rs) => JSON.stringify(rs)) },
  {
    weight: 1,
    arbitrary: request.map((r) => JSON.stringify(Array.from({ length: RPC_LIMITS.maxBatch + 1 }, () => r))),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(request, fc.nat()).map(([r, cut]) => {
      const text = JSON.stringify(r);
      return text.slice(0, cut % Math.max(1, text.length));
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...RPC_METHOD_NAMES),
        fc.constantFrom(...PARAM_NAMES),
        fc.constantFrom(
          '1e400',
          '-1e400',
          '123456789012345678901234567890123456789',
          '9007199254740993',
          '-0',
          '1E-400',
        ),
      )
      .map(
        ([method, param, number]) =>
          `{"jsonrpc":"2.0","id":${number},"method":"${method}","params":{"${param}":${number}}}`,
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...RPC_METHOD_NAMES), fc.constantFrom(...PARAM_NAMES), fc.integer({ min: 1, max: 20_000 }))
      .chain(([method, param, depth]) =>
        fc.constantFrom(
          `{"jsonrpc":"2.0","id":7,"method":"${method}","params":{"${param}":${nested(depth, '"0x00"')}}}`,
          nested(depth, '{"jsonrpc":"2.0","id":1,"method":"chain_id"}'),
          nested(depth, ''),
          `{"jsonrpc":"2.0","id":7,"method":"${method}","params":{"${param}":${nested(depth, '')}`, // unterminated
        ),
      ),
  },
);

/** The answer to expect; `silent` counts notifications, which run but are not answered. */
type Expected = ({ kind: 'none' } | { kind: 'one'; id: unknown } | { kind: 'batch'; ids: unknown[] }) & {
  silent: number;
};

/** What JSON-RPC 2.0 (and the devnet's limits) say the answer to one parsed request is. */
function expectedFor(request: unknown): { id: unknown } | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return { id: null };
  const r = request as Record<string, unknown>;
  const notification = !('id' in r);
  const validId = r.id === null || typeof r.id === 'string' || (typeof r.id === 'number' && Number.isFinite(r.id));
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || (!notification && !validId)) {
    return { id: validId ? r.id : null };
  }
  return notification ? undefined : { id: r.id };
}

function expectedAnswer(text: string): Expected {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'one', id: null, silent: 0 };
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0 || parsed.length > RPC_LIMITS.maxBatch) return { kind: 'one', id: null, silent: 0 };
    const answers = parsed.map(expectedFor);
    const ids = answers.filter((e) => e !== undefined).map((e) => e.id);
    const silent = answers.length - ids.length;
    return ids.length === 0 ? { kind: 'none', silent } : { kind: 'batch', ids, silent };
  }
  const one = expectedFor(parsed);
  return one ? { kind: 'one', id: one.id, silent: 0 } : { kind: 'none', silent: 1 };
}

function checkResponse(response: Record<string, unknown>, id: unknown): boolean {
  expect(response.jsonrpc).toBe('2.0');
  expect(response.id === id || (Number.isNaN(response.id) && Number.isNaN(id)), `id ${String(response.id)}`).toBe(true);
  expect('result' in response !== 'error' in response).toBe(true);
  if (!('error' in response)) return false;
  const error = response.error as { code: unknown; message: unknown };
  expect(Number.isInteger(error.code)).toBe(true);
  expect(typeof error.message).toBe('string');
  expect(error.code, String(error.message)).not.toBe(-32603); // no input makes the node fail internally
  return true;
}

let devnet: Devnet;

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
});
afterAll(async () => {
  await devnet?.close();
});

const fingerprint = () => ({
  head: toHex(devnet.chain.head.hash),
  root: toHex(devnet.chain.state.root),
  depth: devnet.chain.state.depth,
  pending: devnet.chain.pending.length,
});

describe('JSON-RPC fuzz (HTTP)', () => {
  it('answers every body with well-formed responses and the right ids; refusals change nothing', async () => {
    const tally = { results: 0, errors: 0, silent: 0 };
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = fingerprint();
        const response = await fetch(devnet.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        const answer = await response.text();
        const expected = expectedAnswer(text);
        let refusedOnly = expected.silent === 0;
        if (expected.kind === 'none') {
          expect(response.status).toBe(204);
          expect(answer).toBe('');
          tally.silent++;
        } else {
          expect(response.status).toBe(200);
          const json = JSON.parse(answer);
          const pairs: [Record<string, unknown>, unknown][] =
            expected.kind === 'one'
              ? [[json, expected.id]]
              : (json as Record<string, unknown>[]).map((r, i) => [r, expected.ids[i]]);
          if (expected.kind === 'batch') expect(json).toHaveLength(expected.ids.length);
          for (const [item, itemId] of pairs) {
            const refused = checkResponse(item, itemId);
            refusedOnly &&= refused;
            if (refused) tally.errors++;
            else tally.results++;
          }
        }
        if (refusedOnly) expect(fingerprint()).toEqual(before);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
    // the mix reached both sides
    expect(tally.errors).toBeGreaterThan(50);
    expect(tally.results).toBeGreaterThan(10);
    // and the node still serves, and still accepts a transaction
    const chainId = await fetch(devnet.server.url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_id' }),
    });
    expect(await chainId.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { chainId: '1337' } });
    await devnet.chain.submit(
      (await import('../transaction.js')).signTransaction(
        {
          kind: 'transfer',
          chainId: 1337n,
          nonce: (await import('../../vm/index.js')).readAccount(
            devnet.chain.state,
            devnet.chain.devAccounts[9]!.address,
          ).nonce,
          gasLimit: 100_000n,
          gasPrice: 1n,
          value: 1n,
          to: devnet.chain.devAccounts[8]!.address,
        },
        devnet.chain.devAccounts[9]!.secretKey,
        devnet.chain.devAccounts[9]!.publicKey,
      ).raw,
    );
  }, 180_000);
});
