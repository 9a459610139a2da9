import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_WAT, loadWat, runGasketAsync, wat } from '../test/index.js';
import { createClient } from './client/createClient.js';
import { toHex } from './codec.js';
import { type Devnet, startDevnet } from './startDevnet.js';

await loadWat();
let devnet: Devnet;
let counter: string;
let rpc: string[];

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
  rpc = ['--rpc', devnet.server.url];
  const client = createClient({ url: devnet.server.url });
  const { hash } = await client.request('dev_sendUnsigned', {
    from: 0,
    kind: 'deploy',
    code: toHex(wat(COUNTER_WAT)),
  } as never);
  counter = (await client.request('tx_getReceipt', { hash }))!.contractAddress!;
});
afterAll(() => devnet.close());

describe('--trace on send and call', () => {
  it('send --trace prints the receipt and the call tree with gas, storage old -> new and logs', async () => {
    const result = await runGasketAsync(['send', counter, 'increment', '--trace', ...rpc]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\[[\d,]+\] 0x[0-9a-f]{6}…[0-9a-f]{4}::increment\(\)/);
    expect(result.stdout).toMatch(/├─ \[[\d,]+\] storage_write "count": 0x6400000000000000 → 0x6500000000000000/);
    expect(result.stdout).toMatch(/├─ \[[\d,]+\] log "hello"/);
    expect(result.stdout).toMatch(/└─ ← ok 0x6500000000000000/);
    // the gas by host-call kind: storage_write's line carries the gas of the write above
    const writeGas = /├─ \[([\d,]+)\] storage_write/.exec(result.stdout)![1];
    expect(result.stdout).toMatch(/gas by host call/);
    expect(result.stdout).toMatch(new RegExp(`\\n  storage_write\\s+\\[${writeGas}\\] in 1 call\\n`));
    expect(result.stdout).not.toContain('\x1b['); // no colour when stdout is not a terminal
  });

  it('call --trace --json gives the trace object; a reverting method shows its message in the tree', async () => {
    const json = await runGasketAsync(['call', counter, 'get', '--trace', '--json', ...rpc]);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.trace).toMatchObject({ contract: counter, method: 'get', status: 'ok' });
    expect(parsed.trace.hostCalls.map((call: { op: string }) => call.op)).toEqual([
      'storage_read',
      'result_read',
      'return_data',
    ]);
    const failing = await runGasketAsync(['call', counter, 'incrementThenRevert', '--trace', ...rpc]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/trap \[READ_ONLY\]|revert \[REVERT\] too big/);
  });
});
