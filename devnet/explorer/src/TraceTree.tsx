/**
 * A transaction's call trace (`tx_trace`) as a collapsible tree: one node per call frame with its contract,
 * method, arguments and return value (named and typed by the callee's interface when it has one), status, error,
 * and gas (total, self, limit); inside it, the host calls in order with their gas and data (storage reads and
 * writes, emits, logs, transfers, hashes) and nested call frames as child nodes. Frames below depth 2 start
 * collapsed.
 * @module
 */
import { useState } from 'preact/hooks';
import { fromHex, type MethodInterface, type RpcResult } from '../../client/browser.js';
import { bytesLabel, formatInteger, formatValue, shortHex, storageKeyLabel } from './format.js';
import { useAsync } from './hooks.js';
import { contractInterface, decodePlain, decodeReturn } from './interfaces.js';
import { Address, Num, Status } from './ui.js';

type Frame = NonNullable<NonNullable<RpcResult<'tx_trace'>>['trace']>;
type HostCall = Frame['hostCalls'][number];

/** Hex bytes from a trace as text or decoded msgpack, whichever reads best. */
function bytesText(hex: unknown): string {
  if (typeof hex !== 'string' || !hex.startsWith('0x')) return String(hex);
  const bytes = fromHex(hex);
  if (bytes.length === 0) return '(empty)';
  const decoded = decodePlain(bytes);
  if (decoded.ok) return formatValue(decoded.value);
  return bytesLabel(bytes).startsWith('0x') ? shortHex(hex) : JSON.stringify(bytesLabel(bytes));
}

/** A host call's data in one line: storage keys as text, values decoded. */
function detailText(call: HostCall): string {
  const detail = call.detail;
  if (!detail) return '';
  const key = (name: string) =>
    typeof detail[name] === 'string' ? storageKeyLabel(fromHex(detail[name] as string)) : '';
  switch (call.op) {
    case 'storage_read':
      return `${key('key')} → ${bytesText(detail.value)}`;
    case 'storage_write':
      return `${key('key')}: ${bytesText(detail.old)} → ${bytesText(detail.value)}`;
    case 'storage_remove':
      return `${key('key')} (was ${bytesText(detail.old)})`;
    case 'emit':
      return `${key('topic')} ${bytesText(detail.data)}`;
    case 'log':
      return String(detail.message ?? '');
    default:
      return Object.entries(detail)
        .map(
          ([name, value]) =>
            `${name}: ${typeof value === 'string' && value.startsWith('0x') ? bytesText(value) : formatValue(value)}`,
        )
        .join(', ');
  }
}

/** Arguments named by the callee's interface (`to: 0x…, amount: 250,000`) when it is known, else decoded plainly. */
function argsText(frame: Frame, method: MethodInterface | undefined): string {
  const decoded = decodePlain(fromHex(frame.args));
  if (method && decoded.ok && Array.isArray(decoded.value) && decoded.value.length === method.args.length) {
    return method.args.map((arg, i) => `${arg.name}: ${formatValue((decoded.value as unknown[])[i])}`).join(', ');
  }
  const text = bytesText(frame.args);
  return text === '(empty)' ? '' : text;
}

function FrameNode({ frame }: { frame: Frame }) {
  const [open, setOpen] = useState(frame.depth < 2);
  const callee = useAsync(() => contractInterface(frame.contract), [frame.contract]);
  const method = callee.status === 'done' ? callee.value?.methods.find((m) => m.name === frame.method) : undefined;
  const args = argsText(frame, method);
  const returned = decodeReturn(method, fromHex(frame.returnData));
  return (
    <li class={`frame ${open ? 'open' : 'closed'}`} data-testid="trace-frame">
      <div class="frame-head">
        <button type="button" class="toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        <Address value={frame.contract} />
        <code class="call">
          .{frame.method}({args})
        </code>
        <Status status={frame.status} />
        <span class="gas" title="gas used in total / by this frame alone / given">
          gas <Num value={frame.gasUsed} />{' '}
          <span class="muted">
            (self {formatInteger(frame.gasSelf)} of limit {formatInteger(frame.gasLimit)})
          </span>
        </span>
      </div>
      {open ? (
        <div class="frame-body">
          {frame.value !== '0' ? (
            <div>
              value <Num value={frame.value} />
            </div>
          ) : null}
          {frame.error ? (
            <div class="error-text">
              <code>{frame.error.code}</code> {frame.error.message}
            </div>
          ) : null}
          <ol class="host-calls">
            {frame.hostCalls.map((call, i) =>
              call.call ? (
                <ul class="tree" key={i}>
                  <FrameNode frame={call.call} />
                </ul>
              ) : (
                <li key={i} class="host-call">
                  <code>{call.op}</code> <span class="muted">gas {formatInteger(call.gas)}</span> {detailText(call)}
                </li>
              ),
            )}
          </ol>
          <div>
            returned{' '}
            <code>
              {frame.returnData === '0x'
                ? '(nothing)'
                : returned.ok
                  ? formatValue(returned.value)
                  : bytesText(frame.returnData)}
            </code>
          </div>
        </div>
      ) : null}
    </li>
  );
}

export function TraceTree({ trace }: { trace: Frame }) {
  return (
    <ul class="tree" data-testid="trace">
      <FrameNode frame={trace} />
    </ul>
  );
}
