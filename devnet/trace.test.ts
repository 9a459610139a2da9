import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_WAT, loadWat, PROXY_WAT, wat } from '../test/index.js';
import { createClient } from './client/index.js';
import { toHex } from './codec.js';
import { type Devnet, startDevnet } from './startDevnet.js';

await loadWat();
let devnet: Devnet;
let client: ReturnType<typeof createClient>;
let counter: string;
let proxy: string;

async function send(params: Record<string, unknown>): Promise<string> {
  const { hash } = (await client.request('dev_sendUnsigned', params as never)) as { hash: string };
  return hash;
}

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
  client = createClient({ url: devnet.server.url });
  const receiptOf = async (hash: string) => (await client.request('tx_getReceipt', { hash: hash as `0x${string}` }))!;
  counter = (await receiptOf(await send({ from: 0, kind: 'deploy', code: toHex(wat(COUNTER_WAT)) }))).contractAddress!;
  proxy = (await receiptOf(await send({ from: 0, kind: 'deploy', code: toHex(wat(PROXY_WAT)) }))).contractAddress!;
});
afterAll(() => devnet.close());

const forwardArgs = (method: string) =>
  toHex(new Uint8Array([...Buffer.from(counter.slice(2), 'hex'), ...new TextEncoder().encode(method)]));

describe('tx_trace and contract_traceCall', () => {
  it('re-execute a mined transaction to the same receipt, with its call tree', async () => {
    const hash = await send({ from: 1, kind: 'call', to: proxy, method: 'forward', args: forwardArgs('increment') });
    const stored = await client.request('tx_getReceipt', { hash: hash as `0x${string}` });
    const traced = (await client.traceTransaction(hash))!;
    expect(traced.receipt).toMatchObject({
      status: stored!.status,
      gasUsed: stored!.gasUsed,
      returnData: stored!.returnData,
    });
    const trace = traced.trace!;
    expect(trace).toMatchObject({ contract: proxy, method: 'forward', status: 'ok', depth: 0 });
    const call = trace.hostCalls.find((entry) => entry.op === 'call')!;
    expect(call.call).toMatchObject({ contract: counter, method: 'increment', status: 'ok', depth: 1 });
    const write = call.call!.hostCalls.find((entry) => entry.op === 'storage_write')!;
    expect(write.detail).toMatchObject({
      key: toHex(new TextEncoder().encode('count')),
      old: '0x6400000000000000',
      value: '0x6500000000000000',
    });
    expect(BigInt(trace.gasSelf) + BigInt(call.call!.gasUsed)).toBe(BigInt(trace.gasUsed));
  });

  it('replays the earlier transactions of the same block first', async () => {
    await client.request('dev_setAutomine', { enabled: false });
    await send({ from: 2, kind: 'call', to: counter, method: 'increment' });
    const second = await send({ from: 3, kind: 'call', to: counter, method: 'increment' });
    await client.request('dev_mine', {});
    await client.request('dev_setAutomine', { enabled: true });
    const trace = (await client.traceTransaction(second))!.trace!;
    const write = trace.hostCalls.find((entry) => entry.op === 'storage_write')!;
    expect(
      BigInt.asUintN(
        64,
        BigInt(
          `0x${Buffer.from((write.detail!.value as string).slice(2), 'hex')
            .reverse()
            .toString('hex')}`,
        ),
      ),
    ).toBe(
      BigInt.asUintN(
        64,
        BigInt(
          `0x${Buffer.from((write.detail!.old as string).slice(2), 'hex')
            .reverse()
            .toString('hex')}`,
        ),
      ) + 1n,
    );
    const stored = (await client.request('tx_getReceipt', { hash: second as `0x${string}` }))!;
    expect(trace.returnData).toBe(stored.returnData);
  });

  it('traces a read-only call, and answers null for an unknown transaction', async () => {
    const result = await client.traceCall({ contract: counter, method: 'get' });
    expect(result.status).toBe('ok');
    expect(result.trace!.hostCalls.map((entry) => entry.op)).toEqual(['storage_read', 'result_read', 'return_data']);
    expect(await client.traceTransaction(`0x${'00'.repeat(32)}`)).toBeNull();
  });
});
