/**
 * WebAssembly script (.wast) parser: turns a file into a list of commands (modules, register, actions and the
 * assert_* forms) with their source lines. Module text is kept verbatim for wabt; `binary` and `quote` modules
 * carry their bytes or text inline.
 * @module
 */
import { atomText, head, readSExprs, type SExpr, type SList } from './sexpr.js';
import { type Expected, parseFloatBits, parseIntBits, type WasmValue } from './values.js';

export type ModuleSource =
  /** A text module, `(module ...)`, exactly as written in the script. */
  | { readonly kind: 'text'; readonly name?: string; readonly text: string }
  /** `(module binary "...")`: the bytes. */
  | { readonly kind: 'binary'; readonly name?: string; readonly bytes: Uint8Array }
  /** `(module quote "...")`: the text to parse, already wrapped in `(module ...)` where needed. */
  | { readonly kind: 'quote'; readonly name?: string; readonly text: string };

export type Action =
  | { readonly type: 'invoke'; readonly module?: string; readonly field: string; readonly args: readonly WasmValue[] }
  | { readonly type: 'get'; readonly module?: string; readonly field: string };

type At = { readonly line: number };

export type Command = At &
  (
    | { readonly type: 'module'; readonly module: ModuleSource }
    | { readonly type: 'register'; readonly as: string; readonly name?: string }
    | { readonly type: 'action'; readonly action: Action }
    | { readonly type: 'assert_return'; readonly action: Action; readonly expected: readonly Expected[] }
    | { readonly type: 'assert_trap'; readonly action: Action; readonly message: string }
    | { readonly type: 'assert_exhaustion'; readonly action: Action; readonly message: string }
    /** `(assert_trap (module ...) "msg")`: instantiation traps (the start function or a segment). */
    | { readonly type: 'assert_uninstantiable'; readonly module: ModuleSource; readonly message: string }
    | {
        readonly type: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable';
        readonly module: ModuleSource;
        readonly message: string;
      }
  );

export type AssertionType = Exclude<Command['type'], 'module' | 'register' | 'action'>;

export class WastError extends Error {
  override name = 'WastError';
}

// ignoreBOM: a name may be U+FEFF itself (names.wast), which the default decoder would strip.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const COMMANDS = new Set([
  'module',
  'register',
  'invoke',
  'get',
  'assert_return',
  'assert_trap',
  'assert_exhaustion',
  'assert_invalid',
  'assert_malformed',
  'assert_unlinkable',
  'assert_uninstantiable',
]);

/** Parses a whole script; a file of bare module fields (an inline module, e.g. `(func) (memory 0)`) is one module. */
export function parseScript(source: string): Command[] {
  const lists = readSExprs(source);
  if (lists.length > 0 && !lists.every((list) => COMMANDS.has(head(list) ?? ''))) {
    return [{ type: 'module', line: lists[0]!.line, module: { kind: 'text', text: `(module ${source}\n)` } }];
  }
  return lists.map((list) => parseCommand(list, source));
}

function fail(line: number, message: string): never {
  throw new WastError(`line ${line}: ${message}`);
}

function stringOf(expr: SExpr | undefined, line: number): string {
  if (expr?.kind !== 'string') fail(line, 'expected a string');
  return decoder.decode(expr.bytes);
}

function parseCommand(list: SList, source: string): Command {
  const line = list.line;
  const kind = head(list);
  const items = list.items;
  switch (kind) {
    case 'module':
      return { type: 'module', line, module: parseModule(list, source) };
    case 'register': {
      const name = atomText(items[2]);
      return { type: 'register', line, as: stringOf(items[1], line), ...(name ? { name } : {}) };
    }
    case 'invoke':
    case 'get':
      return { type: 'action', line, action: parseAction(list) };
    case 'assert_return':
      return {
        type: 'assert_return',
        line,
        action: parseAction(expectList(items[1], line)),
        expected: items.slice(2).map((e) => parseExpected(expectList(e, line))),
      };
    case 'assert_trap': {
      const target = expectList(items[1], line);
      const message = stringOf(items[2], line);
      if (head(target) === 'module') {
        return { type: 'assert_uninstantiable', line, module: parseModule(target, source), message };
      }
      return { type: 'assert_trap', line, action: parseAction(target), message };
    }
    case 'assert_exhaustion':
      return {
        type: 'assert_exhaustion',
        line,
        action: parseAction(expectList(items[1], line)),
        message: stringOf(items[2], line),
      };
    case 'assert_uninstantiable':
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable':
      return {
        type: kind,
        line,
        module: parseModule(expectList(items[1], line), source),
        message: stringOf(items[2], line),
      };
    default:
      return fail(line, `unknown command ${kind}`);
  }
}

