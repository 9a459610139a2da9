/**
 * Prints a call trace (the JSON of `tx_trace` / `contract_traceCall`) as an indented tree, like a Foundry trace:
 * each frame with its gas, contract and method; inside it the host calls in order with their gas (storage keys and
 * old -> new values, emits, logs, transfers, hashes) and nested calls as subtrees; the frame's outcome last; then
 * the gas by host-call kind over the whole tree.
 * Colour only when asked (the CLI asks when stdout is a terminal and NO_COLOR is unset).
 * @module
 */
import type { TraceFrameJson } from './json.js';
import { hostCallProfile } from './traceProfile.js';

export type FormatTraceOptions = { readonly color?: boolean };

const ANSI = {
  reset: '\x1b[0m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
};

export function formatTrace(trace: TraceFrameJson, options: FormatTraceOptions = {}): string {
  const paint = (color: keyof typeof ANSI, text: string) =>
    options.color ? `${ANSI[color]}${text}${ANSI.reset}` : text;
  const gas = (value: string) => paint('yellow', `[${BigInt(value).toLocaleString('en-US')}]`);
  const lines: string[] = [];

  const frame = (node: TraceFrameJson, prefix: string, head: string) => {
    const status = node.status === 'ok' ? paint('green', 'ok') : paint('red', node.status ?? 'unknown');
    lines.push(
      `${head}${gas(node.gasUsed)} ${paint('cyan', short(node.contract))}::${node.method}(${bytesText(node.args)})${
        node.value !== '0' ? ` {value: ${node.value}}` : ''
      } ${paint('dim', `self ${BigInt(node.gasSelf).toLocaleString('en-US')}`)}`,
    );
    // every host call is a branch; the frame's outcome line closes it
    for (const call of node.hostCalls) {
      if (call.call) frame(call.call, `${prefix}│  `, `${prefix}├─ `);
      else lines.push(`${prefix}├─ ${gas(call.gas)} ${describe(call.op, call.detail ?? {})}`);
    }
    const outcome = node.error ? `${status} [${node.error.code}] ${node.error.message}` : status;
    const data = node.returnData !== '0x' ? ` ${bytesText(node.returnData)}` : '';
    lines.push(`${prefix}└─ ← ${outcome}${data}`);
  };

  frame(trace, '', '');
  const profile = hostCallProfile(trace);
  if (profile.length > 0) {
    lines.push('', paint('dim', 'gas by host call (own charges, nested calls apart):'));
    const width = Math.max(...profile.map((row) => row.op.length));
    for (const row of profile) {
      lines.push(
        `  ${row.op.padEnd(width)}  ${gas(row.gas.toString())} in ${row.calls} call${row.calls === 1 ? '' : 's'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function describe(op: string, detail: Record<string, unknown>): string {
  const text = (value: unknown) =>
    typeof value === 'string' && value.startsWith('0x') ? bytesText(value) : String(value);
  switch (op) {
    case 'storage_read':
      return `storage_read ${text(detail.key)} → ${detail.value === null ? 'absent' : text(detail.value)}`;
    case 'storage_write':
      return `storage_write ${text(detail.key)}: ${detail.old === null ? 'absent' : text(detail.old)} → ${text(detail.value)}`;
    case 'storage_remove':
      return `storage_remove ${text(detail.key)} (was ${detail.old === null ? 'absent' : text(detail.old)})`;
    case 'emit':
      return `emit ${text(detail.topic)} ${text(detail.data)}`;
    case 'log':
      return `log "${String(detail.message)}"`;
    case 'transfer':
      return `transfer ${String(detail.amount)} to ${short(String(detail.to))}${detail.ok ? '' : ' (insufficient balance)'}`;
    case 'revert':
      return `revert "${String(detail.message)}"`;
    case 'abort':
      return `abort "${String(detail.message)}" at ${String(detail.file)}:${String(detail.line)}:${String(detail.column)}`;
    default: {
      const parts = Object.entries(detail).map(([key, value]) => `${key}: ${text(value)}`);
      return parts.length > 0 ? `${op} ${parts.join(', ')}` : op;
    }
  }
}

/** Bytes as text when they are printable UTF-8, else hex (long hex shortened). */
function bytesText(hex: string): string {
  if (hex === '0x') return '';
  const bytes = Buffer.from(hex.slice(2), 'hex');
  const asText = bytes.toString('utf8');
  if (/^[\x20-\x7e]+$/.test(asText) && Buffer.from(asText, 'utf8').equals(bytes)) return JSON.stringify(asText);
  return hex.length > 42 ? `${hex.slice(0, 22)}…${hex.slice(-8)}` : hex;
}

function short(address: string): string {
  return address.length > 14 ? `${address.slice(0, 8)}…${address.slice(-4)}` : address;
}

/** Colour for a terminal, unless NO_COLOR is set. */
export function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
}
