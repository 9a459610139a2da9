// Gasket contract SDK for AssemblyScript: import from here. A contract is a module whose exported functions of
// type () -> () are its methods (an exported `init` runs once, at deploy). Build with contracts/build.ts
// (custom runtime rt/, no start function, no floats).
//
// Rules for contracts: no top-level statements that allocate or call (they would need a start function, which
// metering refuses: build reports it); no floats (no Math, no f32/f64, no number formatting of floats).
export * from "./address";
export * from "./call";
export * from "./context";
export * from "./crypto";
export * from "./errors";
export * from "./events";
export * from "./io";
export * from "./msgpack";
export * from "./storage";
export * from "./u128";
