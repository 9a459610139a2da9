/**
 * Transactions: three kinds (transfer, deploy, call), a canonical encoding (TX_FORMAT_VERSION 1), ed25519
 * signatures over the unsigned encoding, and the hash over the signed encoding. Signing is keys.ts' (node:crypto
 * under Node, @noble/curves elsewhere); the node verifies with libsodium first and node:crypto's answer as the rule
 * (sodiumAccepts.ts), about 12-25x faster than @noble/curves with the same answer (tests check they agree), inline
 * unless a worker is configured (signatureVerifier.ts).
 * @module
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { asBytes, copyBytes, pack, packView, readU64, readU128, sha256, u64, u128, unpack } from './codec.js';
import { DevnetError } from './errors.js';
import { addressOf, sign } from './keys.js';
import { sodiumAccepts } from './sodiumAccepts.js';

export const TX_FORMAT_VERSION = 1;

type TxCommon = {
  readonly chainId: bigint;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice: bigint;
  readonly value: bigint;
};

export type UnsignedTransaction =
  | (TxCommon & { readonly kind: 'transfer'; readonly to: Uint8Array })
  | (TxCommon & { readonly kind: 'deploy'; readonly code: Uint8Array; readonly args: Uint8Array })
  | (TxCommon & {
      readonly kind: 'call';
      readonly to: Uint8Array;
      readonly method: string;
      readonly args: Uint8Array;
    });

export type SignedTransaction = UnsignedTransaction & {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  /** Derived: the sender's address. */
  readonly from: Uint8Array;
  /** Derived: sha256 of the signed encoding. */
  readonly hash: Uint8Array;
  /** Derived: the signed encoding (what `tx_send` carries). */
  readonly raw: Uint8Array;
  /**
   * Devnet only: sent by `dev_sendUnsigned` as an impersonated address, without its key. Such a transaction is
   * encoded with an empty public key and signature and its `from` as a 13th field, so a block still records it
   * (and its hash) deterministically; the chain accepts it only from that dev method, for an impersonated sender.
   */
  readonly impersonated?: true;
};

const KIND_CODES = { transfer: 0, deploy: 1, call: 2 } as const;
const KINDS = ['transfer', 'deploy', 'call'] as const;
const EMPTY = new Uint8Array(0);

function unsignedFields(tx: UnsignedTransaction): unknown[] {
  const target = tx.kind === 'deploy' ? EMPTY : tx.to;
  const payload = tx.kind === 'transfer' ? EMPTY : tx.kind === 'deploy' ? tx.code : tx.args;
  const extra = tx.kind === 'call' ? tx.method : tx.kind === 'deploy' ? tx.args : EMPTY;
  return [
    TX_FORMAT_VERSION,
    u64(tx.chainId),
    KIND_CODES[tx.kind],
    u64(tx.nonce),
    u64(tx.gasLimit),
    u128(tx.gasPrice),
    u128(tx.value),
    target,
    payload,
    extra,
  ];
}

/** The bytes a sender signs. */
export function encodeUnsigned(tx: UnsignedTransaction): Uint8Array {
  return pack(unsignedFields(tx));
}

export function signTransaction(
  tx: UnsignedTransaction,
  secretKey: Uint8Array,
  publicKey: Uint8Array,
): SignedTransaction {
  const signature = sign(encodeUnsigned(tx), secretKey);
  const raw = pack([...unsignedFields(tx), publicKey, signature]);
  return decodeTransaction(raw);
}

/**
 * A devnet-only impersonated transaction: the unsigned fields, an empty public key and signature, and `from`
 * (13 fields). Its signature check is skipped only when the chain has `from` impersonated (dev_impersonate).
 */
export function impersonatedTransaction(tx: UnsignedTransaction, from: Uint8Array): SignedTransaction {
  return decodeTransaction(packView([...unsignedFields(tx), EMPTY, EMPTY, from])); // decoding copies it
}

/**
 * Decodes a signed transaction (without verifying its signature: see verifySignature). The caller's bytes are
 * copied once, first, and the copy decoded: `raw` is that copy and every bytes field a view of it, so nothing
 * aliases the caller's buffer (a request body's, say) and no second copy is made.
 */
