/**
 * The explorer's small building blocks: hex values shortened with a copy button (and a link where they lead
 * somewhere), integers with separators, block times relative and absolute, status badges, loading and error
 * boxes, the not-found page, and the gas-per-block chart (inline SVG).
 * @module
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Block } from '../../client/browser.js';
import { absoluteTime, formatInteger, relativeTime, shortHex } from './format.js';
import { useNow } from './hooks.js';

export function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  const copy = () => {
    const finish = () => {
      setDone(true);
      setTimeout(() => setDone(false), 1200);
    };
    // the clipboard API needs a secure context; 127.0.0.1 is one, other hosts may not be
    navigator.clipboard?.writeText(text).then(finish, finish) ?? finish();
  };
  return (
    <button type="button" class="copy" title={`copy ${text}`} aria-label="copy" onClick={copy}>
      {done ? (
        '✓'
      ) : (
        // an icon drawn inline: the page ships no fonts and must look the same offline
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5" />
          <path d="M3 11V3a1 1 0 0 1 1-1h7" fill="none" stroke="currentColor" stroke-width="1.5" />
        </svg>
      )}
    </button>
  );
}

/** A transaction's kind; a call shows its method. */
export function TxKind({ tx }: { tx: { kind: string; method?: string | null } }) {
  return tx.kind === 'call' ? <code>{tx.method}</code> : <>{tx.kind}</>;
}

/** A hex value, shortened, with its whole value as a tooltip, a copy button, and a link when given. */
export function Hex({ value, href, full }: { value: string; href?: string; full?: boolean }) {
  const text = full ? value : shortHex(value);
  return (
    <span class="hex">
      {href ? (
        <a href={href} title={value}>
          {text}
        </a>
      ) : (
        <span title={value}>{text}</span>
      )}
      <CopyButton text={value} />
    </span>
  );
}

export const Address = ({ value }: { value: string }) => <Hex value={value} href={`#/address/${value}`} />;

export const Num = ({ value }: { value: bigint | number | string }) => <span class="num">{formatInteger(value)}</span>;

export function Time({ timestamp }: { timestamp: bigint }) {
  const now = useNow();
  return (
    <span class="time" title={absoluteTime(timestamp)}>
      {relativeTime(timestamp, now)} <span class="muted">({absoluteTime(timestamp)})</span>
    </span>
  );
}

export const Status = ({ status }: { status: string | null }) => (
  <span class={`badge ${status === 'ok' ? 'ok' : 'fail'}`}>{status ?? 'unknown'}</span>
);

export const Loading = () => <p class="muted">Loading…</p>;

export const ErrorBox = ({ error }: { error: Error | string }) => (
  <div class="error-box" role="alert">
    {typeof error === 'string' ? error : error.message}
  </div>
);

export function NotFound({ what }: { what: string }) {
  return (
    <section class="card not-found" data-testid="not-found">
      <h2>Not found</h2>
      <p>
        Nothing on this chain matches <code>{what}</code>.
      </p>
      <p class="muted">Search for a block height, a transaction or block hash, or an address (0x + 64 hex digits).</p>
      <p>
        <a href="#/">Back to the overview</a>
      </p>
    </section>
  );
}

export function Card({ title, children, testId }: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section class="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A list table: a header row of `headers`, the rows as children. */
export function ListTable({
  headers,
  testId,
  children,
}: {
  headers: readonly string[];
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <table class="list" data-testid={testId}>
      <thead>
        <tr>
          {headers.map((header) => (
            <th key={header}>{header}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** A block height with separators, linking to the block. */
export function BlockLink({ height }: { height: bigint | string }) {
  return (
    <a href={`#/block/${height}`}>
      <Num value={height} />
    </a>
  );
}

/** Key/value rows of a details table. */
export function Rows({ rows }: { rows: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <table class="rows">
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th>{label}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Gas used per block over the latest blocks, oldest on the left; each bar links to its block. */
export function GasChart({ blocks }: { blocks: readonly Block[] }) {
  const shown = [...blocks].reverse();
  const width = 600;
  const height = 120;
  // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
  const max = shown.reduce((m, b) => (b.gasUsed > m ? b.gasUsed : m), 1n);
  const step = width / Math.max(shown.length, 1);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label="gas used per block">
        <title>Gas used per block</title>
        {shown.map((block, i) => {
          const h = Number((block.gasUsed * BigInt(height)) / max);
          return (
            <a key={String(block.height)} href={`#/block/${block.height}`}>
              <rect x={i * step + 1} y={height - h} width={Math.max(step - 2, 1)} height={Math.max(h, 1)}>
                <title>
                  block {formatInteger(block.height)}: {formatInteger(block.gasUsed)} gas
                </title>
              </rect>
            </a>
          );
        })}
        <text x="0" y={height + 13}>
          {shown[0] ? `#${formatInteger(shown[0].height)}` : ''}
        </text>
        <text x={width} y={height + 13} text-anchor="end">
          {shown.length > 0 ? `#${formatInteger(shown[shown.length - 1]!.height)}` : ''}
        </text>
      </svg>
      <figcaption>
        Gas used per block (latest {shown.length}; highest {formatInteger(max)})
      </figcaption>
    </figure>
  );
}
