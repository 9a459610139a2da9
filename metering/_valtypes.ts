/**
 * Which value types a contract may use: only i32 and i64 are deterministic and meterable. Floats, v128 and
 * reference types are rejected with the code a contract author can look up; tooling mode admits floats and
 * reference types (never v128).
 * @module
 */
import { valtypeName } from './_opcodes.js';
import { MeteringError, type MeteringLocation } from './errors.js';

export function checkValtype(byte: number, tooling: boolean, where: string, location: MeteringLocation): void {
  if (byte === 0x7f || byte === 0x7e) return;
  const name = valtypeName(byte);
  if (byte === 0x7d || byte === 0x7c) {
    if (tooling) return;
    throw new MeteringError('FLOAT', `floating-point type ${name} in ${where}: contracts must use integers only`, {
      ...location,
      operation: operation(location, name),
    });
  }
  if (byte === 0x7b) {
    throw new MeteringError('SIMD', `SIMD type v128 in ${where} is not deterministic-safe`, {
      ...location,
      operation: operation(location, name),
    });
  }
  if (tooling && (byte === 0x70 || byte === 0x6f)) return;
  throw new MeteringError('FEATURE', `value type ${name} in ${where} is not supported (reference types)`, {
    ...location,
    operation: operation(location, name),
  });
}

function operation(location: MeteringLocation, name: string): string {
  return location.operation ? `${location.operation} (${name})` : name;
}