export function decodeTransaction(input: Uint8Array): SignedTransaction {
  const raw = copyBytes(input);
  let fields: unknown;
  try {
    fields = unpack(raw);
  } catch (error) {
    throw new DevnetError('BAD_TRANSACTION', 'the transaction is not valid msgpack', error);
  }
  if (!Array.isArray(fields) || (fields.length !== 12 && fields.length !== 13)) {
    throw new DevnetError('BAD_TRANSACTION', 'a signed transaction is a msgpack array of 12 fields');
  }
  try {
    const [
      version,
      chainId,
      kindCode,
      nonce,
      gasLimit,
      gasPrice,
      value,
      target,
      payload,
      extra,
      publicKey,
      signature,
      impersonatedFrom,
    ] = fields;
    if (version !== TX_FORMAT_VERSION) throw new TypeError(`unknown transaction format version ${String(version)}`);
    const kind = KINDS[kindCode as number];
    if (kind === undefined) throw new TypeError(`unknown transaction kind ${String(kindCode)}`);
    const chainIdValue = readU64(chainId, 'chainId');
    const nonceValue = readU64(nonce, 'nonce');
    const gasLimitValue = readU64(gasLimit, 'gasLimit');
    const gasPriceValue = readU128(gasPrice, 'gasPrice');
    const valueValue = readU128(value, 'value');
    const key = asBytes(publicKey, 'publicKey');
    const sig = asBytes(signature, 'signature');
    const impersonated = fields.length === 13;
    if (impersonated) {
      if (key.length !== 0 || sig.length !== 0) throw new TypeError('an impersonated transaction carries no key');
    } else {
      if (key.length !== 32) throw new TypeError('publicKey must be 32 bytes');
      if (sig.length !== 64) throw new TypeError('signature must be 64 bytes');
    }
    // each kind's object is one literal, its fields in the order the earlier spreads gave them (common fields, kind,
    // the kind's own, then the signed ones): one hidden class a kind, not a map transition a field (perf, 2026-11-25)
    const sender = () => (impersonated ? address(impersonatedFrom) : senderAddress(key));
    let signed: SignedTransaction;
    if (kind === 'transfer') {
      const to = address(target);
      const from = sender();
      signed = {
        chainId: chainIdValue,
        nonce: nonceValue,
        gasLimit: gasLimitValue,
        gasPrice: gasPriceValue,
        value: valueValue,
        kind,
        to,
        publicKey: key,
        signature: sig,
        from,
        hash: sha256(raw),
        raw,
      };
    } else if (kind === 'deploy') {
      const code = asBytes(payload, 'code');
      const args = asBytes(extra, 'init args');
      const from = sender();
      signed = {
        chainId: chainIdValue,
        nonce: nonceValue,
        gasLimit: gasLimitValue,
        gasPrice: gasPriceValue,
        value: valueValue,
        kind,
        code,
        args,
        publicKey: key,
        signature: sig,
        from,
        hash: sha256(raw),
        raw,
      };
    } else {
      if (typeof extra !== 'string') throw new TypeError('method must be a string');
      const to = address(target);
      const args = asBytes(payload, 'args');
      const from = sender();
      signed = {
        chainId: chainIdValue,
        nonce: nonceValue,
        gasLimit: gasLimitValue,
        gasPrice: gasPriceValue,
        value: valueValue,
        kind,
        to,
        method: extra,
        args,
        publicKey: key,
        signature: sig,
        from,
        hash: sha256(raw),
        raw,
      };
    }
    assertCanonical(signed, key, sig, impersonated, signed.from, raw);
    return impersonated ? { ...signed, impersonated: true } : signed;
  } catch (error) {
    if (error instanceof DevnetError) throw error;
    throw new DevnetError('BAD_TRANSACTION', `malformed transaction: ${(error as Error).message}`, error);
  }
}

/** Throws unless `raw` is exactly the canonical signed encoding of the decoded fields. */
function assertCanonical(
  unsigned: UnsignedTransaction,
  key: Uint8Array,
  sig: Uint8Array,
  impersonated: boolean,
  from: Uint8Array,
  raw: Uint8Array,
): void {
  const fields = unsignedFields(unsigned);
  fields.push(key, sig);
  if (impersonated) fields.push(from);
  const canonical = packView(fields);
  if (!sameBytes(canonical, raw)) throw new TypeError('not in canonical encoding');
}

/** Byte equality without copying either side. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

/** Addresses of recent senders' public keys (by latin1 string): a sender sends many transactions. */
const senderAddresses = new Map<string, Uint8Array>();
const MAX_CACHED_ADDRESSES = 10_000;

