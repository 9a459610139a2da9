import { describe, expect, it } from 'vitest';
import type { Receipt } from './block.js';
import { receiptToJson } from './json.js';

/** receiptToJson's text is what tx_getReceipt answers (and the --rpc-worker front end caches): fields and order. */
const receipt: Receipt = {
  txHash: new Uint8Array(32).fill(1),
  status: 'revert',
  gasUsed: 48_015n,
  returnData: Uint8Array.of(0xab, 0xcd),
  events: [{ contract: new Uint8Array(32).fill(2), topic: Uint8Array.of(3), data: Uint8Array.of() }],
  logs: ['a "quoted" log'],
  error: { code: 'REVERT', message: 'no' },
  contractAddress: undefined,
};
const h = (byte: string, n: number) => `0x${byte.repeat(n)}`;

describe('receiptToJson', () => {
  it('gives the receipt fields, then the block ones when given, in that order', () => {
    const head = `{"txHash":"${h('01', 32)}","status":"revert","gasUsed":"48015","returnData":"0xabcd","events":[{"contract":"${h('02', 32)}","topic":"0x03","data":"0x"}],"logs":["a \\"quoted\\" log"],"error":{"code":"REVERT","message":"no"},"contractAddress":null`;
    expect(JSON.stringify(receiptToJson(receipt))).toBe(`${head}}`);
    const inBlock = receiptToJson(receipt, { height: 7n, hash: new Uint8Array(32).fill(9) }, 0);
    expect(JSON.stringify(inBlock)).toBe(`${head},"blockHeight":"7","blockHash":"${h('09', 32)}","index":0}`);
    // a copy of the logs, not the receipt's own array
    expect(inBlock.logs).not.toBe(receipt.logs);
  });
});
