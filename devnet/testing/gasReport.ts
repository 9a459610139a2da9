/**
 * Gas profiles for contract developers. Per method: min / median / max gas over the transactions a test run sent,
 * printed as a table the way hardhat-gas-reporter does; per host-call kind inside one trace: which storage writes,
 * hashes or nested calls dominate a transaction's gas.
 * @module
 */
export type GasReportRow = {
  readonly contract: string;
  readonly method: string;
  readonly calls: number;
  readonly min: bigint;
  readonly median: bigint;
  readonly max: bigint;
};

/** Gas figures by contract and method; every recorder also feeds the process-wide report. */
export class GasRecorder {
  readonly #samples = new Map<string, bigint[]>();

  record(contract: string, method: string, gasUsed: bigint): void {
    for (const samples of [this.#samples, processSamples]) {
      const key = `${contract}\u0000${method}`;
      let list = samples.get(key);
      if (!list) samples.set(key, (list = []));
      list.push(gasUsed);
    }
  }

  rows(): GasReportRow[] {
    return rowsOf(this.#samples);
  }
}

const processSamples = new Map<string, bigint[]>();

/** Every method's figures recorded in this process by chains created with `gasReport: true`. */
export function gasReportRows(): GasReportRow[] {
  return rowsOf(processSamples);
}

function rowsOf(samples: ReadonlyMap<string, bigint[]>): GasReportRow[] {
  return [...samples]
    .map(([key, list]) => {
      const [contract, method] = key.split('\u0000') as [string, string];
      const sorted = [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2n;
      return { contract, method, calls: sorted.length, min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
    })
    .sort((a, b) => a.contract.localeCompare(b.contract, 'en') || a.method.localeCompare(b.method, 'en'));
}

const group = (n: bigint | number): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The rows as an aligned text table (contract, method, calls, min, median, max). */
export function formatGasReport(rows: readonly GasReportRow[]): string {
  const header = ['contract', 'method', 'calls', 'min', 'median', 'max'];
  const body = rows.map((r) => [r.contract, r.method, group(r.calls), group(r.min), group(r.median), group(r.max)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** Writes the process-wide report to stderr (call it from an `afterAll`), if anything was recorded. */
export function printGasReport(write: (text: string) => void = (text) => process.stderr.write(text)): void {
  const rows = gasReportRows();
  if (rows.length > 0) write(`\nGas report (gas used per transaction)\n${formatGasReport(rows)}\n`);
}

export { type HostCallProfileRow, hostCallProfile } from '../traceProfile.js';
