/**
 * A minimal wasm binary writer for tests that need modules no text tool makes comfortably: 80,000-deep nesting,
 * tens of thousands of locals, malformed custom sections, exact section layouts.
 * @module
 */

export function leb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

export function section(id: number, payload: readonly number[] | Uint8Array): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

export function vector(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/**
 * A module with one memory (exported), one type `() -> ()` by default, and the given function bodies (each the
 * locals vector then the code, ending in 0x0b), all exported as f0, f1, ...
 */
export function moduleWithBodies(
  bodies: readonly (readonly number[])[],
  options: { type?: number[]; memory?: number[]; extraSections?: number[] } = {},
): Uint8Array {
  const type = options.type ?? [0x60, 0x00, 0x00];
  const parts = [
    ...HEADER,
    ...section(1, vector([type])),
    ...section(3, vector(bodies.map(() => [0]))),
    ...section(5, vector([options.memory ?? [0x00, 0x01]])),
    ...section(
      7,
      vector([[...name('memory'), 0x02, 0x00], ...bodies.map((_, i) => [...name(`f${i}`), 0x00, ...uleb(i)])]),
    ),
    ...section(10, vector(bodies.map((body) => [...uleb(body.length), ...body]))),
    ...(options.extraSections ?? []),
  ];
  return new Uint8Array(parts);
}
