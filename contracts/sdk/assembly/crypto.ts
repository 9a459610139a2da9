// Hashes and signature checks done by the host (priced per byte).
import * as env from "./env";

export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  env.sha256(data.dataStart, <u32>data.length, out.dataStart);
  return out;
}

export function keccak256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  env.keccak256(data.dataStart, <u32>data.length, out.dataStart);
  return out;
}

export function blake3(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  env.blake3(data.dataStart, <u32>data.length, out.dataStart);
  return out;
}

/** Whether `signature` (64 bytes) is a valid ed25519 signature of `message` by `publicKey` (32 bytes). */
export function ed25519Verify(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bool {
  if (signature.length != 64 || publicKey.length != 32) return false;
  return env.ed25519_verify(signature.dataStart, publicKey.dataStart, message.dataStart, <u32>message.length) == 1;
}
