/**
 * A signed plain transfer between dev accounts, for chain-level unit tests that need many distinct, valid
 * transactions (nonce and value vary; chain id 1337, 30,000 gas at price 1, always to dev account 7).
 * @module
 */
import { devAccount, type SignedTransaction, signTransaction } from '../devnet/index.js';

export function devTransfer(sender: number, nonce: bigint, value: bigint): SignedTransaction {
  const account = devAccount(sender);
  return signTransaction(
    { kind: 'transfer', chainId: 1337n, nonce, gasLimit: 30_000n, gasPrice: 1n, value, to: devAccount(7).address },
    account.secretKey,
    account.publicKey,
  );
}