/** `addressOf(publicKey)`, remembered; each caller gets its own copy. */
function senderAddress(publicKey: Uint8Array): Uint8Array {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
  let known = senderAddresses.get(id);
  if (!known) {
    known = addressOf(publicKey);
    if (senderAddresses.size >= MAX_CACHED_ADDRESSES) senderAddresses.delete(senderAddresses.keys().next().value!);
    senderAddresses.set(id, known);
  }
  return known.slice();
}

function address(value: unknown): Uint8Array {
  const bytes = asBytes(value, 'to');
  if (bytes.length !== 32) throw new TypeError('to must be a 32-byte address');
  return bytes;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Parsed public keys by hex: building a KeyObject costs about as much as the verification itself. */
const keyObjects = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 10_000;

/** Whether the signature is valid for the transaction's public key (node:crypto's rule; see verifyEd25519). */
export function verifySignature(tx: SignedTransaction): boolean {
  if (tx.impersonated) return false;
  return verifyEd25519(unsignedBytes(tx), tx.publicKey, tx.signature);
}

/**
 * Whether `signature` is `publicKey`'s ed25519 signature of `message`, by node:crypto's rule; false for malformed
 * input. libsodium answers first when it is there (half the cost): what it accepts node:crypto accepts, and
 * anything it refuses is node:crypto's to judge (sodiumAccepts.ts).
 */
export function verifyEd25519(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (sodiumAccepts(message, publicKey, signature)) return true;
  try {
    const id = Buffer.from(publicKey).toString('hex');
    let key = keyObjects.get(id);
    if (!key) {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
      if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.delete(keyObjects.keys().next().value!);
      keyObjects.set(id, key);
    }
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** msgpack's header of a 12-element array (a signed transaction) and a 10-element one (its unsigned part). */
const FIXARRAY_12 = 0x9c;
const FIXARRAY_10 = 0x9a;
/** msgpack's bin8 header byte (a byte string of up to 255 bytes follows its one-byte length). */
const BIN8 = 0xc4;
/** The encoded public key and signature at the end of a signed transaction: bin8 headers (2 bytes) + 32 + 64. */
const KEY_AND_SIGNATURE_BYTES = 2 + 32 + 2 + 64;

/**
 * The signature check of a signed encoding without decoding it (the RPC front end's, rpc/frontEndWorker.ts):
 * `valid` is what `verifySignature(decodeTransaction(raw))` answers whenever `raw` decodes, and `hash` that
 * transaction's hash. Undefined when `raw` does not end in a 32-byte key and a 64-byte signature of a 12-field
 * array (an impersonated or malformed encoding: the chain's own checks answer for those).
 */
export function signatureCheckOfRaw(raw: Uint8Array): { hash: Uint8Array; valid: boolean } | undefined {
  const end = raw.length;
  const keyAt = end - 64 - 2 - 32;
  if (raw[0] !== FIXARRAY_12 || keyAt < 1 || raw[keyAt - 2] !== BIN8 || raw[keyAt - 1] !== 32) return undefined;
  if (raw[end - 66] !== BIN8 || raw[end - 65] !== 64) return undefined;
  return {
    hash: sha256(raw),
    valid: verifyEd25519(unsignedOfRaw(raw), raw.subarray(keyAt, keyAt + 32), raw.subarray(end - 64)),
  };
}

/**
 * The bytes the sender signed (`encodeUnsigned`), cut from the canonical signed encoding without re-encoding:
 * the signed array is the unsigned one's ten fields followed by the key and the signature.
 */
export function unsignedBytes(tx: SignedTransaction): Uint8Array {
  const raw = tx.raw;
  if (tx.impersonated || raw[0] !== FIXARRAY_12 || tx.publicKey.length !== 32 || tx.signature.length !== 64) {
    return encodeUnsigned(tx);
  }
  return unsignedOfRaw(raw);
}

/** The unsigned encoding inside a signed one that ends in a 32-byte key and a 64-byte signature: its ten fields. */
function unsignedOfRaw(raw: Uint8Array): Uint8Array {
  const unsigned = copyBytes(raw.subarray(0, raw.length - KEY_AND_SIGNATURE_BYTES));
  unsigned[0] = FIXARRAY_10;
  return unsigned;
}
