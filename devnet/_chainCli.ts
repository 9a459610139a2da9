/**
 * Shared parts of the CLI subcommands that talk to a running devnet (`deploy`, `send`, `call`): the client from
 * `--rpc`, the signer from `--from` (a dev account index or a key file), `--args`/`--value`/`--gas` parsing, and
 * the receipt printed for people or as JSON. Failures are GasketErrors with one clear line; with `--json` they are
 * printed as `{ "error": { code, message } }` on stdout as well, so scripts always get JSON.
 * @module
 */
import { readFileSync } from 'node:fs';
import { GasketError } from '../errors.js';
import { decodeMsgpack } from './client/abi.js';
import { receiptToJson } from './client/convert.js';
import { type Client, createClient } from './client/createClient.js';
import type { Receipt } from './client/index.js';
import { createSigner, devSigner, type Signer } from './client/signer.js';
import { type CliIo, ExitStatus } from './cliIo.js';

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545/';

export type ChainFlags = { rpc: string; json: boolean };

export function clientFor(flags: { rpc: string }): Client {
  let url: URL;
  try {
    url = new URL(flags.rpc);
  } catch {
    throw new GasketError('BAD_FLAG', `--rpc takes a URL such as ${DEFAULT_RPC_URL}, got "${flags.rpc}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GasketError('BAD_FLAG', `--rpc takes an http(s) URL, got "${flags.rpc}"`);
  }
  return createClient({ url: flags.rpc });
}

/** `--from`: a dev account index (digits) or the path of a key file written by `gasket keys new`. */
export function signerFor(client: Client, from: string): Signer {
  if (/^\d+$/.test(from)) return devSigner(client, Number(from));
  return createSigner(client, readKeyFile(from));
}

/** A key file: JSON with a `secretKey` (0x-hex, 32 bytes), or just the hex text. */
export function readKeyFile(path: string): `0x${string}` {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new GasketError('KEY_FILE', `cannot read the key file ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let secret: unknown = text;
  if (text.startsWith('{')) {
    try {
      secret = (JSON.parse(text) as { secretKey?: unknown }).secretKey;
    } catch {
      secret = undefined;
    }
  }
  if (typeof secret !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(secret)) {
    throw new GasketError('KEY_FILE', `${path} holds no secret key (a JSON { "secretKey": "0x" + 64 hex digits })`);
  }
  return secret as `0x${string}`;
}

export function parseJsonFlag(text: string | undefined, flag: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GasketError('BAD_FLAG', `${flag} is not valid JSON: ${(error as Error).message}`);
  }
}

export function parseQuantityFlag(text: string | undefined, flag: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new GasketError('BAD_FLAG', `${flag} takes a whole number, got "${text}"`);
  return BigInt(text);
}

export function parseAddress(text: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new GasketError('BAD_ADDRESS', `an address is 0x and 64 hex digits, got "${text}"`);
  }
  return text.toLowerCase() as `0x${string}`;
}

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`;

/** A decoded value made JSON-safe: bigint as decimal string, bytes as 0x-hex. */
export function jsonSafe(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? hex(v) : v)),
  );
}

const topicText = (topic: Uint8Array) => {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(topic);
  return /^[\x20-\x7e]+$/.test(text) ? text : hex(topic);
};

/** The receipt for `--json`: the wire shape, plus the decoded return value and event data when they decode. */
export function receiptJson(receipt: Receipt, value: { value: unknown } | undefined) {
  const json = receiptToJson(receipt);
  return {
    ...json,
    ...(value ? { returnValue: jsonSafe(value.value) } : {}),
    events: json.events.map((event, i) => {
      const decoded = decodeMsgpack(receipt.events[i]!.data);
      return {
        ...event,
        topicText: topicText(receipt.events[i]!.topic),
        ...(decoded ? { value: jsonSafe(decoded.value) } : {}),
      };
    }),
  };
}

export function formatReceipt(title: string, receipt: Receipt, value: { value: unknown } | undefined): string {
  const error = receipt.error ? ` [${receipt.error.code}] ${receipt.error.message}` : '';
  const lines = [
    `${title}: ${receipt.status}${error}`,
    `  transaction   ${receipt.txHash}`,
    `  block         ${receipt.blockHeight} (${receipt.blockHash})`,
  ];
  if (receipt.contractAddress) lines.push(`  contract      ${receipt.contractAddress}`);
  lines.push(`  gas used      ${receipt.gasUsed.toLocaleString('en-US')}`);
  if (value) lines.push(`  return value  ${JSON.stringify(jsonSafe(value.value))}`);
  else if (receipt.returnData.length > 0) lines.push(`  return data   ${hex(receipt.returnData)}`);
  for (const event of receipt.events) {
    const decoded = decodeMsgpack(event.data);
    lines.push(
      `  event         ${topicText(event.topic)} ${decoded ? JSON.stringify(jsonSafe(decoded.value)) : hex(event.data)}`,
    );
  }
  for (const log of receipt.logs) lines.push(`  log           ${log}`);
  return `${lines.join('\n')}\n`;
}

/** Runs a subcommand; with `--json`, an error is also printed as JSON on stdout before it propagates. */
export async function withJsonErrors(json: boolean, io: CliIo, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (json && error instanceof GasketError) {
      io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.shortMessage } }, null, 2)}\n`);
      io.stderr(`error [${error.code}]: ${error.shortMessage}\n`);
      throw new ExitStatus(1);
    }
    throw error;
  }
}
