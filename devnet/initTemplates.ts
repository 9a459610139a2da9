/**
 * The files `gasket init` writes: a contract project around an AssemblyScript counter that uses the SDK (imported
 * as the package path `gasket/contracts/sdk/assembly`, which asc finds in the project's node_modules), its
 * interface metadata, a build script and a vitest test that runs the contract on the in-process VM. Kept as
 * template strings (not files) so they ship inside dist/ with the CLI.
 * @module
 */

export type ScaffoldOptions = {
  /** npm package name and contract name. */
  readonly name: string;
  /** The dependency spec of gasket, e.g. `file:/abs/path/to/gasket`. */
  readonly gasket: string;
  readonly assemblyscript: string;
  readonly vitest: string;
};

/** Relative path → contents. */
export function scaffoldFiles(options: ScaffoldOptions): Record<string, string> {
  return {
    'package.json': `${JSON.stringify(
      {
        name: options.name,
        version: '0.1.0',
        private: true,
        type: 'module',
        scripts: { build: 'node build.mjs', test: 'vitest run' },
        devDependencies: {
          assemblyscript: options.assemblyscript,
          gasket: options.gasket,
          vitest: options.vitest,
        },
      },
      null,
      2,
    )}\n`,
    'interface.json': `${JSON.stringify(
      {
        version: 1,
        name: options.name,
        methods: [
          { name: 'init', args: [{ name: 'start', type: 'u64' }], returns: 'nil', readOnly: false },
          { name: 'increment', args: [{ name: 'by', type: 'u64' }], returns: 'u64', readOnly: false },
          { name: 'get', args: [], returns: 'u64', readOnly: true },
        ],
        events: [{ topic: 'Incremented', data: 'map' }],
      },
      null,
      2,
    )}\n`,
    'assembly/index.ts': ASSEMBLY,
    'assembly/tsconfig.json': `${JSON.stringify(
      { extends: 'assemblyscript/std/assembly.json', include: ['./**/*.ts'] },
      null,
      2,
    )}\n`,
    'build.mjs': BUILD,
    'test/contract.test.ts': TEST,
    'test/determinism.test.ts': DETERMINISM_TEST,
    '.gitignore': 'node_modules/\nbuild/\n',
    'README.md': readme(options.name),
  };
}

const ASSEMBLY = `// A counter: init([start]) sets it, increment([by]) adds and emits "Incremented", get() reads it.
// Arguments and results are msgpack (the SDK's Args and returnValue); see interface.json for the types.
import { Args, Encoder, emit, panic, returnValue, Storage } from "gasket/contracts/sdk/assembly";

const COUNT = "count";

export function init(): void {
  const args = new Args();
  const start: u64 = args.count > 0 ? args.u64() : 0;
  args.done();
  Storage.set<u64>(COUNT, start);
}

export function increment(): void {
  const args = new Args();
  const by: u64 = args.count > 0 ? args.u64() : 1;
  args.done();
  const before = Storage.get<u64>(COUNT, 0);
  const after = before + by;
  if (after < before) panic("counter overflow");
  Storage.set<u64>(COUNT, after);
  emit("Incremented", new Encoder().map(2).str("by").u64(by).str("value").u64(after));
  returnValue<u64>(after);
}

export function get(): void {
  new Args().done();
  returnValue<u64>(Storage.get<u64>(COUNT, 0));
}
`;

const BUILD = `// Builds assembly/index.ts into build/<name>.wasm with gasket's contract build (asc, checked for metering, with
// the interface.json metadata as a custom section). Usage: npm run build
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContract } from 'gasket/contracts';

const root = fileURLToPath(new URL('.', import.meta.url));
const contractInterface = JSON.parse(readFileSync(join(root, 'interface.json'), 'utf8'));
const wasm = await buildContract('assembly/index.ts', { baseDir: root, interface: contractInterface });
mkdirSync(join(root, 'build'), { recursive: true });
const out = join('build', \`\${contractInterface.name}.wasm\`);
writeFileSync(join(root, out), wasm);
console.log(\`\${out} (\${wasm.length} bytes)\`);
`;

