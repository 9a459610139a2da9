/**
 * S-expression reader for WebAssembly script (.wast) files: splits the text into atoms, strings and lists, with
 * `;;` line comments and nested `(; ;)` block comments skipped, string escapes decoded to bytes, and each node's
 * source span and line kept, so a module's text can be handed verbatim to wabt and a failure names its line.
 * @module
 */

export type SAtom = { readonly kind: 'atom'; readonly text: string; readonly start: number; readonly end: number };
export type SString = {
  readonly kind: 'string';
  /** The decoded bytes (a wast string is a byte string). */
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
};
export type SList = {
  readonly kind: 'list';
  readonly items: readonly SExpr[];
  readonly start: number;
  /** Offset just past the closing parenthesis. */
  readonly end: number;
  /** 1-based line of the opening parenthesis. */
  readonly line: number;
};
export type SExpr = SAtom | SString | SList;

export class WastSyntaxError extends Error {
  override name = 'WastSyntaxError';
}

const HEX = /^[0-9a-fA-F]$/;
const DELIMITERS = new Set([' ', '\t', '\n', '\r', '(', ')', '"', ';']);

/** Reads every top-level s-expression of `source`; a top-level atom or string is a syntax error. */
export function readSExprs(source: string): SList[] {
  let pos = 0;
  let line = 1;
  const encoder = new TextEncoder();

  const fail = (message: string): never => {
    throw new WastSyntaxError(`line ${line}: ${message}`);
  };

  const skipSpaceAndComments = (): void => {
    for (;;) {
      const c = source[pos];
      if (c === '\n') {
        line++;
        pos++;
      } else if (c === ' ' || c === '\t' || c === '\r') {
        pos++;
      } else if (c === ';' && source[pos + 1] === ';') {
        while (pos < source.length && source[pos] !== '\n') pos++;
      } else if (c === '(' && source[pos + 1] === ';') {
        let depth = 0;
        do {
          if (pos >= source.length) fail('unterminated block comment');
          if (source[pos] === '(' && source[pos + 1] === ';') {
            depth++;
            pos += 2;
          } else if (source[pos] === ';' && source[pos + 1] === ')') {
            depth--;
            pos += 2;
          } else {
            if (source[pos] === '\n') line++;
            pos++;
          }
        } while (depth > 0);
      } else {
        return;
      }
    }
  };

  const readString = (): SString => {
    const start = pos;
    pos++; // opening quote
    const bytes: number[] = [];
    for (;;) {
      if (pos >= source.length) fail('unterminated string');
      const c = source[pos]!;
      if (c === '"') {
        pos++;
        break;
      }
      if (c === '\n') fail('newline in string');
      if (c !== '\\') {
        const cp = source.codePointAt(pos)!;
        const ch = String.fromCodePoint(cp);
        for (const b of encoder.encode(ch)) bytes.push(b);
        pos += ch.length;
        continue;
      }
      const e = source[pos + 1];
      pos += 2;
      switch (e) {
        case 'n':
          bytes.push(0x0a);
          break;
        case 't':
          bytes.push(0x09);
          break;
        case 'r':
          bytes.push(0x0d);
          break;
        case '\\':
          bytes.push(0x5c);
          break;
        case "'":
          bytes.push(0x27);
          break;
        case '"':
          bytes.push(0x22);
          break;
        case 'u': {
          if (source[pos] !== '{') fail('bad \\u escape');
          const close = source.indexOf('}', pos);
          if (close < 0) fail('bad \\u escape');
          const hex = source.slice(pos + 1, close).replaceAll('_', '');
          if (!/^[0-9a-fA-F]+$/.test(hex)) fail('bad \\u escape');
          for (const b of encoder.encode(String.fromCodePoint(Number.parseInt(hex, 16)))) bytes.push(b);
          pos = close + 1;
          break;
        }
        default: {
          const h2 = source[pos];
          if (e === undefined || h2 === undefined || !HEX.test(e) || !HEX.test(h2)) fail(`bad escape \\${e}`);
          bytes.push(Number.parseInt(`${e}${h2}`, 16));
          pos++;
        }
      }
    }
    return { kind: 'string', bytes: Uint8Array.from(bytes), start, end: pos };
  };

  const readAtom = (): SAtom => {
    const start = pos;
    while (pos < source.length && !DELIMITERS.has(source[pos]!)) pos++;
    if (pos === start) fail(`unexpected character ${JSON.stringify(source[pos])}`);
    return { kind: 'atom', text: source.slice(start, pos), start, end: pos };
  };

  const readList = (): SList => {
    const start = pos;
    const startLine = line;
    pos++; // (
    const items: SExpr[] = [];
    for (;;) {
      skipSpaceAndComments();
      if (pos >= source.length) fail(`unclosed list opened on line ${startLine}`);
      const c = source[pos];
      if (c === ')') {
        pos++;
        return { kind: 'list', items, start, end: pos, line: startLine };
      }
      if (c === '(') items.push(readList());
      else if (c === '"') items.push(readString());
      else items.push(readAtom());
    }
  };

  const top: SList[] = [];
  for (;;) {
    skipSpaceAndComments();
    if (pos >= source.length) return top;
    if (source[pos] !== '(') fail('expected ( at top level');
    top.push(readList());
  }
}

/** The atom's text if `expr` is an atom, else undefined. */
export function atomText(expr: SExpr | undefined): string | undefined {
  return expr?.kind === 'atom' ? expr.text : undefined;
}

/** The head keyword of a list, e.g. `module` for `(module ...)`. */
export function head(expr: SExpr | undefined): string | undefined {
  return expr?.kind === 'list' ? atomText(expr.items[0]) : undefined;
}
