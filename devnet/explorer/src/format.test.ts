import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absoluteTime,
  bytesLabel,
  formatInteger,
  formatValue,
  gasShare,
  printableText,
  relativeTime,
  shortHex,
  storageKeyLabel,
} from './format.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('formatInteger', () => {
  it('groups digits by three with commas', () => {
    expect(formatInteger(0n)).toBe('0');
    expect(formatInteger(999)).toBe('999');
    expect(formatInteger(1000)).toBe('1,000');
    expect(formatInteger('1234567')).toBe('1,234,567');
    expect(formatInteger(-1234567n)).toBe('-1,234,567');
    expect(formatInteger(2n ** 128n - 1n)).toBe('340,282,366,920,938,463,463,374,607,431,768,211,455');
  });

  it('property: exact for any bigint (commas removed give the number back; groups of three)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }), (n) => {
        const out = formatInteger(n);
        expect(BigInt(out.replaceAll(',', ''))).toBe(n);
        expect(out.replace(/^-/, '')).toMatch(/^\d{1,3}(,\d{3})*$/);
      }),
    );
  });
});

describe('shortHex', () => {
  it('keeps the ends of long values and leaves short ones whole', () => {
    const hash = `0x${'ab'.repeat(16)}${'cd'.repeat(16)}`;
    expect(shortHex(hash)).toBe('0xababab…cdcdcd');
    expect(shortHex('0x1234')).toBe('0x1234');
    expect(shortHex('not hex at all, quite long')).toBe('not hex at all, quite long');
  });

  it('property: the shortened form is a prefix, an ellipsis and a suffix of the value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
        const hex = `0x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
        const short = shortHex(hex);
        if (short === hex) expect(hex.length).toBeLessThanOrEqual(15);
        else {
          const [head, tail] = short.split('…') as [string, string];
          expect(hex.startsWith(head)).toBe(true);
          expect(hex.endsWith(tail)).toBe(true);
          expect(short.length).toBeLessThan(hex.length);
        }
      }),
    );
  });
});

describe('block times', () => {
  it('relative to now, past and future, in the largest whole unit', () => {
    const now = 1_800_000_000;
    expect(relativeTime(now, now)).toBe('just now');
    expect(relativeTime(now - 12, now)).toBe('12 s ago');
    expect(relativeTime(BigInt(now - 180), now)).toBe('3 min ago');
    expect(relativeTime(now - 7200, now)).toBe('2 h ago');
    expect(relativeTime(now - 3 * 86_400, now)).toBe('3 d ago');
    expect(relativeTime(now - 2 * 366 * 86_400, now)).toBe('2 y ago');
    expect(relativeTime(now + 90, now)).toBe('in 1 min');
  });

  it('absolute in UTC', () => {
    expect(absoluteTime(0n)).toBe('1970-01-01 00:00:00 UTC');
    expect(absoluteTime(1_735_689_602n)).toBe('2025-01-01 00:00:02 UTC');
  });
});

describe('gasShare', () => {
  it('one decimal, rounded down, against the limit', () => {
    expect(gasShare(108_178n, 100_000_000n)).toBe('0.1%');
    expect(gasShare(1n, 3n)).toBe('33.3%');
    expect(gasShare(5n, 5n)).toBe('100.0%');
    expect(gasShare(5n, 0n)).toBe('0%');
  });
});

describe('bytes as text', () => {
  it('printable UTF-8 becomes text; control bytes and invalid UTF-8 do not', () => {
    expect(printableText(text('Transfer'))).toBe('Transfer');
    expect(printableText(text('naïve'))).toBe('naïve');
    expect(printableText(Uint8Array.of(0x61, 0x00))).toBeUndefined();
    expect(printableText(Uint8Array.of(0xff, 0xfe))).toBeUndefined();
    expect(printableText(new Uint8Array(0))).toBeUndefined();
    expect(bytesLabel(Uint8Array.of(1, 2))).toBe('0x0102');
  });

  it('storage keys: text, a text prefix then hex, or hex', () => {
    expect(storageKeyLabel(text('supply'))).toBe('supply');
    const address = new Uint8Array(32).fill(0x2b); // printable bytes ("+") right after the prefix
    address[31] = 0x01;
    const key = new Uint8Array([...text('bal/'), ...address]);
    expect(storageKeyLabel(key)).toBe(`bal/${shortHex(`0x${'2b'.repeat(31)}01`)}`);
    expect(storageKeyLabel(Uint8Array.of(0x01, 0x02, 0x61))).toBe('0x010261');
  });
});

describe('formatValue', () => {
  it('writes decoded contract values on one line', () => {
    expect(formatValue(undefined)).toBe('(nothing)');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(1_000_000n)).toBe('1,000,000');
    expect(formatValue(true)).toBe('true');
    expect(formatValue('GST')).toBe('"GST"');
    expect(formatValue(new Uint8Array(32).fill(0xab))).toBe('0xababab…ababab');
    expect(formatValue(new Uint8Array(32).fill(0xab), false)).toBe(`0x${'ab'.repeat(32)}`);
    expect(formatValue([1, 2000n])).toBe('[1, 2,000]');
    expect(formatValue({ to: Uint8Array.of(1), amount: 250_000n })).toBe('{ to: 0x01, amount: 250,000 }');
    expect(formatValue(new Map([['k', 1]]))).toBe('{ "k": 1 }');
  });
});
