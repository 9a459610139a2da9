/**
 * state/: the public face of the Merkleized, versioned state store on LevelDB.
 * Other folders import state only through this file.
 * @module
 */
export {};
