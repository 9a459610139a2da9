/**
 * The search box: a block height (digits, separators allowed), or 32 bytes of 0x-hex that may be a transaction
 * hash, a block hash or an address. `classifyQuery` is pure (unit-tested); `resolveQuery` asks the node in that
 * order and answers with the explorer route to open, or a not-found route.
 * @module
 */
import type { Client, Hex } from '../../client/browser.js';

export type Query =
  | { readonly kind: 'height'; readonly height: bigint }
  | { readonly kind: 'hash'; readonly hex: Hex }
  | { readonly kind: 'bad'; readonly message: string };

export function classifyQuery(text: string): Query {
  const query = text.trim();
  const digits = query.replace(/[,_\s]/g, '');
  if (/^\d+$/.test(digits)) return { kind: 'height', height: BigInt(digits) };
  const hex = query.startsWith('0x') || query.startsWith('0X') ? query.slice(2) : query;
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { kind: 'hash', hex: `0x${hex.toLowerCase()}` };
  return {
    kind: 'bad',
    message: `"${query}" is not a block height, nor a 32-byte hash or address (0x + 64 hex digits)`,
  };
}

/** The route for a query: #/tx/…, #/block/…, #/address/… or #/notfound/…. */
export async function resolveQuery(client: Client, text: string): Promise<string> {
  const query = classifyQuery(text);
  if (query.kind === 'bad') return `#/notfound/${encodeURIComponent(text.trim())}`;
  if (query.kind === 'height') {
    const block = await client.getBlock({ height: query.height });
    return block ? `#/block/${query.height}` : `#/notfound/${query.height}`;
  }
  if (await client.getTransaction(query.hex)) return `#/tx/${query.hex}`;
  if (await client.getBlock({ hash: query.hex })) return `#/block/${query.hex}`;
  const account = await client.getAccount(query.hex);
  if (account.codeHash !== null || account.nonce > 0n || account.balance > 0n) return `#/address/${query.hex}`;
  return `#/notfound/${query.hex}`;
}
