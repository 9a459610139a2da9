#!/usr/bin/env node
// `npm run test:determinism -- --seed N --runs N`: the determinism kit's suite (test/determinismKit.test.ts) with
// a chosen fast-check seed and number of runs per example contract (npm test uses seed 20261124 and 4 runs).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { seed: { type: 'string', default: '20261124' }, runs: { type: 'string', default: '50' } },
});
for (const [name, value] of Object.entries(values)) {
  if (!/^\d+$/.test(value)) {
    process.stderr.write(`--${name} must be a whole number, not "${value}"\n`);
    process.exit(1);
  }
}
process.stderr.write(`determinism suite: seed ${values.seed}, ${values.runs} runs per example contract\n`);
const result = spawnSync('npx', ['vitest', 'run', 'test/determinismKit.test.ts', '--testTimeout', '3600000'], {
  stdio: 'inherit',
  env: { ...process.env, FC_SEED: values.seed, DETERMINISM_RUNS: values.runs },
});
process.exit(result.status ?? 1);
