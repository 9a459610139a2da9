/**
 * WebAssembly text to binary for tests, through the `wabt` package with every feature V8 knows enabled, so a
 * fixture can contain exactly the construct a test is about (SIMD, threads, exceptions, ...).
 * @module
 */
import wabtInit from 'wabt';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt | undefined;

const ALL_FEATURES = {
  exceptions: true,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  threads: true,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
  memory64: true,
  multi_memory: true,
  extended_const: true,
};

/** Loads wabt once; call in `beforeAll`. */
export async function loadWat(): Promise<void> {
  wabt ??= await wabtInit();
}

/** Assembles module text (call `loadWat()` first). Not validated here: V8 is the validator that counts. */
export function wat(text: string): Uint8Array {
  if (!wabt) throw new Error('call loadWat() before wat()');
  const module = wabt.parseWat('test.wat', text, ALL_FEATURES);
  try {
    module.resolveNames();
    return new Uint8Array(module.toBinary({ write_debug_names: true }).buffer);
  } finally {
    module.destroy();
  }
}
