/**
 * `npm run bench:gas` (issue 12): does gas track time?
 *
 * 1. Honest suite: the example contracts' methods (through the VM, a block committed every batch of calls, as a
 *    node would) and the compute kernels of the metering benchmark (instrumented, run directly); gas per second
 *    of each. Fidelity = slowest gas/s over median gas/s.
 * 2. Adversarial: the regression fixtures of bench/fixtures/adversarial/ (the search's best finds and the attack
 *    families found by hand), and a fresh genetic search (bench/adversarial.ts) of `--search-seconds N` (default
 *    60) from `--seed S` (default 12): gas/s of each and its ratio to the honest median. `--save-fixtures` writes
 *    the search's best finds to the fixture folder.
 * 3. Deploys: adversarial modules (many tiny functions, one huge function, deep nesting, huge br_tables, many
 *    locals, large data) and real ones: deploy gas against the node's work, instrument + V8 compile (eager:
 *    `new WebAssembly.Module`; V8 compiles each function lazily on its first call, so a first call that calls every
 *    function is timed too, minus a warm call).
 *
 * Target: nothing found runs slower than 3x below the honest median, in gas/s. Prints markdown for
 * docs/benchmarks.md. Flags: `--quick`, `--no-search`, `--no-deploys`, `--search-seconds N`, `--seed S`.
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample, encodeArgs } from '../contracts/index.js';
import { DEFAULT_LIMITS, instrument, METERING_EXPORTS } from '../metering/index.js';
import { CURRENT_HOST_COSTS, deployItemsCost } from '../vm/index.js';
import {
  adversarialModule,
  CALLEE_WAT,
  describe,
  evaluate,
  evaluatePointerChase,
  genomeWat,
  search,
} from './adversarial.js';
import { fastest, LAB_GAS, Lab, loadWabt, median, nowNs, wat } from './gasLab.js';
import { buildKernels, REPO_ROOT } from './meteringInputs.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const QUICK = args.includes('--quick');
const SEARCH_SECONDS = Number(flag('--search-seconds') ?? 60);
const SEED = Number(flag('--seed') ?? 12);
const TARGET_RATIO = 3;
const FIXTURES = join(REPO_ROOT, 'bench', 'fixtures', 'adversarial');
/** Gas limit of an adversarial run (it runs until out of gas): some milliseconds of work. */
const ADVERSARY_GAS = 5_000_000n;

type Row = { name: string; gas: number; ns: number; gasPerSecond: number; note?: string };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const mgas = (gasPerSecond: number) => fmt(gasPerSecond / 1e6, 0);

// ---------------------------------------------------------------------------------------------------------------
// 1. Honest suite

const BATCH = QUICK ? 20 : 50;
const ROUNDS = QUICK ? 3 : 9;

