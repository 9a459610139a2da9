import { describe, expect, it } from 'vitest';
import { classifyQuery } from './search.js';

describe('classifyQuery', () => {
  it('a height: digits, separators allowed', () => {
    expect(classifyQuery('42')).toEqual({ kind: 'height', height: 42n });
    expect(classifyQuery(' 1,234 ')).toEqual({ kind: 'height', height: 1234n });
  });

  it('a hash or address: 32 bytes of hex, with or without 0x, lowercased', () => {
    const hex = 'AB'.repeat(32);
    expect(classifyQuery(`0x${hex}`)).toEqual({ kind: 'hash', hex: `0x${hex.toLowerCase()}` });
    expect(classifyQuery(hex)).toEqual({ kind: 'hash', hex: `0x${hex.toLowerCase()}` });
  });

  it('anything else is refused with the reason', () => {
    for (const bad of ['0x1234', 'hello', `0x${'ab'.repeat(33)}`, '-1', '']) {
      const query = classifyQuery(bad);
      expect(query.kind).toBe('bad');
      if (query.kind === 'bad') expect(query.message).toContain('not a block height');
    }
  });
});
