import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMethodArgs, type MethodInterface } from '../../client/browser.js';
import { argHint, parseArg, parseMethodForm } from './args.js';
import { formatInteger } from './format.js';

const TRANSFER: MethodInterface = {
  name: 'transfer',
  args: [
    { name: 'to', type: 'address' },
    { name: 'amount', type: 'u128' },
  ],
  returns: 'bool',
  readOnly: false,
};
const ADDRESS = `0x${'11'.repeat(32)}`;

const error = (text: string, type: string) => {
  const parsed = parseArg(text, type, 'x');
  return parsed.ok ? undefined : parsed.error;
};

describe('parseArg by ABI type', () => {
  it('integers: digits with separators, checked against the type range', () => {
    expect(parseArg('250,000', 'u128')).toEqual({ ok: true, value: 250_000n });
    expect(parseArg(' 1_000 ', 'u64')).toEqual({ ok: true, value: 1000n });
    expect(parseArg('-128', 'i8')).toEqual({ ok: true, value: -128n });
    expect(error('-5', 'u128')).toContain('out of u128 range');
    expect(error('256', 'u8')).toContain('out of u8 range');
    expect(error('1.5', 'u32')).toContain('whole number');
    expect(error('', 'u32')).toContain('whole number');
    expect(error('ten', 'u32')).toContain('whole number');
  });

  it('property: any u128 written with separators parses back exactly; one above the range is refused', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), (n) => {
        expect(parseArg(formatInteger(n), 'u128')).toEqual({ ok: true, value: n });
      }),
    );
    expect(error((2n ** 128n).toString(), 'u128')).toContain('out of u128 range');
  });

  it('address, bytes, bool and string', () => {
    expect(parseArg(ADDRESS, 'address')).toEqual({ ok: true, value: ADDRESS });
    expect(error('0x1234', 'address')).toContain('64 hex digits');
    expect(error(`${ADDRESS}00`, 'address')).toContain('64 hex digits');
    expect(parseArg('0xbeef', 'bytes')).toEqual({ ok: true, value: '0xbeef' });
    expect(error('0xabc', 'bytes')).toContain('even number');
    expect(parseArg('true', 'bool')).toEqual({ ok: true, value: true });
    expect(error('yes', 'bool')).toContain('true or false');
    expect(parseArg(' spaced text ', 'string')).toEqual({ ok: true, value: ' spaced text ' });
  });

  it('optional, list and map types', () => {
    expect(parseArg('', 'u32?')).toEqual({ ok: true, value: null });
    expect(parseArg('7', 'u32?')).toEqual({ ok: true, value: 7n });
    expect(parseArg('[1, 2, 3]', 'u64[]')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(parseArg('[12345678901234567890]', 'u64[]')).toEqual({ ok: true, value: [12_345_678_901_234_567_890n] });
    expect(error('[1, -2]', 'u64[]')).toContain('out of u64 range');
    expect(error('[1,', 'u64[]')).toContain('JSON list');
    expect(parseArg('{"a": 1}', 'map')).toEqual({ ok: true, value: { a: 1 } });
    expect(error('1.5', 'map')).toContain('no floats');
  });

  it('hints name what a field takes', () => {
    expect(argHint('address')).toContain('64 hex digits');
    expect(argHint('u128')).toBe('u128 integer');
    expect(argHint('u8?')).toContain('empty for null');
    expect(argHint('string[]')).toBe('JSON list of string');
  });
});

describe('parseMethodForm', () => {
  it('gives the positional args, which the client encodes for the call', () => {
    const parsed = parseMethodForm(TRANSFER, { to: ADDRESS, amount: '1,000' });
    expect(parsed).toEqual({ ok: true, args: [ADDRESS, 1000n] });
    if (parsed.ok) expect(encodeMethodArgs(TRANSFER, parsed.args).length).toBeGreaterThan(32);
  });

  it('gives an error per bad or missing field, by name', () => {
    const parsed = parseMethodForm(TRANSFER, { to: '0x12', amount: '-1' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(Object.keys(parsed.errors).sort()).toEqual(['amount', 'to']);
      expect(parsed.errors.amount).toBe('is out of u128 range');
    }
    const missing = parseMethodForm(TRANSFER, { to: ADDRESS });
    expect(missing.ok ? [] : Object.keys(missing.errors)).toEqual(['amount']);
  });
});
