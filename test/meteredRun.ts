/**
 * Runs one export of an instrumented module the way the VM will: set the gas limit and a fresh stack budget,
 * call, and read back gas used and why it trapped. Tests use it to observe metering without vm/.
 * @module
 */
import { METERING_EXPORTS, TRAP_REASON } from '../metering/index.js';

export type MeteredOutcome =
  | { status: 'ok'; value: unknown; gasUsed: bigint }
  | { status: 'out_of_gas' | 'stack_limit' | 'trap'; gasUsed: bigint; message: string };

export type MeteredInstance = {
  instance: WebAssembly.Instance;
  call(name: string, args: readonly unknown[], gasLimit: bigint): MeteredOutcome;
};

export async function instantiateMetered(
  code: Uint8Array,
  imports: WebAssembly.Imports = {},
): Promise<MeteredInstance> {
  const { instance } = await WebAssembly.instantiate(code, imports);
  const gas = instance.exports[METERING_EXPORTS.gas] as WebAssembly.Global;
  const stack = instance.exports[METERING_EXPORTS.stack] as WebAssembly.Global;
  const trap = instance.exports[METERING_EXPORTS.trap] as WebAssembly.Global;
  return {
    instance,
    call(name, args, gasLimit) {
      gas.value = gasLimit;
      stack.value = 0;
      trap.value = 0;
      const fn = instance.exports[name] as (...a: unknown[]) => unknown;
      try {
        const value = fn(...args);
        return { status: 'ok', value, gasUsed: gasLimit - (gas.value as bigint) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const reason = trap.value as number;
        const status =
          reason === TRAP_REASON.outOfGas ? 'out_of_gas' : reason === TRAP_REASON.stackLimit ? 'stack_limit' : 'trap';
        return { status, gasUsed: gasLimit, message };
      }
    },
  };
}
