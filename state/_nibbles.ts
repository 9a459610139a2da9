/**
 * Internal nibble paths of the Jellyfish Merkle tree: a key hash is read as 64 nibbles (4-bit digits, high
 * nibble first); a node sits at the path of its first `depth` nibbles.
 *
 * Node keys in the database are `'N' || version (u64 BE) || depth (u8) || packed path` (the low nibble of an
 * odd-length path is zero), so one block's nodes are adjacent on disk and every version keeps its own nodes.
 * @module
 */
import { writeU64 } from './_bytes.js';

export const NODE_PREFIX = 0x4e; // 'N'

export function nibbleAt(keyHash: Uint8Array, index: number): number {
  const b = keyHash[index >> 1]!;
  return index & 1 ? b & 0x0f : b >> 4;
}

/** The path of `depth` nibbles taken from `source` (a key hash or a longer path), with nibble `depth` set to `next` if given. */
export function pathOf(source: Uint8Array, depth: number, next?: number): Uint8Array {
  const path = new Uint8Array(32);
  const whole = depth >> 1;
  path.set(source.subarray(0, whole));
  if (depth & 1) path[whole] = source[whole]! & 0xf0;
  if (next !== undefined) {
    if (depth & 1) path[whole]! |= next;
    else path[whole] = next << 4;
  }
  return path;
}

/** Length of the database key of a node at `depth`. */
export function nodeKeyLength(depth: number): number {
  return 10 + ((depth + 1) >> 1);
}

/** Writes the database key of the node at (`version`, first `depth` nibbles of `path`) at `o`; returns the end. */
export function writeNodeKey(out: Uint8Array, o: number, version: number, path: Uint8Array, depth: number): number {
  const len = (depth + 1) >> 1;
  out[o] = NODE_PREFIX;
  writeU64(out, o + 1, version);
  out[o + 9] = depth;
  for (let i = 0; i < len; i++) out[o + 10 + i] = path[i]!;
  if (depth & 1) out[o + 9 + len]! &= 0xf0;
  return o + 10 + len;
}

/** Database key of the node at (`version`, first `depth` nibbles of `path`). */
export function nodeKey(version: number, path: Uint8Array, depth: number): Buffer {
  const key = Buffer.allocUnsafe(nodeKeyLength(depth));
  writeNodeKey(key, 0, version, path, depth);
  return key;
}
