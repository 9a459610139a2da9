import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, EXAMPLES, loadExampleInterface } from '../../contracts/index.js';
import { COUNTER_WAT, loadWat, name, rejection, STORE_WAT, section, wat } from '../../test/index.js';
import { toHex } from '../codec.js';
import { devAccount } from '../keys.js';
import { type Devnet, startDevnet } from '../startDevnet.js';
import type { ContractInterface } from './abi.js';
import { ContractCallError, contract, deployContract } from './contract.js';
import { type Client, createClient } from './createClient.js';
import { ClientError } from './errors.js';
import { devSigner } from './signer.js';

/**
 * A contract with interface metadata, in WAT: init and set store their input (the msgpack array of args) under
 * "v", get returns it, echo returns its input, fail reverts.
 */

const STORE_INTERFACE: ContractInterface = {
  version: 1,
  name: 'store',
  methods: [
    { name: 'init', args: [{ name: 'amount', type: 'u128' }], returns: 'nil', readOnly: false },
    { name: 'set', args: [{ name: 'amount', type: 'u128' }], returns: 'nil', readOnly: false },
    { name: 'get', args: [], returns: 'u128[]', readOnly: true },
    {
      name: 'echo',
      args: [
        { name: 'n', type: 'u64' },
        { name: 'who', type: 'address' },
        { name: 'note', type: 'string' },
        { name: 'small', type: 'u8' },
      ],
      returns: 'any',
      readOnly: true,
    },
    { name: 'fail', args: [], returns: 'nil', readOnly: true },
  ],
};

/** The module with a `gasket:interface` custom section appended. */
function withInterface(code: Uint8Array, iface: unknown): Uint8Array {
  const payload = [...name('gasket:interface'), ...new TextEncoder().encode(JSON.stringify(iface))];
  return Uint8Array.from([...code, ...section(0, payload)]);
}

await loadWat();
const STORE = withInterface(wat(STORE_WAT), STORE_INTERFACE);
const COUNTER = wat(COUNTER_WAT);

let devnet: Devnet;
let client: Client;

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
  client = createClient({ url: devnet.server.url });
});
afterAll(async () => {
  await devnet?.close();
});

const BIG = 2n ** 100n;