async function honestContracts(lab: Lab): Promise<Row[]> {
  const address = (i: number) => {
    const bytes = new Uint8Array(32);
    new DataView(bytes.buffer).setUint32(0, i + 1);
    return bytes;
  };
  const token = lab.deploy(await buildExample('token'), encodeArgs('Bench', 'BNC', 18, 10n ** 30n));
  const counter = lab.deploy(await buildExample('counter'), encodeArgs(0n));
  const nft = lab.deploy(await buildExample('nft'));
  const echo = lab.deploy(await buildExample('msgpackEcho'));
  const expensive = lab.deploy(await buildExample('expensive'));
  let id = 0n;
  const workloads: { name: string; contract: Uint8Array; method: string; args: (i: number) => Uint8Array }[] = [
    { name: 'token.transfer', contract: token, method: 'transfer', args: (i) => encodeArgs(address(i % 1000), 1n) },
    { name: 'token.balanceOf', contract: token, method: 'balanceOf', args: (i) => encodeArgs(address(i % 1000)) },
    { name: 'counter.increment', contract: counter, method: 'increment', args: () => encodeArgs(1n) },
    { name: 'counter.get', contract: counter, method: 'get', args: () => encodeArgs() },
    { name: 'nft.mint', contract: nft, method: 'mint', args: (i) => encodeArgs(address(i), (id += 1n), 'ipfs://x') },
    { name: 'nft.ownerOf', contract: nft, method: 'ownerOf', args: () => encodeArgs(1n) },
    {
      name: 'msgpackEcho.echo',
      contract: echo,
      method: 'echo',
      args: () => encodeArgs({ a: [1, 2, 3], b: 'hello', c: { d: true, e: null } }),
    },
    {
      name: 'msgpackEcho.u128Math',
      contract: echo,
      method: 'u128Math',
      args: () => encodeArgs(10n ** 30n, 10n ** 20n, 1_000_003n),
    },
    {
      name: 'expensive.hashChain sha256',
      contract: expensive,
      method: 'hashChain',
      args: () => encodeArgs(200, 'sha256'),
    },
    {
      name: 'expensive.hashChain keccak256',
      contract: expensive,
      method: 'hashChain',
      args: () => encodeArgs(50, 'keccak256'),
    },
    { name: 'expensive.sha256Wasm', contract: expensive, method: 'sha256Wasm', args: () => encodeArgs(20) },
    { name: 'expensive.mix', contract: expensive, method: 'mix', args: () => encodeArgs(20_000n) },
    { name: 'expensive.fill', contract: expensive, method: 'fill', args: () => encodeArgs(20) },
    { name: 'expensive.touchMemory', contract: expensive, method: 'touchMemory', args: () => encodeArgs(256) },
  ];
  const rows: Row[] = [];
  let call = 0;
  for (const w of workloads) {
    const perCall: number[] = [];
    let gas = 0n;
    for (let round = 0; round < ROUNDS + 1; round++) {
      const inputs = Array.from({ length: BATCH }, () => w.args(call++));
      let roundGas = 0n;
      const start = nowNs();
      for (const input of inputs) {
        const result = lab.call(w.contract, w.method, input);
        if (result.status !== 'ok') throw new Error(`${w.name}: ${result.error?.code} ${result.error?.message}`);
        roundGas += result.gasUsed;
      }
      await lab.state.commitBlock();
      const elapsed = nowNs() - start;
      if (round > 0) perCall.push(elapsed / BATCH);
      gas = roundGas / BigInt(BATCH);
    }
    const ns = fastest(perCall);
    rows.push({ name: w.name, gas: Number(gas), ns, gasPerSecond: (Number(gas) / ns) * 1e9 });
  }
  return rows;
}

