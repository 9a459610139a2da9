/**
 * Call traces of the example contracts (issue 9): the escrow funding itself through the token (a cross-contract
 * call), a nested revert and an out-of-gas frame, checked field by field; the same trace from a second process;
 * and tracing off against on leaves results and the state root identical.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildExample, encodeArgs } from '../contracts/index.js';
import { openState, type StateStore } from '../state/index.js';
import { type CallResult, type TraceFrame, Vm, writeAccount } from '../vm/index.js';

const BLOCK = { height: 5n, timestamp: 1_700_000_000n };
const GAS = 50_000_000n;
const who = (fill: number) => new Uint8Array(32).fill(fill);
const [ALICE, BUYER, SELLER, ARBITER] = [who(0xa1), who(0xb0), who(0xc4), who(0xab)];
const PRICE = 2n ** 65n + 3n;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

let tokenCode: Uint8Array;
let escrowCode: Uint8Array;
let expensiveCode: Uint8Array;
beforeAll(async () => {
  [tokenCode, escrowCode, expensiveCode] = await Promise.all([
    buildExample('token'),
    buildExample('escrow'),
    buildExample('expensive'),
  ]);
}, 180_000);

type Setup = { state: StateStore; vm: Vm; token: Uint8Array; escrow: Uint8Array };

async function setup(
  trace: boolean,
): Promise<Setup & { run: (c: Uint8Array, m: string, a: unknown[], from: Uint8Array) => CallResult }> {
  const state = await openState({ inMemory: true });
  writeAccount(state, ALICE, { balance: 10n ** 9n, nonce: 0n, codeHash: undefined });
  const vm = new Vm({ state });
  const deploy = (code: Uint8Array, args: unknown[], nonce: bigint) =>
    vm.deploy({ code, deployer: ALICE, nonce, initArgs: encodeArgs(...args), gasLimit: GAS, block: BLOCK }).address;
  const token = deploy(tokenCode, ['T', 'T', 0, 10n * PRICE], 0n);
  const escrow = deploy(escrowCode, [token, BUYER, SELLER, ARBITER, PRICE], 1n);
  const run = (contract: Uint8Array, method: string, args: unknown[], caller: Uint8Array) =>
    vm.execute({ contract, method, args: encodeArgs(...args), caller, gasLimit: GAS, block: BLOCK, trace });
  expect(run(token, 'transfer', [BUYER, 3n * PRICE], ALICE).status).toBe('ok');
  return { state, vm, token, escrow, run };
}

/** Every frame's invariants: host-call gas within the total; a call entry covers its callee's gas. */
function checkFrame(frame: TraceFrame): void {
  const hostGas = frame.hostCalls.reduce((sum, call) => sum + call.gas, 0n);
  expect(hostGas).toBeLessThanOrEqual(frame.gasUsed);
  for (const call of frame.hostCalls) {
    expect(call.gas).toBeGreaterThan(0n);
    if (call.call) {
      expect(call.op).toBe('call');
      expect(call.gas).toBeGreaterThanOrEqual(call.call.gasUsed);
      expect(call.call.depth).toBe(frame.depth + 1);
      checkFrame(call.call);
    }
  }
}

