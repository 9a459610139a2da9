/**
 * contracts/: the public face of the contract SDK tooling and example contracts.
 * @module
 */
export {};
