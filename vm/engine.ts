/**
 * What executes wasm for the VM. The VM needs little of an engine: compile bytes to a module, list its exported
 * functions, instantiate it with the host imports, and from the instance its exported functions, its memory's
 * buffer and its globals' values. V8 (`WebAssembly`) is the engine in production; the reference interpreter
 * (./reference/engine.ts) is a second, independent one for differential tests. An engine reports a wasm trap by
 * throwing `WebAssembly.RuntimeError`; errors thrown by host functions pass through it unchanged.
 * @module
 */

export type EngineModule = {
  /** Names of the exported functions. */
  readonly functionExports: readonly string[];
};

/** The parts of an instance the VM touches, as `WebAssembly.Instance` provides them. */
export type EngineInstance = { readonly exports: Readonly<Record<string, unknown>> };

export interface WasmEngine<M extends EngineModule = EngineModule> {
  /** Shown in errors and determinism reports. */
  readonly name: string;
  compile(code: Uint8Array): M;
  instantiate(module: M, imports: WebAssembly.Imports): EngineInstance;
}

type V8Module = EngineModule & { readonly module: WebAssembly.Module };

/** V8's WebAssembly. */
export const v8Engine: WasmEngine<V8Module> = Object.freeze({
  name: 'v8',
  compile(code: Uint8Array): V8Module {
    const module = new WebAssembly.Module(code);
    const functionExports = WebAssembly.Module.exports(module)
      .filter((exp) => exp.kind === 'function')
      .map((exp) => exp.name);
    return { module, functionExports };
  },
  instantiate(module: V8Module, imports: WebAssembly.Imports): EngineInstance {
    return new WebAssembly.Instance(module.module, imports);
  },
});
