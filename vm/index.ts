/**
 * vm/: the public face of contract execution (host ABI, call frames, module cache).
 * Other folders import vm only through this file.
 * @module
 */
export {};
