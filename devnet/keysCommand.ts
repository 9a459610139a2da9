/**
 * `gasket keys new <file> | show <file> | dev`: key files for `--from`. `new` writes a fresh ed25519 key as JSON
 * (`secretKey`, `publicKey`, `address`, all 0x-hex) with mode 0600 and never overwrites a file; `show` prints a key
 * file's address and public key (never the secret); `dev` lists the devnet's deterministic dev accounts, the same
 * on every machine (their secrets are public: for local testing only).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { GasketError } from '../errors.js';
import { readKeyFile } from './_chainCli.js';
import type { CliIo } from './cliIo.js';
import { toHex } from './codec.js';
import { devAccount, generateKeyPair, keyPairFromSecret } from './keys.js';

export async function keysNewCommand(options: { file: string; json: boolean }, io: CliIo): Promise<void> {
  const keys = generateKeyPair();
  const record = { secretKey: toHex(keys.secretKey), publicKey: toHex(keys.publicKey), address: toHex(keys.address) };
  try {
    writeFileSync(options.file, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GasketError(
      'KEY_FILE',
      code === 'EEXIST'
        ? `${options.file} exists: keys new never overwrites a key`
        : `cannot write ${options.file}: ${code}`,
    );
  }
  if (options.json)
    io.stdout(
      `${JSON.stringify({ file: options.file, address: record.address, publicKey: record.publicKey }, null, 2)}\n`,
    );
  else io.stdout(`new key in ${options.file}\n  address     ${record.address}\n  public key  ${record.publicKey}\n`);
}

export async function keysShowCommand(options: { file: string; json: boolean }, io: CliIo): Promise<void> {
  const keys = keyPairFromSecret(new Uint8Array(Buffer.from(readKeyFile(options.file).slice(2), 'hex')));
  const record = { file: options.file, address: toHex(keys.address), publicKey: toHex(keys.publicKey) };
  if (options.json) io.stdout(`${JSON.stringify(record, null, 2)}\n`);
  else io.stdout(`${options.file}\n  address     ${record.address}\n  public key  ${record.publicKey}\n`);
}

export async function keysDevCommand(options: { count: string; json: boolean }, io: CliIo): Promise<void> {
  if (!/^\d+$/.test(options.count) || Number(options.count) > 1000) {
    throw new GasketError('BAD_FLAG', `--count takes a whole number up to 1000, got "${options.count}"`);
  }
  const accounts = Array.from({ length: Number(options.count) }, (_, index) => {
    const keys = devAccount(index);
    return { index, address: toHex(keys.address), secretKey: toHex(keys.secretKey) };
  });
  if (options.json) io.stdout(`${JSON.stringify(accounts, null, 2)}\n`);
  else {
    const lines = ['dev accounts (the same on every devnet; --from <index>):'];
    for (const account of accounts)
      lines.push(`  ${String(account.index).padStart(2)}  ${account.address}  secret ${account.secretKey}`);
    io.stdout(`${lines.join('\n')}\n`);
  }
}
