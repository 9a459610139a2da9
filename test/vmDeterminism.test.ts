/**
 * VM determinism on the example contracts: random call sequences (token transfers, approvals, mints, counter
 * increments, bad calls) give identical results, gas, events and state roots in fresh child processes with default
 * V8 flags, Liftoff only, TurboFan only and a larger native stack.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildExample, encodeArgs } from '../contracts/index.js';

const REPLAY = fileURLToPath(new URL('./fixtures/vmReplay.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gasket-vmdet-'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const ACCOUNTS = [0xa1, 0xb0, 0xc4].map((fill) => new Uint8Array(32).fill(fill));

let tokenFile = '';
let counterFile = '';
beforeAll(async () => {
  tokenFile = join(dir, 'token.wasm');
  counterFile = join(dir, 'counter.wasm');
  writeFileSync(tokenFile, await buildExample('token'));
  writeFileSync(counterFile, await buildExample('counter'));
}, 180_000);

const who = fc.integer({ min: 0, max: 2 });
const amount = fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.constant(2n ** 100n), fc.constant(2n ** 128n - 1n));
const callArbitrary = fc.oneof(
  fc.record({ contract: fc.constant(0), method: fc.constant('transfer'), caller: who, args: fc.tuple(who, amount) }),
  fc.record({ contract: fc.constant(0), method: fc.constant('approve'), caller: who, args: fc.tuple(who, amount) }),
  fc.record({
    contract: fc.constant(0),
    method: fc.constant('transferFrom'),
    caller: who,
    args: fc.tuple(who, who, amount),
  }),
  fc.record({ contract: fc.constant(0), method: fc.constant('mint'), caller: who, args: fc.tuple(who, amount) }),
  fc.record({ contract: fc.constant(0), method: fc.constant('balanceOf'), caller: who, args: fc.tuple(who) }),
  fc.record({
    contract: fc.constant(1),
    method: fc.constant('increment'),
    caller: who,
    args: fc.constant([] as number[]),
  }),
  fc.record({
    contract: fc.constant(1),
    method: fc.constantFrom('nope', 'get'),
    caller: who,
    args: fc.constant([] as number[]),
  }),
);

type Call = { contract: number; method: string; caller: number; args: readonly (number | bigint)[] };

function spec(calls: readonly Call[]) {
  const toArg = (value: number | bigint, i: number, method: string) =>
    typeof value === 'bigint' || (method === 'transferFrom' ? i === 2 : i === 1)
      ? BigInt(value)
      : ACCOUNTS[value as number]!;
  return {
    accounts: ACCOUNTS.map((address) => ({ address: hex(address), balance: '1000000' })),
    deploys: [
      {
        file: tokenFile,
        deployer: hex(ACCOUNTS[0]!),
        nonce: 0,
        initArgs: hex(encodeArgs('T', 'T', 18, 10n ** 6n)),
        gasLimit: '100000000',
      },
      { file: counterFile, deployer: hex(ACCOUNTS[0]!), nonce: 1, initArgs: '', gasLimit: '100000000' },
    ],
    calls: calls.map((call) => ({
      contract: call.contract,
      method: call.method,
      args: call.args.length === 0 ? '' : hex(encodeArgs(...call.args.map((value, i) => toArg(value, i, call.method)))),
      caller: hex(ACCOUNTS[call.caller]!),
      value: '0',
      gasLimit: '5000000',
      readOnly: call.method === 'balanceOf',
    })),
  };
}

function replay(specFile: string, flags: readonly string[]): string {
  const result = spawnSync(process.execPath, [...flags, REPLAY, specFile], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

describe('VM determinism across processes and V8 flags', () => {
  it('random call sequences on the token and counter give identical results, gas, events and roots', () => {
    let sequences = 0;
    fc.assert(
      fc.property(fc.array(callArbitrary, { minLength: 5, maxLength: 40 }), (calls) => {
        const specFile = join(dir, `spec-${sequences++}.json`);
        writeFileSync(specFile, JSON.stringify(spec(calls)));
        const outputs = [[], ['--liftoff-only'], ['--no-liftoff'], ['--stack-size=4000']].map((flags) =>
          replay(specFile, flags),
        );
        for (const output of outputs) expect(output).toBe(outputs[0]);
        const parsed = JSON.parse(outputs[0]!) as { lines: { status: string }[] };
        expect(parsed.lines.filter((line) => line.status === 'ok').length).toBeGreaterThan(1);
      }),
      { numRuns: 4 },
    );
  }, 240_000);
});
