/**
 * contracts/: the public face of the contract SDK tooling: building AssemblyScript contracts into modules metering
 * accepts (build.ts), interface metadata (interface.ts) and the client side of the msgpack convention (codec.ts).
 * The SDK itself (AssemblyScript) is contracts/sdk/assembly/; example contracts are contracts/examples/.
 * @module
 */
export {
  ASC_FLAGS,
  appendCustomSection,
  BUILD_CACHE_DIR,
  type BuildOptions,
  buildAll,
  buildCContract,
  buildContract,
  buildExample,
  ContractBuildError,
  EXAMPLES,
  type ExampleContract,
  hasStartSection,
  loadExampleInterface,
  REPO_ROOT,
  readCustomSection,
  SDK_RUNTIME,
} from './build.js';
export { C_FLAGS, CToolchainError, ensureCToolchain } from './buildC.js';
export { BUILD_CACHE_FORMAT, buildCacheStats } from './buildCache.js';
export { decodeResult, encodeArgs, encodeValue, packr } from './codec.js';
export {
  type AbiType,
  type ContractInterface,
  decodeInterfaceSection,
  encodeInterfaceSection,
  INTERFACE_SECTION,
  isAbiType,
  type MethodInterface,
  normalizeInterface,
} from './interface.js';