function expectList(expr: SExpr | undefined, line: number): SList {
  if (expr?.kind !== 'list') fail(line, 'expected a list');
  return expr;
}

/** `source` is the whole script, from which a text module's span is sliced. */
function parseModule(list: SList, source: string): ModuleSource {
  const line = list.line;
  let i = 1;
  const maybeName = atomText(list.items[1]);
  const name = maybeName?.startsWith('$') ? maybeName : undefined;
  if (name) i++;
  const mode = atomText(list.items[i]);
  const named = name ? { name } : {};
  if (mode === 'binary') {
    const parts = list.items.slice(i + 1).map((e) => {
      if (e.kind !== 'string') fail(line, 'expected a string in module binary');
      return e.bytes;
    });
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      bytes.set(p, offset);
      offset += p.length;
    }
    return { kind: 'binary', ...named, bytes };
  }
  if (mode === 'quote') {
    const text = list.items
      .slice(i + 1)
      .map((e) => stringOf(e, line))
      .join(' ');
    return { kind: 'quote', ...named, text: wrapQuoted(text) };
  }
  return { kind: 'text', ...named, text: source.slice(list.start, list.end) };
}

/** A quoted module is either a full `(module ...)` or only its fields. */
function wrapQuoted(text: string): string {
  try {
    const exprs = readSExprs(text);
    if (exprs.length === 1 && head(exprs[0]) === 'module') return text;
  } catch {
    // not even s-expressions: let wabt reject it as written, inside a module
  }
  return `(module ${text}\n)`;
}

function parseAction(list: SList): Action {
  const line = list.line;
  const kind = head(list);
  let i = 1;
  const maybeModule = atomText(list.items[1]);
  const module = maybeModule?.startsWith('$') ? maybeModule : undefined;
  if (module) i++;
  const field = stringOf(list.items[i], line);
  const mod = module ? { module } : {};
  if (kind === 'invoke') {
    const args = list.items.slice(i + 1).map((e) => {
      const value = parseExpected(expectList(e, line));
      if (!isArgument(value)) fail(line, 'a NaN pattern or ref.func is not an argument');
      return value;
    });
    return { type: 'invoke', ...mod, field, args };
  }
  if (kind === 'get') return { type: 'get', ...mod, field };
  return fail(line, `unknown action ${kind}`);
}

function isArgument(value: Expected): value is WasmValue {
  return !('nan' in value) && !(value.type === 'funcref' && value.ref === 'any');
}

function parseExpected(list: SList): Expected {
  const line = list.line;
  const op = head(list);
  const arg = atomText(list.items[1]);
  switch (op) {
    case 'i32.const':
      return { type: 'i32', bits: parseIntBits(need(arg, line), 32) };
    case 'i64.const':
      return { type: 'i64', bits: parseIntBits(need(arg, line), 64) };
    case 'f32.const':
    case 'f64.const': {
      const type = op === 'f32.const' ? 'f32' : 'f64';
      const text = need(arg, line);
      if (text === 'nan:canonical' || text === 'nan:arithmetic') return { type, nan: text.slice(4) as 'canonical' };
      return type === 'f32' ? { type, bits: parseFloatBits(text, type) } : { type, bits: parseFloatBits(text, type) };
    }
    case 'ref.null':
      return arg === 'extern' ? { type: 'externref', ref: null } : { type: 'funcref', ref: null };
    case 'ref.extern':
      return { type: 'externref', ref: Number(need(arg, line)) };
    case 'ref.func':
      return { type: 'funcref', ref: 'any' };
    default:
      return fail(line, `unsupported constant ${op}`);
  }
}

function need(text: string | undefined, line: number): string {
  if (text === undefined) fail(line, 'missing literal');
  return text;
}
