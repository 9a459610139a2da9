import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_WAT, loadWat, name, runGasketAsync, STORE_WAT, section, wat } from '../test/index.js';
import { createClient } from './client/createClient.js';
import { devAccount } from './keys.js';
import { type Devnet, startDevnet } from './startDevnet.js';

/** Stores its input under "v" (init, set), returns it (get), reverts (fail). */

const STORE_INTERFACE = {
  version: 1,
  name: 'store',
  methods: [
    { name: 'init', args: [{ name: 'amount', type: 'u128' }], returns: 'nil', readOnly: false },
    { name: 'set', args: [{ name: 'amount', type: 'u128' }], returns: 'nil', readOnly: false },
    { name: 'get', args: [], returns: 'u128[]', readOnly: true },
    { name: 'fail', args: [], returns: 'nil', readOnly: true },
  ],
};

await loadWat();
const dir = mkdtempSync(join(tmpdir(), 'gasket-chain-cli-'));
const storeFile = join(dir, 'store.wasm');
const counterFile = join(dir, 'counter.wasm');
const payload = [...name('gasket:interface'), ...new TextEncoder().encode(JSON.stringify(STORE_INTERFACE))];
writeFileSync(storeFile, Uint8Array.from([...wat(STORE_WAT), ...section(0, payload)]));
writeFileSync(counterFile, wat(COUNTER_WAT));

let devnet: Devnet;
let rpc: string[];

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
  rpc = ['--rpc', devnet.server.url];
});
afterAll(async () => {
  await devnet?.close();
});

const gasket = runGasketAsync;

