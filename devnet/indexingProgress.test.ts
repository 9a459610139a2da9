/**
 * The CLI's progress lines while an older data directory is indexed once (startDevnet.ts): a line a tenth.
 */
import { describe, expect, it } from 'vitest';
import { indexingProgress } from './startDevnet.js';

describe('progress of the one-time indexing', () => {
  it('reports a line at each tenth, not at every batch, and the last batch always', () => {
    const lines: string[] = [];
    const report = indexingProgress((line) => lines.push(line));
    const total = 100_010n;
    for (let indexed = 2_000n; indexed < total; indexed += 2_000n) report(indexed, total);
    report(total, total);
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toContain(`${total} of ${total} blocks`);
    expect(lines[0]).toContain('2000 of 100010 blocks');
  });
});
