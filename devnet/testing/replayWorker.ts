/**
 * Child-process side of `checkDeterminism`: reads `{ setup, txs }` as msgpack from stdin, replays them on a fresh
 * in-process chain, and writes the record as msgpack to stdout. Started with V8 flags (`--liftoff-only`,
 * `--no-liftoff`) by the parent, so the same sequence runs under another compiler tier.
 * @module
 */
import { replay, WORKER_PACKR } from './determinism.js';
import type { ChainSetup, TestTx } from './sequence.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const { setup, txs } = WORKER_PACKR.unpack(Buffer.concat(chunks)) as { setup: ChainSetup; txs: TestTx[] };
const record = await replay(setup, txs);
process.stdout.write(WORKER_PACKR.pack(record));
