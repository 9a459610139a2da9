import { beforeEach, describe, expect, it } from 'vitest';
import { openState, type StateStore } from '../state/index.js';
import { COUNTER_WAT, loadWat, PROXY_WAT, wat } from '../test/index.js';
import { type CallResult, type TraceFrame, Vm, writeAccount } from './index.js';

await loadWat();
const COUNTER = wat(COUNTER_WAT);
const PROXY = wat(PROXY_WAT);
const ALICE = new Uint8Array(32).fill(0xa1);
const BLOCK = { height: 2n, timestamp: 100n };
const GAS = 10_000_000n;
const text = (bytes: unknown) => new TextDecoder().decode(bytes as Uint8Array);

let state: StateStore;
let vm: Vm;
let counter: Uint8Array;
let proxy: Uint8Array;

beforeEach(async () => {
  state = await openState({ inMemory: true });
  vm = new Vm({ state });
  writeAccount(state, ALICE, { balance: 1_000n, nonce: 0n, codeHash: undefined });
  counter = vm.deploy({ code: COUNTER, deployer: ALICE, nonce: 0n, gasLimit: GAS, block: BLOCK }).address;
  proxy = vm.deploy({ code: PROXY, deployer: ALICE, nonce: 1n, gasLimit: GAS, block: BLOCK }).address;
});

const forward = (method: string, trace: boolean): CallResult =>
  vm.execute({
    contract: proxy,
    method: 'forward',
    args: new Uint8Array([...counter, ...new TextEncoder().encode(method)]),
    caller: ALICE,
    gasLimit: GAS,
    block: BLOCK,
    trace,
  });

function strip(frame: TraceFrame): unknown {
  return {
    method: frame.method,
    status: frame.status,
    ops: frame.hostCalls.map((call) => (call.call ? { call: strip(call.call) } : call.op)),
  };
}

describe('call traces', () => {
  it('record the frame tree and every host call in order, with their gas and storage old/new values', () => {
    const result = forward('increment', true);
    const trace = result.trace!;
    expect(strip(trace)).toEqual({
      method: 'forward',
      status: 'ok',
      ops: [
        'input_size',
        'input_read',
        {
          call: {
            method: 'increment',
            status: 'ok',
            ops: ['storage_read', 'result_read', 'storage_write', 'emit', 'log', 'return_data'],
          },
        },
        'return_data',
      ],
    });
    const inner = trace.hostCalls[2]!.call!;
    const write = inner.hostCalls.find((call) => call.op === 'storage_write')!;
    expect(text(write.detail!.key)).toBe('count');
    expect(new DataView((write.detail!.old as Uint8Array).buffer).getBigInt64(0, true)).toBe(100n);
    expect(new DataView((write.detail!.value as Uint8Array).buffer).getBigInt64(0, true)).toBe(101n);
    expect(inner.hostCalls.find((call) => call.op === 'log')!.detail).toEqual({ message: 'hello' });
    // gas: the caller's entry for the call includes the callee's whole gas; every figure is positive and bounded
    expect(trace.hostCalls[2]!.gas).toBeGreaterThan(inner.gasUsed);
    const hostGas = (frame: TraceFrame) => frame.hostCalls.reduce((sum, call) => sum + call.gas, 0n);
    expect(hostGas(trace)).toBeLessThan(trace.gasUsed);
    expect(hostGas(inner)).toBeLessThan(inner.gasUsed);
    expect(trace.gasUsed).toBe(result.gasUsed);
  });

  it('a reverting callee shows its status, message and the revert host call', () => {
    const trace = forward('incrementThenRevert', true).trace!;
    const inner = trace.hostCalls[2]!.call!;
    expect(inner).toMatchObject({ status: 'revert', error: { code: 'REVERT', message: 'too big' } });
    expect(inner.hostCalls.at(-1)).toMatchObject({ op: 'revert', detail: { message: 'too big' } });
    expect(trace.hostCalls[2]!.detail).toMatchObject({ status: 'revert' });
  });

  it('tracing changes neither results nor gas, and is deterministic', () => {
    const plain = forward('increment', false);
    const traced = forward('increment', true);
    expect(plain.trace).toBeUndefined();
    expect(traced.gasUsed).toBe(plain.gasUsed);
    expect(traced.returnData).toEqual(plain.returnData);
    const again = forward('increment', true);
    expect(strip(again.trace!)).toEqual(strip(traced.trace!));
    expect(again.trace!.gasUsed).toBe(traced.trace!.gasUsed);
  });
});
