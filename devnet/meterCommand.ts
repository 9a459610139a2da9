/**
 * `gasket meter`: runs metering's `instrument` on a file and prints what it did, or the rejection with its code
 * and location (exit status 1). A shell over the metering API.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { GasketError } from '../errors.js';
import { instrument, MeteringError } from '../metering/index.js';
import { type CliIo, ExitStatus } from './cliIo.js';

export type MeterCommandOptions = {
  input: string;
  out: string | undefined;
  json: boolean;
  tooling: boolean;
};

export async function meterCommand(options: MeterCommandOptions, io: CliIo): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(options.input));
  } catch (error) {
    throw new GasketError('FILE', `cannot read ${options.input}: ${(error as Error).message}`);
  }
  const started = process.hrtime.bigint();
  let result: ReturnType<typeof instrument>;
  try {
    result = instrument(bytes, { tooling: options.tooling });
  } catch (error) {
    if (!(error instanceof MeteringError)) throw error;
    if (options.json)
      io.stdout(`${JSON.stringify({ ok: false, error: { ...error.toJSON(), location: error.location } }, null, 2)}\n`);
    else io.stderr(`rejected [${error.code}]: ${error.message}\n`);
    throw new ExitStatus(1);
  }
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  if (options.out) await writeFile(options.out, result.code);

  const { report } = result;
  const codeHash = Buffer.from(result.codeHash).toString('hex');
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ ok: true, out: options.out ?? null, codeHash, scheduleVersion: result.scheduleVersion, exports: result.exports, report, milliseconds }, null, 2)}\n`,
    );
    return;
  }
  const growth = ((report.bytesAfter / report.bytesBefore - 1) * 100).toFixed(1);
  io.stdout(
    [
      `metered ${options.input}${options.out ? ` -> ${options.out}` : ' (no --out: nothing written)'}`,
      `  functions      ${report.functions} (+${report.importedFunctions} imported)`,
      `  gas charges    ${report.charges} segments, ${report.dynamicSites} dynamic (memory.grow, bulk memory)`,
      `  counted loops  ${report.versionedLoops} with a fast copy (no per-iteration charge when the gas covers them)`,
      `  call sites     ${report.callSites}, exits ${report.exits}, largest frame ${report.maxFrameCost} stack units`,
      `  size           ${report.bytesBefore} -> ${report.bytesAfter} bytes (+${growth}%)`,
      `  schedule       v${result.scheduleVersion}, code hash ${codeHash}`,
      `  time           ${milliseconds.toFixed(1)} ms`,
      '',
    ].join('\n'),
  );
}
