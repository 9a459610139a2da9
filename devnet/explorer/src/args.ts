/**
 * Interface-driven argument parsing for the explorer's method forms: each argument is typed in a text field,
 * parsed by its ABI type from the contract's `gasket:interface` (integers with range checks, bool, string,
 * 32-byte address, bytes, optional `T?`, lists `T[]` and `map`/`any` as JSON), and checked by the client's own
 * encoder, so a form shows a type error beside the field before anything is sent. Unit-tested beside this file.
 * @module
 */
import { type AbiType, encodeTyped, type MethodInterface } from '../../client/browser.js';

export type ParsedArg = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

const INTEGER_TYPES = new Set(['u8', 'u16', 'u32', 'u64', 'u128', 'i8', 'i16', 'i32', 'i64']);

/** What a field of this type takes, for its placeholder. */
export function argHint(type: AbiType): string {
  if (type.endsWith('?')) return `${argHint(type.slice(0, -1))}, or empty for null`;
  if (type.endsWith('[]')) return `JSON list of ${type.slice(0, -2)}`;
  if (INTEGER_TYPES.has(type)) return `${type} integer`;
  switch (type) {
    case 'address':
      return 'address: 0x + 64 hex digits';
    case 'bytes':
      return 'bytes: 0x-hex';
    case 'bool':
      return 'true or false';
    case 'string':
      return 'text';
    case 'nil':
      return 'nothing';
    default:
      return `${type} as JSON`;
  }
}

/** JSON where integers too big for a double stay exact: bare integers of 16+ digits are read as bigint. */
function parseJson(text: string): unknown {
  const marked = text.replace(/(?<=^|[[,:\s])(-?\d{16,})(?=\s*[\],}]|\s*$)/g, '"__big:$1"');
  return JSON.parse(marked, (_key, value) =>
    typeof value === 'string' && value.startsWith('__big:') ? BigInt(value.slice(6)) : value,
  );
}

/** The raw value a text field stands for, before the type's range and length checks. */
function rawValue(text: string, type: AbiType): unknown {
  const trimmed = text.trim();
  if (type.endsWith('?')) return trimmed === '' || trimmed === 'null' ? null : rawValue(text, type.slice(0, -1));
  if (INTEGER_TYPES.has(type)) {
    const digits = trimmed.replace(/[_,\s]/g, '');
    if (!/^-?\d+$/.test(digits)) throw new Error(`must be a whole number (${type})`);
    return BigInt(digits);
  }
  switch (type) {
    case 'string':
      return text;
    case 'bool':
      if (trimmed === 'true') return true;
      if (trimmed === 'false') return false;
      throw new Error('must be true or false');
    case 'address':
      if (!/^0x[0-9a-fA-F]{64}$/.test(trimmed)) throw new Error('must be 0x followed by 64 hex digits (32 bytes)');
      return trimmed;
    case 'bytes':
      if (!/^0x([0-9a-fA-F]{2})*$/.test(trimmed)) throw new Error('must be 0x-hex with an even number of digits');
      return trimmed;
    case 'nil':
      return null;
    default:
      if (trimmed === '') throw new Error(`must be ${argHint(type)}`);
      try {
        return parseJson(trimmed);
      } catch {
        throw new Error(`must be ${argHint(type)}`);
      }
  }
}

/** One field's text as a value of its ABI type, or the reason it is not one. */
export function parseArg(text: string, type: AbiType, name = 'value'): ParsedArg {
  try {
    const value = rawValue(text, type);
    encodeTyped(value, type, name); // the client's own range, length and shape checks
    return { ok: true, value };
  } catch (error) {
    const message = (error as Error).message;
    // the client's messages start with the argument's name; the form shows them beside that field
    return { ok: false, error: message.startsWith(`${name} `) ? message.slice(name.length + 1) : message };
  }
}

export type ParsedForm =
  | { readonly ok: true; readonly args: unknown[] }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

/** Every field of a method's form, by argument name: the positional args, or an error per bad field. */
export function parseMethodForm(method: MethodInterface, fields: Readonly<Record<string, string>>): ParsedForm {
  const args: unknown[] = [];
  const errors: Record<string, string> = {};
  for (const arg of method.args) {
    const parsed = parseArg(fields[arg.name] ?? '', arg.type, arg.name);
    if (parsed.ok) args.push(parsed.value);
    else errors[arg.name] = parsed.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, args };
}
