import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCContract, EXAMPLES, ensureCToolchain, hasStartSection, REPO_ROOT } from '../index.js';
import { ALICE, BOB, BUILD_TIMEOUT, Chain, example } from './harness.js';

// clang and lld are installed by the build when missing (apt-get); where that cannot work, say why and skip.
const missing = await ensureCToolchain().then(
  () => undefined,
  (error: Error) => error.message,
);
if (missing) process.stderr.write(`kvstore (C) tests skipped: ${missing}\n`);

const text = new TextEncoder();
const bytes = (s: string): Uint8Array => text.encode(s);
const put = (key: string, value: string): Uint8Array => Uint8Array.from([key.length, ...bytes(key), ...bytes(value)]);
const u64le = (data: Uint8Array): bigint => Buffer.from(data).readBigUInt64LE(0);
const message = (data: Uint8Array): string => new TextDecoder().decode(data);

describe.skipIf(missing !== undefined)('kvstore example (C, raw bytes)', () => {
  let code: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'gasket-kvstore-'));
  beforeAll(async () => {
    code = await example('kvstore');
  }, BUILD_TIMEOUT);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds with clang to a module metering accepts: no start section, only gasket imports, six methods', () => {
    expect(hasStartSection(code)).toBe(false);
    const module = new WebAssembly.Module(code);
    const imports = WebAssembly.Module.imports(module).map((i) => i.module);
    expect(new Set(imports)).toEqual(new Set(['gasket']));
    const methods = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    expect(methods.sort()).toEqual(['count', 'get', 'init', 'owner', 'put', 'remove']);
    expect(WebAssembly.Module.customSections(module, 'producers')).toHaveLength(0);
  });

  it(
    'is reproducible: the same bytes twice, and from a copy of the source at another path',
    async () => {
      const entry = EXAMPLES.find((e) => e.name === 'kvstore')!.entry;
      expect(Buffer.from(await buildCContract(entry)).equals(Buffer.from(code))).toBe(true);
      const copy = join(dir, 'elsewhere', 'kvstore.c');
      mkdirSync(join(dir, 'elsewhere'), { recursive: true });
      copyFileSync(join(REPO_ROOT, entry), copy);
      expect(Buffer.from(await buildCContract(copy, { baseDir: dir })).equals(Buffer.from(code))).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it('put stores and emits; get reads; count counts keys; owner is the deployer', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code);
    expect(chain.callRaw(address, 'owner', new Uint8Array()).returnData).toEqual(ALICE);
    const first = chain.callRaw(address, 'put', put('color', 'blue'), { caller: BOB });
    expect(first.status).toBe('ok');
    expect(first.events.map((e) => [message(e.topic), message(e.data)])).toEqual([['Put', 'color']]);
    chain.callRaw(address, 'put', put('size', 'large'));
    chain.callRaw(address, 'put', put('color', 'green'));
    expect(message(chain.callRaw(address, 'get', bytes('color'), { readOnly: true }).returnData)).toBe('green');
    expect(message(chain.callRaw(address, 'get', bytes('size')).returnData)).toBe('large');
    expect(u64le(chain.callRaw(address, 'count', new Uint8Array()).returnData)).toBe(2n);
    const empty = chain.callRaw(address, 'put', put('empty', ''));
    expect(empty.status).toBe('ok');
    expect(chain.callRaw(address, 'get', bytes('empty'))).toMatchObject({ status: 'ok', returnData: new Uint8Array() });
  });

  it('reverts: a missing key, bad input, remove by another account; nothing changes', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code);
    chain.callRaw(address, 'put', put('k', 'v'));
    const root = await chain.commit();
    expect(chain.callRaw(address, 'get', bytes('nope'))).toMatchObject({
      status: 'revert',
      error: { code: 'REVERT', message: 'not found' },
    });
    expect(chain.callRaw(address, 'get', new Uint8Array()).error?.message).toBe('keys are 1 to 255 bytes');
    expect(chain.callRaw(address, 'put', Uint8Array.from([9, 1, 2])).error?.message).toBe(
      'put: expected a key length, the key and the value',
    );
    expect(chain.callRaw(address, 'remove', bytes('k'), { caller: BOB }).error?.message).toBe(
      'only the owner may remove',
    );
    expect(chain.callRaw(address, 'put', put('x', 'y'), { readOnly: true })).toMatchObject({
      status: 'trap',
      error: { code: 'READ_ONLY' },
    });
    expect(await chain.commit()).toEqual(root);
  });

  it('the owner removes: 1 when the key existed, 0 after; the count follows', async () => {
    const chain = await Chain.open();
    const { address } = chain.deploy(code);
    chain.callRaw(address, 'put', put('a', '1'));
    chain.callRaw(address, 'put', put('b', '2'));
    expect(chain.callRaw(address, 'remove', bytes('a')).returnData).toEqual(Uint8Array.of(1));
    expect(chain.callRaw(address, 'remove', bytes('a')).returnData).toEqual(Uint8Array.of(0));
    expect(u64le(chain.callRaw(address, 'count', new Uint8Array()).returnData)).toBe(1n);
    expect(chain.callRaw(address, 'get', bytes('a')).error?.message).toBe('not found');
  });
});
