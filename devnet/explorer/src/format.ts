/**
 * How the explorer writes figures for people: integers with thousands separators, hex shortened in the middle,
 * block times both relative ("3 min ago") and absolute (UTC), gas as a share of its limit, and decoded contract
 * values (bigint, bytes, maps, lists) as one readable line. Pure functions, unit-tested beside this file.
 * @module
 */
import { toHexString } from '../../client/browser.js';

/** An integer with comma thousands separators: 1234567n -> "1,234,567" (exact for any bigint). */
export function formatInteger(value: bigint | number | string): string {
  const text = typeof value === 'string' ? value : BigInt(value).toString();
  if (!/^-?\d+$/.test(text)) return text;
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return negative ? `-${grouped}` : grouped;
}

/** 0x-hex shortened to its first and last `keep` digits: "0x1a2b3c…7d8e9f"; short values are left whole. */
export function shortHex(hex: string, keep = 6): string {
  if (!hex.startsWith('0x') || hex.length <= 2 + 2 * keep + 1) return hex;
  return `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** Seconds between a block time and now, as people say it: "12 s ago", "3 min ago", "in 2 h" (future times). */
export function relativeTime(timestamp: bigint | number, nowSeconds: number): string {
  const delta = Math.round(nowSeconds - Number(timestamp));
  const size = Math.abs(delta);
  let text: string;
  if (size < 1) return 'just now';
  if (size < 60) text = `${size} s`;
  else if (size < 3600) text = `${Math.floor(size / 60)} min`;
  else if (size < 86_400) text = `${Math.floor(size / 3600)} h`;
  else if (size < 86_400 * 365) text = `${Math.floor(size / 86_400)} d`;
  else text = `${Math.floor(size / (86_400 * 365))} y`;
  return delta > 0 ? `${text} ago` : `in ${text}`;
}

/** A Unix time in seconds as "2026-11-24 20:56:27 UTC". */
export function absoluteTime(timestamp: bigint | number): string {
  const date = new Date(Number(timestamp) * 1000);
  if (Number.isNaN(date.getTime())) return String(timestamp);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Gas used as a share of the limit: "12.5%" (one decimal; "0%" for an empty limit). */
export function gasShare(used: bigint, limit: bigint): string {
  if (limit <= 0n) return '0%';
  const tenths = (used * 1000n) / limit;
  return `${tenths / 10n}.${tenths % 10n}%`;
}

/** Bytes as UTF-8 text when they are printable text (event topics, storage keys), else undefined. */
export function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  return /^[^\u0000-\u001f\u007f]+$/.test(text) ? text : undefined;
}

/** Bytes as text when printable, else 0x-hex. */
export const bytesLabel = (bytes: Uint8Array): string => printableText(bytes) ?? toHexString(bytes);

/**
 * A storage key as people read it: all text ("supply"), or a text prefix and the rest in hex (`bal/0x2b56…5de0`,
 * a map entry keyed by an address), else all hex.
 */
export function storageKeyLabel(key: Uint8Array): string {
  const whole = printableText(key);
  if (whole !== undefined) return whole;
  let end = 0;
  while (end < key.length && key[end]! >= 0x20 && key[end]! < 0x7f) end++;
  // an address after the prefix may start with printable bytes by chance: cut after the prefix's last separator
  const separator = Math.max(
    ...['/', ':', '.', '_', '-'].map((c) => key.subarray(0, end).lastIndexOf(c.charCodeAt(0))),
  );
  if (separator >= 0) end = separator + 1;
  if (end < 2) return toHexString(key);
  return `${String.fromCharCode(...key.subarray(0, end))}${shortHex(toHexString(key.subarray(end)))}`;
}

/**
 * A decoded contract value on one line: integers with separators, bytes as hex (32-byte values shortened, since
 * they are addresses or hashes), strings quoted, lists in [ ], maps as { key: value }.
 */
export function formatValue(value: unknown, shorten = true): string {
  if (value === undefined) return '(nothing)';
  if (value === null) return 'null';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return formatInteger(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) {
    const hex = toHexString(value);
    return shorten ? shortHex(hex) : hex;
  }
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item, shorten)).join(', ')}]`;
  if (value instanceof Map) {
    return `{ ${[...value].map(([k, v]) => `${formatValue(k, shorten)}: ${formatValue(v, shorten)}`).join(', ')} }`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{ ${entries.map(([k, v]) => `${k}: ${formatValue(v, shorten)}`).join(', ')} }`;
  }
  return String(value);
}