const TEST = `// Runs the contract on gasket's VM in this process: an in-memory state, deploy, calls with msgpack arguments.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildContract, decodeResult, encodeArgs } from 'gasket/contracts';
import { openState } from 'gasket/state';
import { Vm } from 'gasket/vm';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const contractInterface = JSON.parse(readFileSync(new URL('../interface.json', import.meta.url), 'utf8'));
const BLOCK = { height: 1n, timestamp: 1_700_000_000n };
const ALICE = new Uint8Array(32).fill(0xa1);
const GAS = 50_000_000n;

let code: Uint8Array;
beforeAll(async () => {
  code = await buildContract('assembly/index.ts', { baseDir: root, interface: contractInterface });
}, 120_000);

async function deploy(...initArgs: unknown[]) {
  const vm = new Vm({ state: await openState({ inMemory: true }) });
  const deployed = vm.deploy({ code, deployer: ALICE, nonce: 0n, initArgs: encodeArgs(...initArgs), gasLimit: GAS, block: BLOCK });
  expect(deployed.status).toBe('ok');
  const call = (method: string, ...args: unknown[]) => {
    const result = vm.execute({ contract: deployed.address, method, args: encodeArgs(...args), caller: ALICE, gasLimit: GAS, block: BLOCK });
    return { ...result, value: result.status === 'ok' ? decodeResult(result.returnData) : undefined };
  };
  return call;
}

describe('counter contract', () => {
  it('starts at the init value and counts up', async () => {
    const call = await deploy(10);
    expect(call('get').value).toBe(10);
    const result = call('increment', 5);
    expect(result.status).toBe('ok');
    expect(result.value).toBe(15);
    expect(result.events.map((e) => new TextDecoder().decode(e.topic))).toEqual(['Incremented']);
    expect(call('increment').value).toBe(16);
  });

  it('reverts on overflow', async () => {
    const call = await deploy(2n ** 64n - 1n);
    expect(call('increment', 1)).toMatchObject({ status: 'revert', error: { message: 'counter overflow' } });
  });
});
`;

const DETERMINISM_TEST = `// A property-based determinism test (gasket/testing): random call sequences, generated from interface.json, must
// give the same receipts, gas, events and state roots on fresh chains and on Gasket's reference interpreter, and
// once more in child processes under V8's baseline-only (--liftoff-only) and optimizing-only (--no-liftoff) tiers.
// A failure names the transaction and the field that differed; fast-check prints the seed to replay it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildContract } from 'gasket/contracts';
import { type ChainSetup, checkDeterminism, fc, txSequence } from 'gasket/testing';
import { beforeAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const contractInterface = JSON.parse(readFileSync(new URL('../interface.json', import.meta.url), 'utf8'));
const SEED = 42;
const calls = txSequence({ accounts: 3, targets: [{ name: 'contract', iface: contractInterface }], maxLength: 5 });

let setup: ChainSetup;
beforeAll(async () => {
  const code = await buildContract('assembly/index.ts', { baseDir: root, interface: contractInterface });
  setup = { accounts: 3, contracts: [{ name: 'contract', code, args: { start: 1n } }] };
}, 120_000);

it('random call sequences are deterministic', async () => {
  await fc.assert(
    fc.asyncProperty(calls, async (txs) => {
      const report = await checkDeterminism(setup, txs, { runs: ['in-process', 'in-process', 'reference'] });
      expect(report.record.steps).toHaveLength(1 + txs.length);
    }),
    { seed: SEED, numRuns: 10 },
  );
  const [txs] = fc.sample(calls, { seed: SEED, numRuns: 1 });
  await checkDeterminism(setup, txs!);
}, 120_000);
`;

function readme(name: string): string {
  return `# ${name}

A Gasket contract project (made by \`gasket init\`).

- \`assembly/index.ts\`: the contract, in AssemblyScript with the Gasket SDK (\`gasket/contracts/sdk/assembly\`).
- \`interface.json\`: its methods and events, written into the module as the \`gasket:interface\` section.
- \`npm test\`: builds the contract and runs \`test/\` on the in-process VM, with a property-based determinism test
  (\`test/determinism.test.ts\`, using \`gasket/testing\`).
- \`npm run build\`: writes \`build/${name}.wasm\`; then, with a devnet running (\`gasket devnet\`):
  \`gasket deploy build/${name}.wasm --args '[1]'\` and \`gasket send <address> increment --args '[2]'\`.
`;
}
