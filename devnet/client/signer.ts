/**
 * Signers: a key pair bound to a client that builds, signs and sends transactions. `send` fills in what the
 * caller leaves out (chain id from `chain_id`; nonce from `account_get`, or one past the signer's last sent
 * transaction when that is higher; gas limit from `tx_estimateGas` plus a margin), sends with `tx_send` and
 * waits for the receipt. Sends of one signer are serialized so their nonces never collide. An estimate that does
 * not end ok is refused before sending (ClientError EXECUTION_FAILED) unless the gas limit was given, in which
 * case the transaction is mined and its failed receipt returned, as a node would.
 * @module
 */
import { devAccount, type KeyPair, keyPairFromSecret } from '../keys.js';
import { type SignedTransaction, signTransaction, type UnsignedTransaction } from '../transaction.js';
import { type BytesLike, bytesOf, hexOf, type Quantity, quantityOf, type Receipt } from './convert.js';
import type { Client } from './createClient.js';
import { ClientError } from './errors.js';
import type { Hex } from './rpcSchema.js';

/** The gas limit of the transaction signed for an estimate (the default block gas limit). */
export const ESTIMATE_GAS_LIMIT = 1_000_000_000n;

/** Margin over the estimate: gas used x 5/4 (metering is deterministic; state may change before the block). */
export const gasWithMargin = (gasUsed: bigint): bigint => gasUsed + gasUsed / 4n;

type Common = {
  readonly value?: Quantity;
  /** The gas limit; skips the estimate. */
  readonly gas?: Quantity;
  /** Default 1. */
  readonly gasPrice?: Quantity;
  readonly nonce?: Quantity;
};

export type TransactionRequest =
  | (Common & { readonly kind: 'transfer'; readonly to: BytesLike })
  | (Common & { readonly kind: 'deploy'; readonly code: BytesLike; readonly args?: BytesLike })
  | (Common & { readonly kind: 'call'; readonly to: BytesLike; readonly method: string; readonly args?: BytesLike });

export type Signer = {
  readonly client: Client;
  readonly address: Hex;
  readonly publicKey: Hex;
  /** Fills in chain id, nonce and gas, and signs; sends nothing. */
  prepare(request: TransactionRequest): Promise<SignedTransaction>;
  /** Prepares and sends; resolves to the hash once the node has accepted it. */
  sendOnly(request: TransactionRequest): Promise<Hex>;
  /** Prepares, sends and waits for the receipt. */
  send(request: TransactionRequest): Promise<Receipt>;
  transfer(params: { readonly to: BytesLike; readonly value: Quantity; readonly gas?: Quantity }): Promise<Receipt>;
  deploy(params: Omit<Extract<TransactionRequest, { kind: 'deploy' }>, 'kind'>): Promise<Receipt>;
};

/** A signer for a 32-byte ed25519 secret key (bytes or 0x-hex). */
export function createSigner(client: Client, secretKey: BytesLike | KeyPair): Signer {
  const keys =
    typeof secretKey === 'object' && 'publicKey' in secretKey
      ? secretKey
      : keyPairFromSecret(bytesOf(secretKey, 'secret key', 32));
  return signerFor(client, keys);
}

/** A signer for the devnet's dev account `index` (the same ten on every devnet). */
export function devSigner(client: Client, index = 0): Signer {
  if (!Number.isInteger(index) || index < 0) throw new ClientError('BAD_INPUT', 'a dev account index is 0 or more');
  return signerFor(client, devAccount(index));
}

function signerFor(client: Client, keys: KeyPair): Signer {
  const address = hexOf(keys.address, 'address');
  let chainId: bigint | undefined;
  let nextNonce = 0n;
  let queue: Promise<unknown> = Promise.resolve();

  const unsignedFor = (request: TransactionRequest, nonce: bigint, gasLimit: bigint): UnsignedTransaction => {
    const common = {
      chainId: chainId!,
      nonce,
      gasLimit,
      gasPrice: BigInt(quantityOf(request.gasPrice ?? 1n, 'gasPrice')),
      value: BigInt(quantityOf(request.value ?? 0n, 'value')),
    };
    const empty = new Uint8Array(0);
    if (request.kind === 'transfer') return { ...common, kind: 'transfer', to: bytesOf(request.to, 'to', 32) };
    if (request.kind === 'deploy') {
      return {
        ...common,
        kind: 'deploy',
        code: bytesOf(request.code, 'code'),
        args: request.args === undefined ? empty : bytesOf(request.args, 'args'),
      };
    }
    if (request.kind === 'call') {
      return {
        ...common,
        kind: 'call',
        to: bytesOf(request.to, 'to', 32),
        method: request.method,
        args: request.args === undefined ? empty : bytesOf(request.args, 'args'),
      };
    }
    throw new ClientError('BAD_INPUT', 'a transaction kind is "transfer", "deploy" or "call"');
  };

  const prepare = async (request: TransactionRequest): Promise<SignedTransaction> => {
    chainId ??= await client.getChainId();
    let nonce: bigint;
    if (request.nonce !== undefined) nonce = BigInt(quantityOf(request.nonce, 'nonce'));
    else {
      const account = await client.getAccount(address);
      nonce = account.nonce > nextNonce ? account.nonce : nextNonce;
    }
    let gasLimit: bigint;
    if (request.gas !== undefined) gasLimit = BigInt(quantityOf(request.gas, 'gas'));
    else {
      const probe = signTransaction(unsignedFor(request, nonce, ESTIMATE_GAS_LIMIT), keys.secretKey, keys.publicKey);
      const estimate = await client.estimateGas(probe.raw);
      if (estimate.status !== 'ok') {
        const reason = estimate.error ? ` [${estimate.error.code}] ${estimate.error.message}` : '';
        throw new ClientError('EXECUTION_FAILED', `the ${request.kind} would end with ${estimate.status}${reason}`, {
          details: 'pass a gas limit to send it anyway',
        });
      }
      gasLimit = gasWithMargin(estimate.gasUsed);
    }
    return signTransaction(unsignedFor(request, nonce, gasLimit), keys.secretKey, keys.publicKey);
  };

  /** Prepares and sends; one at a time per signer (the receipt waits run side by side). */
  const sendOnly = (request: TransactionRequest): Promise<Hex> => {
    const sent = queue.then(async () => {
      const tx = await prepare(request);
      const hash = await client.sendRawTransaction(tx.raw);
      nextNonce = tx.nonce + 1n;
      return hash;
    });
    queue = sent.catch(() => undefined);
    return sent;
  };
  const send = async (request: TransactionRequest): Promise<Receipt> => client.waitForReceipt(await sendOnly(request));

  return {
    client,
    address,
    publicKey: hexOf(keys.publicKey, 'publicKey'),
    prepare,
    sendOnly,
    send,
    transfer: (params) => send({ kind: 'transfer', ...params }),
    deploy: (params) => send({ kind: 'deploy', ...params }),
  };
}