describe('contract handles from interface metadata (WAT contract)', () => {
  it('deployContract encodes init args by the interface in the code; call and send by name', async () => {
    const signer = devSigner(client, 0);
    const deployed = await deployContract(signer, { code: STORE, args: { amount: BIG } });
    expect(deployed.receipt.status).toBe('ok');
    expect(deployed.address).toMatch(/^0x[0-9a-f]{64}$/);
    const store = deployed.contract!;
    expect(await store.call.get!()).toEqual([BIG]);

    const receipt = await store.send.set!({ amount: 7 });
    expect(receipt).toMatchObject({ status: 'ok', value: undefined });
    expect(await store.call.get!()).toEqual([7n]);

    // the same contract through contract(): the node serves the interface section
    const again = await contract(client, deployed.address!, { signer });
    expect(again.interface).toEqual(STORE_INTERFACE);
    const who = toHex(devAccount(1).address);
    expect(await again.call.echo!({ n: 5, who, note: 'hi', small: 3n })).toEqual([5n, devAccount(1).address, 'hi', 3]);
    expect(await again.call.echo!([2n ** 64n - 1n, devAccount(1).address, '', 255])).toEqual([
      2n ** 64n - 1n,
      devAccount(1).address,
      '',
      255,
    ]);
    await again.send.set!([1n]);
    expect(await store.call.get!()).toEqual([1n]);
  });

  it('unknown methods and bad args are refused before anything is sent; failures are typed', async () => {
    const { address } = await deployContract(devSigner(client, 0), { code: STORE, args: [1] });
    // a client whose node does not exist: a refusal that is not UNREACHABLE never reached the network
    const offline = createClient({ url: 'http://127.0.0.1:1/' });
    const handle = await contract(offline, address!, { interface: STORE_INTERFACE, signer: devSigner(offline) });
    for (const [promise, code] of [
      [handle.call.nope!(), 'UNKNOWN_METHOD'],
      [handle.send.transfer!({ to: address, amount: 1 }), 'UNKNOWN_METHOD'],
      [handle.call.echo!({ n: 1, who: address, note: 'x' }), 'BAD_ARGS'],
      [handle.call.echo!({ n: 1, who: address, note: 'x', small: 1, extra: 2 }), 'BAD_ARGS'],
      [handle.call.echo!({ n: -1, who: address, note: 'x', small: 1 }), 'BAD_ARGS'],
      [handle.call.echo!({ n: 1, who: '0x12', note: 'x', small: 1 }), 'BAD_ARGS'],
      [handle.call.echo!({ n: 1, who: address, note: 'x', small: 256 }), 'BAD_ARGS'],
      [handle.send.set!({ amount: 1.5 }), 'BAD_ARGS'],
    ] as const) {
      const error = await rejection(promise);
      expect(error, String(error)).toBeInstanceOf(ClientError);
      expect(error.code).toBe(code);
    }
    // a handle is never a thenable
    expect((handle.call as Record<string, unknown>).then).toBeUndefined();

    const online = await contract(client, address!);
    const failed = await rejection(online.call.fail!());
    expect(failed).toBeInstanceOf(ContractCallError);
    expect(failed.result.error).toMatchObject({ code: 'REVERT', message: 'nope' });
    expect((await rejection(online.send.set!({ amount: 1 }))).code).toBe('NO_SIGNER');

    const withSigner = await contract(client, address!, { signer: devSigner(client, 1) });
    expect((await rejection(withSigner.send.fail!())).code).toBe('EXECUTION_FAILED');
    expect(await withSigner.send.fail!(undefined, { gas: 1_000_000n })).toMatchObject({
      status: 'revert',
      error: { code: 'REVERT', message: 'nope' },
      value: undefined,
    });
  });

  it('a contract without metadata has no handle unless an interface is given', async () => {
    const { address } = await deployContract(devSigner(client, 2), { code: COUNTER });
    expect((await rejection(contract(client, address!))).code).toBe('NO_INTERFACE');
    const counter = await contract(client, address!, {
      interface: { version: 1, name: 'counter', methods: [{ name: 'get', args: [], returns: 'u64', readOnly: true }] },
    });
    // COUNTER returns a raw i64, not msgpack
    expect((await rejection(counter.call.get!())).code).toBe('BAD_RETURN_DATA');
  });
});

const tokenExample = EXAMPLES.find((example) => example.name === 'token');
const tokenInterface = tokenExample ? loadExampleInterface(tokenExample) : undefined;

describe.skipIf(!tokenInterface)('contract handles on the example token (contracts/examples/token)', () => {
  it('deploys with named init args, reads balances and transfers', async () => {
    const code = await buildExample('token');
    const alice = devSigner(client, 3);
    const bob = toHex(devAccount(4).address);
    const supply = 10n ** 24n; // above 2^64: the u128 extension form
    const { receipt, contract: token } = await deployContract(alice, {
      code,
      args: { name: 'Gasket Token', symbol: 'GSK', decimals: 18, supply },
    });
    expect(receipt.status).toBe('ok');
    expect(await token!.call.name!()).toBe('Gasket Token');
    expect(await token!.call.decimals!()).toBe(18);
    expect(await token!.call.totalSupply!()).toBe(supply);
    expect(await token!.call.balanceOf!({ account: alice.address })).toBe(supply);
    const sent = await token!.send.transfer!({ to: bob, amount: 250n });
    expect(sent).toMatchObject({ status: 'ok', value: true });
    expect(new TextDecoder().decode(sent.events[0]!.topic)).toBe('Transfer');
    expect(await token!.call.balanceOf!({ account: bob })).toBe(250n);
    expect(await token!.call.balanceOf!({ account: alice.address })).toBe(supply - 250n);
    const bobToken = await contract(client, token!.address, { signer: devSigner(client, 4) });
    expect((await rejection(bobToken.send.transfer!({ to: alice.address, amount: 251n }))).code).toBe(
      'EXECUTION_FAILED',
    );
    expect((await rejection(bobToken.call.balance_of!({ owner: bob }))).code).toBe('UNKNOWN_METHOD');
  }, 180_000); // builds the token with AssemblyScript
});