async function honestKernels(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gasket-bench-gas-'));
  try {
    const rows: Row[] = [];
    for (const kernel of await buildKernels(dir)) {
      const metered = instrument(kernel.wasm);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(metered.code), {
        env: {
          abort: () => {
            throw new Error('abort');
          },
        },
      });
      const gasGlobal = instance.exports[METERING_EXPORTS.gas] as WebAssembly.Global;
      const stack = instance.exports[METERING_EXPORTS.stack] as WebAssembly.Global;
      const run = instance.exports.run as (n: number) => bigint;
      // A quarter of the metering benchmark's work (fibRecursive is exponential: n - 3 is about a quarter).
      const n = kernel.name === 'fibRecursive' ? kernel.n - (QUICK ? 4 : 3) : Math.round(kernel.n / (QUICK ? 8 : 4));
      const once = () => {
        gasGlobal.value = LAB_GAS;
        stack.value = 0;
        const start = nowNs();
        run(n);
        return { ns: nowNs() - start, gas: LAB_GAS - (gasGlobal.value as bigint) };
      };
      once();
      const times: number[] = [];
      let gas = 0n;
      for (let i = 0; i < (QUICK ? 3 : 5); i++) {
        const r = once();
        times.push(r.ns);
        gas = r.gas;
      }
      const ns = fastest(times);
      rows.push({
        name: `kernel ${kernel.name}(${fmt(n)})`,
        gas: Number(gas),
        ns,
        gasPerSecond: (Number(gas) / ns) * 1e9,
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Adversarial

function fixtureRows(lab: Lab, callee: Uint8Array): Row[] {
  const rows: Row[] = [];
  let files: string[] = [];
  try {
    files = readdirSync(FIXTURES)
      .filter((file) => file.endsWith('.wat'))
      .sort();
  } catch {
    return rows;
  }
  for (const file of files) {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const note = /^;; (.*)$/m.exec(text)?.[1] ?? '';
    const body = text.replace(/^;;.*$/gm, '').trim();
    const pages = Number(/^;; pages (\d+)$/m.exec(text)?.[1] ?? 2);
    const maxPages = Number(/^;; max-pages (\d+)$/m.exec(text)?.[1] ?? DEFAULT_LIMITS.maxMemoryPages);
    // `;; gas N`: a fixture that needs a larger limit than the search's (a large memory costs gas per page).
    const gasLimit = BigInt(/^;; gas (\d+)$/m.exec(text)?.[1] ?? ADVERSARY_GAS);
    const r = evaluate(lab, wat(adversarialModule(body, callee, pages, maxPages)), gasLimit, 9);
    rows.push({ name: `fixture ${file}`, gas: Number(r.gas), ns: r.ns, gasPerSecond: r.gasPerSecond, note });
  }
  return rows;
}

/** Memory sizes of the pointer-chase rows: the largest of each load-price class (schedule 4) and the cap. */
const CHASE_PAGES = [1, 4, 16, DEFAULT_LIMITS.maxMemoryPages];

function pointerChaseRows(lab: Lab): Row[] {
  return CHASE_PAGES.map((pages) => {
    // The fill costs about 13 gas a word; the chase gets at least as much again.
    const gasLimit = BigInt(Math.max(50_000_000, pages * 16_384 * 40));
    const r = evaluatePointerChase(lab, pages, gasLimit, QUICK ? 3 : 7);
    const name = `pointer chase over ${pages} page${pages === 1 ? '' : 's'} (maximum the same)`;
    return { name, gas: Number(r.gas), ns: r.ns, gasPerSecond: r.gasPerSecond };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Deploys

type DeployRow = {
  name: string;
  bytes: number;
  functions: number;
  gas: number;
  instrumentNs: number;
  compileNs: number;
  firstCallNs: number;
  gasPerSecond: number;
};

// A minimal binary writer (test/wasmBytes.ts has the same; test/'s index drags in process helpers bench/ cannot load).
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}
const name = (text: string) => {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
};
const section = (id: number, payload: readonly number[]) => [id, ...uleb(payload.length), ...payload];
const vector = (items: readonly (readonly number[])[]) => [...uleb(items.length), ...items.flat()];

/** A binary module (wabt cannot hold the large ones): type () -> (), the bodies, `run` = the last body. */
function binaryModule(bodies: readonly (readonly number[])[], memoryPages = 1, data?: Uint8Array): Uint8Array {
  const parts: number[] = [...HEADER];
  const push = (bytes: readonly number[] | Uint8Array) => {
    for (const b of bytes) parts.push(b);
  };
  push(section(1, vector([[0x60, 0x00, 0x00]])));
  push(section(3, [...uleb(bodies.length), ...bodies.map(() => 0)]));
  push(section(5, vector([[0x00, ...uleb(memoryPages)]])));
  push(
    section(
      7,
      vector([
        [...name('memory'), 0x02, 0x00],
        [...name('run'), 0x00, ...uleb(bodies.length - 1)],
      ]),
    ),
  );
  const code: number[] = [...uleb(bodies.length)];
  for (const body of bodies) {
    for (const b of uleb(body.length)) code.push(b);
    for (const b of body) code.push(b);
  }
  push([10, ...uleb(code.length)]);
  push(code);
  if (data) {
    const segment = [0x00, 0x41, 0x00, 0x0b, ...uleb(data.length)];
    push([11, ...uleb(segment.length + data.length + 1), 0x01, ...segment]);
    push(data);
  }
  return new Uint8Array(parts);
}

function deployModules(): { name: string; code?: () => Uint8Array; example?: string }[] {
  const repeat = (bytes: readonly number[], times: number) => {
    const out: number[] = [];
    for (let i = 0; i < times; i++) for (const b of bytes) out.push(b);
    return out;
  };
  const callAll = (count: number) => {
    const out = [0x00];
    for (let i = 0; i < count; i++) out.push(0x10, ...uleb(i));
    out.push(0x0b);
    return out;
  };
  const many = (count: number, body: number[]) => [...Array.from({ length: count }, () => body), callAll(count)];
  const depth = 1000;
  const nested = [
    0x00,
    ...repeat([0x02, 0x40], depth),
    0x41,
    0x00,
    0x0d,
    ...uleb(depth - 1),
    ...repeat([0x0b], depth),
    0x0b,
  ];
  const loops = [0x00, ...repeat([0x03, 0x40], depth), ...repeat([0x0b], depth), 0x0b];
  const table = [
    0x00,
    0x02,
    0x40,
    0x02,
    0x40,
    0x41,
    0x05,
    0x0e,
    ...uleb(4096),
    ...repeat([0x01], 4096),
    0x00,
    0x0b,
    0x0b,
    0x0b,
  ];
  const locals = [0x01, ...uleb(4000), 0x7e, 0x42, 0x01, 0x21, 0x01, 0x0b];
  // local.set 0 (i32.add (local.get 0) (i32.const 100000)), 9 bytes, ~215,000 times
  const huge = [0x01, 0x01, 0x7f, ...repeat([0x20, 0x00, 0x41, 0xa0, 0x8d, 0x06, 0x6a, 0x21, 0x00], 215_000), 0x0b];
  return [
    { name: '19,000 tiny functions', code: () => binaryModule(many(19_000, [0x00, 0x0b])) },
    { name: 'one huge function (~1.9 MiB)', code: () => binaryModule([huge, callAll(1)]) },
    { name: '400 functions nested 1,000 deep', code: () => binaryModule(many(400, nested)) },
    { name: '400 functions of 1,000 nested loops', code: () => binaryModule(many(400, loops)) },
    { name: '250 functions, each a 4,096-target br_table', code: () => binaryModule(many(250, table)) },
    { name: '2,000 functions with 4,000 i64 locals', code: () => binaryModule(many(2_000, locals)) },
    { name: '1.9 MiB data segment', code: () => binaryModule([[0x00, 0x0b]], 32, new Uint8Array(1_990_000).fill(7)) },
    ...['token', 'nft', 'msgpackEcho', 'expensive', 'counter'].map((example) => ({
      name: `example ${example}`,
      example,
    })),
  ];
}

const INIT_ARGS: Record<string, Uint8Array> = {
  token: encodeArgs('Bench', 'BNC', 18, 10n ** 30n),
  counter: encodeArgs(0n),
};

async function deploys(): Promise<DeployRow[]> {
  const rows: DeployRow[] = [];
  for (const module of deployModules()) {
    const code = module.example ? await buildExample(module.example) : module.code!();
    const instrumentTimes: number[] = [];
    const compileTimes: number[] = [];
    let metered = instrument(code);
    for (let i = 0; i < 3; i++) {
      let start = nowNs();
      metered = instrument(code);
      instrumentTimes.push(nowNs() - start);
      start = nowNs();
      new WebAssembly.Module(metered.code);
      compileTimes.push(nowNs() - start);
    }
    // First call on a fresh VM (compile-cache miss, instantiate, lazy compile of every function `run` reaches),
    // minus a warm call; several fresh VMs, median.
    const firstCalls: number[] = [];
    let gas = 0;
    for (let i = 0; i < 3; i++) {
      const lab = await Lab.open();
      const initArgs = module.example ? INIT_ARGS[module.example] : undefined;
      const deployed = lab.vm.deploy({
        code,
        ...(initArgs ? { initArgs } : {}),
        deployer: new Uint8Array(32).fill(0xa1),
        nonce: 0n,
        gasLimit: LAB_GAS,
        block: { height: 1n, timestamp: 0n },
      });
      if (deployed.status !== 'ok')
        throw new Error(`${module.name}: ${deployed.error?.code} ${deployed.error?.message}`);
      // The deploy's own price, without the init call.
      const costs = CURRENT_HOST_COSTS;
      gas = Number(
        costs.deployBase + costs.deployPerByte * BigInt(code.length) + deployItemsCost(costs, metered.report),
      );
      // The examples are only compiled (a method they lack is looked up after the compile-cache miss).
      const method = module.name.startsWith('example') ? 'noSuchMethod' : 'run';
      let start = nowNs();
      lab.call(deployed.address, method);
      const first = nowNs() - start;
      start = nowNs();
      lab.call(deployed.address, method);
      const second = nowNs() - start;
      firstCalls.push(Math.max(0, first - second));
      await lab.close();
    }
    const instrumentNs = fastest(instrumentTimes);
    const compileNs = fastest(compileTimes);
    const firstCallNs = median(firstCalls);
    rows.push({
      name: module.name,
      bytes: code.length,
      functions: metered.report.functions,
      gas,
      instrumentNs,
      compileNs,
      firstCallNs,
      gasPerSecond: (gas / (instrumentNs + Math.max(compileNs, firstCallNs))) * 1e9,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await loadWabt();
  console.log(
    `# Gas benchmark\n\n${new Date().toISOString()}, node ${process.version}, host costs v${CURRENT_HOST_COSTS.version}\n`,
  );
  const lab = await Lab.open();
  const skipHonest = args.includes('--no-honest');
  const honest = skipHonest ? [] : [...(await honestContracts(lab)), ...(await honestKernels())];
  // --no-honest (for quick deploy or search runs) compares with a given median instead.
  const honestMedian = skipHonest ? Number(flag('--median') ?? 1e9) : median(honest.map((r) => r.gasPerSecond));
  const slowest = honest.reduce(
    (a, b) => (b.gasPerSecond < a.gasPerSecond ? b : a),
    honest[0] ?? { name: '-', gas: 0, ns: 1, gasPerSecond: honestMedian },
  );
  console.log('## Honest suite\n');
  console.log('| workload | gas a call | µs a call | Mgas/s | / median |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of honest) {
    console.log(
      `| ${r.name} | ${fmt(r.gas)} | ${fmt(r.ns / 1e3, 1)} | ${mgas(r.gasPerSecond)} | ${(r.gasPerSecond / honestMedian).toFixed(2)} |`,
    );
  }
  console.log(
    `\n- median ${mgas(honestMedian)} Mgas/s; slowest ${slowest.name} ${mgas(slowest.gasPerSecond)} Mgas/s; **fidelity ${(slowest.gasPerSecond / honestMedian).toFixed(2)}**\n`,
  );

  const callee = lab.deploy(wat(CALLEE_WAT));
  const adversarial: Row[] = [...fixtureRows(lab, callee), ...pointerChaseRows(lab)];
  if (!args.includes('--no-search')) {
    const started = nowNs();
    const found = search(lab, callee, {
      seconds: SEARCH_SECONDS,
      seed: SEED,
      gasLimit: ADVERSARY_GAS,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const elapsed = (nowNs() - started) / 1e9;
    console.log(
      `## Search: seed ${SEED}, ${SEARCH_SECONDS} s budget (${elapsed.toFixed(0)} s), ${found.evaluations} contracts evaluated\n`,
    );
    // The search keeps whatever measured slowest, noise included (a winner's curse on a shared machine): its ten
    // best are measured again, fastest of 9, and ranked on that.
    const top = found.best
      .slice(0, 10)
      .map((s) => ({ ...s, ...evaluate(lab, wat(genomeWat(s.genome, callee)), ADVERSARY_GAS, 9) }))
      .sort((a, b) => a.gasPerSecond - b.gasPerSecond)
      .slice(0, 5);
    for (const [i, s] of top.entries()) {
      adversarial.push({
        name: `search #${i + 1}: ${describe(s.genome)}`,
        gas: Number(s.gas),
        ns: s.ns,
        gasPerSecond: s.gasPerSecond,
        note: s.status,
      });
    }
    if (args.includes('--save-fixtures')) {
      mkdirSync(FIXTURES, { recursive: true });
      for (const [i, s] of top.slice(0, 3).entries()) {
        const { GADGETS } = await import('./adversarial.js');
        const body = s.genome.genes.map((g) => GADGETS[g.gadget]!.code.repeat(g.times)).join('\n');
        writeFileSync(
          join(FIXTURES, `search-seed${SEED}-${i + 1}.wat`),
          `;; search seed ${SEED}, find #${i + 1}: ${describe(s.genome)}\n;; pages ${s.genome.pages}\n${s.genome.capped ? `;; max-pages ${s.genome.pages}\n` : ''}${body}\n`,
        );
      }
    }
  }
  adversarial.sort((a, b) => a.gasPerSecond - b.gasPerSecond);
  console.log('## Adversarial (run until out of gas, limit 5,000,000 unless the fixture says)\n');
  console.log('| contract | µs | Mgas/s | median / this |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of adversarial) {
    console.log(
      `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${fmt(r.ns / 1e3, 0)} | ${mgas(r.gasPerSecond)} | ${(honestMedian / r.gasPerSecond).toFixed(2)} |`,
    );
  }
  const worst = adversarial[0];
  if (worst) {
    const ratio = honestMedian / worst.gasPerSecond;
    console.log(
      `\n- worst: ${worst.name}, ${ratio.toFixed(2)}x below the honest median: target <= ${TARGET_RATIO}x ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}\n`,
    );
  }
  await lab.close();

  if (!args.includes('--no-deploys')) {
    const rows = await deploys();
    console.log('## Deploys (gas against instrument + compile, eager or on first call)\n');
    console.log(
      '| module | bytes | functions | deploy gas | instrument ms | compile ms (eager) | first call extra ms | Mgas/s | median / this |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${fmt(r.bytes)} | ${fmt(r.functions)} | ${fmt(r.gas)} | ${fmt(r.instrumentNs / 1e6, 1)} | ${fmt(r.compileNs / 1e6, 1)} | ${fmt(r.firstCallNs / 1e6, 1)} | ${mgas(r.gasPerSecond)} | ${(honestMedian / r.gasPerSecond).toFixed(2)} |`,
      );
    }
    const worstDeploy = rows.reduce((a, b) => (b.gasPerSecond < a.gasPerSecond ? b : a));
    const ratio = honestMedian / worstDeploy.gasPerSecond;
    console.log(
      `\n- worst deploy: ${worstDeploy.name}, ${ratio.toFixed(2)}x below the honest median: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}\n`,
    );
  }
}

await main();
