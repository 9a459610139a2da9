#!/usr/bin/env node
// The `gasket` executable: plain JavaScript so that `node <v8 flags> devnet/gasket.js` works. It runs the CLI
// compiled by `npm install` (the `prepare` script) into dist/.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/devnet/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('gasket: dist/ is missing; run `npm install` (or `npm run build`) in the gasket folder first\n');
  process.exit(2);
}
const { main } = await import(cli.href);
await main(process.argv.slice(2));