describe('gasket keys', () => {
  it('new writes a 0600 JSON key file and never overwrites; show prints its address; dev lists dev accounts', async () => {
    const file = join(dir, 'alice.json');
    const created = await gasket(['keys', 'new', file, '--json']);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const key = JSON.parse(readFileSync(file, 'utf8'));
    expect(key.secretKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(JSON.parse(created.stdout)).toEqual({ file, address: key.address, publicKey: key.publicKey });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await gasket(['keys', 'new', file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`error [KEY_FILE]: ${file} exists: keys new never overwrites a key\n`);

    const shown = await gasket(['keys', 'show', file]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(key.address);
    expect(shown.stdout).not.toContain(key.secretKey);
    const missing = await gasket(['keys', 'show', join(dir, 'nope.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error \[KEY_FILE\]: cannot read the key file .*nope\.json: ENOENT\n$/);

    const dev = await gasket(['keys', 'dev', '--json', '--count', '3']);
    expect(JSON.parse(dev.stdout).map((a: { address: string }) => a.address)).toEqual(
      [0, 1, 2].map((i) => `0x${Buffer.from(devAccount(i).address).toString('hex')}`),
    );
    expect((await gasket(['keys', 'dev'])).stdout.trim().split('\n')).toHaveLength(11);
  });
});

describe('gasket deploy, send, call against a devnet', () => {
  it('deploys with named init args, calls and sends by the interface; --json everywhere', async () => {
    const deployed = await gasket(['deploy', storeFile, '--args', '{"amount":"1000"}', ...rpc]);
    expect(deployed.stderr).toBe('');
    expect(deployed.status).toBe(0);
    expect(deployed.stdout).toMatch(/^deploy: ok\n/);
    const address = /contract\s+(0x[0-9a-f]{64})/.exec(deployed.stdout)![1]!;
    expect(deployed.stdout).toMatch(/gas used\s+[\d,]+/);

    const got = await gasket(['call', address, 'get', ...rpc]);
    expect(got.status).toBe(0);
    expect(got.stdout).toContain('get: ok\n  return value  ["1000"]');
    expect(JSON.parse((await gasket(['call', address, 'get', '--json', ...rpc])).stdout)).toMatchObject({
      status: 'ok',
      returnValue: ['1000'],
    });

    // a fresh key file as the signer, funded by the dev controls
    const keyFile = join(dir, 'bob.json');
    await gasket(['keys', 'new', keyFile]);
    const bob = JSON.parse(readFileSync(keyFile, 'utf8')).address;
    await createClient({ url: devnet.server.url }).dev.setBalance(bob, 10n ** 18n);
    const sent = await gasket(['send', address, 'set', '--args', '[5]', '--from', keyFile, '--json', ...rpc]);
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    const receipt = JSON.parse(sent.stdout);
    expect(receipt).toMatchObject({ status: 'ok', error: null, contractAddress: null });
    expect(receipt.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const tx = await createClient({ url: devnet.server.url }).getTransaction(receipt.txHash);
    expect(tx?.from).toBe(bob);
    expect(JSON.parse((await gasket(['call', address, 'get', '--json', ...rpc])).stdout).returnValue).toEqual(['5']);

    const json = JSON.parse((await gasket(['deploy', storeFile, '--args', '[1]', '--json', ...rpc])).stdout);
    expect(json).toMatchObject({ status: 'ok', contractAddress: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
  });

  it('failures: one line and a non-zero exit (unknown method, revert, bad flags, no node)', async () => {
    const address = JSON.parse(
      (await gasket(['deploy', storeFile, '--args', '[1]', '--json', ...rpc])).stdout,
    ).contractAddress;
    const lines = (text: string) => text.trim().split('\n');

    const unknown = await gasket(['send', address, 'transfer', ...rpc]);
    expect(unknown.status).toBe(1);
    expect(lines(unknown.stderr)).toEqual([
      'error [UNKNOWN_METHOD]: store has no method transfer (it has init, set, get, fail)',
    ]);
    const badArgs = await gasket(['call', address, 'get', '--args', '{"x":1}', ...rpc]);
    expect(badArgs.status).toBe(1);
    expect(badArgs.stderr).toMatch(/^error \[BAD_ARGS\]: get takes \(\), not x\n$/);

    const refused = await gasket(['send', address, 'fail', ...rpc]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error \[EXECUTION_FAILED\]: the call would end with revert \[REVERT\] nope\n/);
    const reverted = await gasket(['send', address, 'fail', '--gas', '1000000', ...rpc]);
    expect(reverted.status).toBe(1);
    expect(reverted.stdout).toMatch(/^fail: revert \[REVERT\] nope\n/);
    const failedCall = await gasket(['call', address, 'fail', '--json', ...rpc]);
    expect(failedCall.status).toBe(1);
    expect(JSON.parse(failedCall.stdout)).toMatchObject({
      status: 'revert',
      error: { code: 'REVERT', message: 'nope' },
    });

    const badValue = await gasket(['send', address, 'set', '--value', 'lots', ...rpc]);
    expect(badValue.status).toBe(1);
    expect(lines(badValue.stderr)).toEqual(['error [BAD_FLAG]: --value takes a whole number, got "lots"']);
    const badAddress = await gasket(['call', '0x12', 'get', ...rpc]);
    expect(lines(badAddress.stderr)).toEqual(['error [BAD_ADDRESS]: an address is 0x and 64 hex digits, got "0x12"']);
    const missingFile = await gasket(['deploy', join(dir, 'none.wasm'), ...rpc]);
    expect(lines(missingFile.stderr)).toEqual([`error [FILE]: cannot read ${join(dir, 'none.wasm')}: ENOENT`]);

    for (const args of [
      ['call', address, 'get'],
      ['deploy', storeFile, '--args', '[1]'],
      ['send', address, 'set', '--args', '[1]'],
    ]) {
      const offline = await gasket([...args, '--rpc', 'http://127.0.0.1:1/']);
      expect(offline.status).toBe(1);
      expect(offline.stderr).toBe(
        'error [UNREACHABLE]: cannot reach the devnet at http://127.0.0.1:1/: start it with npm start\n',
      );
    }
    const offlineJson = await gasket(['call', address, 'get', '--json', '--rpc', 'http://127.0.0.1:1/']);
    expect(JSON.parse(offlineJson.stdout)).toMatchObject({ error: { code: 'UNREACHABLE' } });
  });

  it('contracts without interface metadata: args msgpack-encoded as given, raw return data, events and logs', async () => {
    const deployed = await gasket(['deploy', counterFile, '--from', '3', '--json', ...rpc]);
    expect(deployed.status).toBe(0);
    const address = JSON.parse(deployed.stdout).contractAddress;
    const sent = await gasket(['send', address, 'increment', '--from', '3', ...rpc]);
    expect(sent.status).toBe(0);
    expect(sent.stdout).toMatch(/^increment: ok\n/);
    expect(sent.stdout).toMatch(/event\s+inc 0x6500000000000000/);
    expect(sent.stdout).toMatch(/log\s+hello/);
    const got = await gasket(['call', address, 'get', ...rpc]);
    expect(got.stdout).toContain('return data   0x6500000000000000');
  });
});
