/**
 * Compiles C contracts with Debian's clang and lld (wasm-ld): `--target=wasm32`, freestanding, no libc, no entry
 * point, methods exported by `export_name` attributes (contracts/sdk/c/gasket.h), stack 16 KiB, names and producer
 * sections stripped. Sources are passed relative to a root that is also the working directory, and
 * `-ffile-prefix-map` maps the root to `.`, so the bytes do not depend on where the checkout lives. When clang or
 * wasm-ld is missing, `ensureCToolchain` installs them with `apt-get update && apt-get install -y clang lld` (as
 * root, or through `sudo -n`), saying so on stderr; this module only compiles: build.ts checks the result.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** clang flags of every C contract (besides include folders, the prefix map, sources and output). */
export const C_FLAGS: readonly string[] = Object.freeze([
  '--target=wasm32',
  '-O2',
  '-std=c11',
  '-nostdlib',
  '-ffreestanding',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--strip-all',
  '-Wl,-z,stack-size=16384',
  // A 1 MiB maximum, as the AssemblyScript builds declare: loads are priced by the memory a contract can reach.
  '-Wl,--max-memory=1048576',
]);

export class CToolchainError extends Error {
  override readonly name = 'CToolchainError';
}

let toolchain: Promise<string> | undefined;

/**
 * Resolves to clang's version line once clang and wasm-ld run, installing them first if they are missing (see the
 * module header). Rejects with CToolchainError when they cannot be had. Memoized per process.
 */
export function ensureCToolchain(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  toolchain ??= (async () => {
    const found = await probe();
    if (found) return found;
    const root = process.getuid?.() === 0;
    const sudo = root ? [] : ['sudo', '-n'];
    log('contracts: clang and wasm-ld are missing; installing them: apt-get update && apt-get install -y clang lld');
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const [command, ...prefix] = [...sudo, 'apt-get'];
      await run(command!, [...prefix, 'update'], { env, maxBuffer: 64 << 20 });
      await run(command!, [...prefix, 'install', '-y', 'clang', 'lld'], { env, maxBuffer: 64 << 20 });
    } catch (error) {
      throw new CToolchainError(
        `clang and lld could not be installed (${firstLine((error as Error).message)}); install them ` +
          '(Debian/Ubuntu: apt-get install -y clang lld) to build C contracts',
      );
    }
    const installed = await probe();
    if (!installed) throw new CToolchainError('clang and lld were installed but clang or wasm-ld still does not run');
    log(`contracts: installed ${installed}`);
    return installed;
  })();
  return toolchain;
}

/** Compiles and links C sources (paths relative to `root`) into wasm bytes; throws CToolchainError with clang's output. */
export async function compileC(
  root: string,
  sources: readonly string[],
  options: { readonly includes?: readonly string[]; readonly flags?: readonly string[] } = {},
): Promise<Uint8Array> {
  await ensureCToolchain();
  const dir = mkdtempSync(join(tmpdir(), 'gasket-clang-'));
  try {
    const out = join(dir, 'out.wasm');
    const args = [
      ...C_FLAGS,
      ...(options.flags ?? []),
      `-ffile-prefix-map=${root}=.`,
      ...(options.includes ?? []).map((include) => `-I${include}`),
      ...sources,
      '-o',
      out,
    ];
    try {
      await run('clang', args, { cwd: root, maxBuffer: 16 << 20 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
      throw new CToolchainError(`clang ${sources.join(' ')}:\n${stderr}`);
    }
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function probe(): Promise<string | undefined> {
  try {
    const { stdout } = await run('clang', ['--version']);
    await run('wasm-ld', ['--version']);
    return firstLine(stdout);
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}