describe('traces of the example contracts', () => {
  it('escrow.fund: the escrow frame calls token.transferFrom; storage, events and gas are recorded', async () => {
    const { token, escrow, run } = await setup(true);
    expect(run(token, 'approve', [escrow, PRICE], BUYER).status).toBe('ok');
    const result = run(escrow, 'fund', [], BUYER);
    const trace = result.trace!;
    expect(trace).toMatchObject({ method: 'fund', status: 'ok', depth: 0 });
    expect(hex(trace.contract)).toBe(hex(escrow));
    expect(trace.gasUsed).toBe(result.gasUsed);
    checkFrame(trace);
    const call = trace.hostCalls.find((entry) => entry.op === 'call')!;
    expect(call.detail).toMatchObject({ method: 'transferFrom', status: 'ok' });
    const inner = call.call!;
    expect(inner).toMatchObject({ method: 'transferFrom', status: 'ok' });
    expect(hex(inner.contract)).toBe(hex(token));
    expect(hex(inner.caller)).toBe(hex(escrow));
    const writes = inner.hostCalls.filter((entry) => entry.op === 'storage_write');
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const write of writes) expect(write.detail!.old).not.toEqual(write.detail!.value);
    expect(inner.hostCalls.some((entry) => entry.op === 'emit')).toBe(true);
    expect(trace.hostCalls.filter((entry) => entry.op === 'emit').length).toBeGreaterThan(0);
  });

  it('a nested revert: the token frame reverts with its message, the escrow frame reverts with it too', async () => {
    const { escrow, run } = await setup(true);
    const result = run(escrow, 'fund', [], BUYER);
    expect(result.status).toBe('revert');
    const trace = result.trace!;
    checkFrame(trace);
    expect(trace.status).toBe('revert');
    expect(trace.error?.message).toContain('insufficient allowance');
    const inner = trace.hostCalls.find((entry) => entry.op === 'call')!.call!;
    expect(inner).toMatchObject({ method: 'transferFrom', status: 'revert' });
    expect(inner.error?.message).toContain('insufficient allowance');
  });

  it('an out-of-gas frame uses its whole limit', async () => {
    const state = await openState({ inMemory: true });
    writeAccount(state, ALICE, { balance: 1n, nonce: 0n, codeHash: undefined });
    const vm = new Vm({ state });
    const expensive = vm.deploy({
      code: expensiveCode,
      deployer: ALICE,
      nonce: 0n,
      gasLimit: GAS,
      block: BLOCK,
    }).address;
    const result = vm.execute({
      contract: expensive,
      method: 'mix',
      args: encodeArgs(10n ** 12n),
      caller: ALICE,
      gasLimit: 30_000n,
      block: BLOCK,
      trace: true,
    });
    expect(result.status).toBe('out_of_gas');
    expect(result.trace).toMatchObject({ status: 'out_of_gas', gasUsed: 30_000n, gasLimit: 30_000n });
  });

  it('tracing off and on give identical results, gas, events and state roots', async () => {
    const summaries: unknown[] = [];
    for (const trace of [false, true]) {
      const { state, token, escrow, run } = await setup(trace);
      const results = [
        run(escrow, 'fund', [], BUYER),
        run(token, 'approve', [escrow, PRICE], BUYER),
        run(escrow, 'fund', [], BUYER),
        run(escrow, 'release', [], ARBITER),
        run(token, 'transfer', [SELLER, 2n ** 130n], BUYER),
      ];
      expect(results.every((result) => (result.trace !== undefined) === trace)).toBe(true);
      const { root } = await state.commitBlock();
      summaries.push({
        results: results.map((r) => [
          r.status,
          r.gasUsed,
          hex(r.returnData),
          r.events.map((e) => hex(e.data)),
          r.error?.code,
        ]),
        root: hex(root),
      });
    }
    expect(summaries[1]).toEqual(summaries[0]);
  });

  it('the same trace in a second process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-trace-'));
    writeFileSync(join(dir, 'token.wasm'), tokenCode);
    const spec = {
      accounts: [{ address: hex(ALICE), balance: '1000' }],
      deploys: [
        {
          file: join(dir, 'token.wasm'),
          deployer: hex(ALICE),
          nonce: 0,
          initArgs: hex(encodeArgs('T', 'T', 0, 10n ** 6n)),
          gasLimit: '100000000',
        },
      ],
      calls: [
        {
          contract: 0,
          method: 'transfer',
          args: hex(encodeArgs(BUYER, 500n)),
          caller: hex(ALICE),
          value: '0',
          gasLimit: '5000000',
          readOnly: false,
          trace: true,
        },
      ],
    };
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const replay = fileURLToPath(new URL('./fixtures/vmReplay.mjs', import.meta.url));
    const outputs = [[], ['--no-liftoff']].map((flags) => {
      const child = spawnSync(process.execPath, [...flags, replay, specFile], { encoding: 'utf8', timeout: 60_000 });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { lines: { trace?: { method: string; hostCalls: unknown[] } }[] };
    });
    const trace = outputs[0]!.lines[1]!.trace!;
    expect(trace.method).toBe('transfer');
    expect(trace.hostCalls.length).toBeGreaterThan(3);
    expect(outputs[1]).toEqual(outputs[0]);
  });
});
