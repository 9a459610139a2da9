/**
 * metering/: the public face of the wasm rewriter (determinism gate, gas and stack injection, memory cap).
 * Other folders import metering only through this file.
 * @module
 */
export {};
