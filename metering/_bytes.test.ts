/**
 * ByteWriter's size-prefixed spans (function bodies written in place): the result must be exactly the LEB128
 * length followed by the content, for every length class of the prefix, also after earlier bytes and spans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './_bytes.js';

function prefixed(content: Uint8Array): number[] {
  return [...new ByteWriter(8).u32(content.length).bytes(content).view()];
}

describe('ByteWriter sized spans', () => {
  it('writes the length and the content, moved up over the unused prefix room', () => {
    for (const size of [0, 1, 127, 128, 300, 16_383, 16_384, 70_000]) {
      const content = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff);
      const w = new ByteWriter(4).byte(0xaa);
      const start = w.beginSized();
      w.bytes(content);
      w.endSized(start);
      w.byte(0xbb);
      expect([...w.view()]).toEqual([0xaa, ...prefixed(content), 0xbb]);
      const r = new ByteReader(w.view(), 1);
      expect(r.u32()).toBe(size);
    }
  });

  it('matches u32 + bytes for any sequence of spans', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 12 }), (contents) => {
        const sized = new ByteWriter(1);
        const plain = new ByteWriter(1);
        for (const content of contents) {
          const start = sized.beginSized();
          for (const b of content) sized.byte(b); // grows the buffer inside the span
          sized.endSized(start);
          plain.u32(content.length).bytes(content);
        }
        expect([...sized.view()]).toEqual([...plain.view()]);
      }),
    );
  });

  it('matches u32 + bytes whatever size was guessed for the prefix (longer, shorter or right)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })), {
          maxLength: 8,
        }),
        (spans) => {
          const sized = new ByteWriter(1);
          const plain = new ByteWriter(1);
          for (const [length, guess] of spans) {
            const content = Uint8Array.from({ length }, (_, i) => (i * 13 + length) & 0xff);
            const start = sized.beginSized(guess);
            sized.bytes(content);
            sized.endSized(start, guess);
            plain.u32(content.length).bytes(content);
          }
          expect(Buffer.from(sized.view()).equals(plain.view())).toBe(true);
        },
      ),
    );
  });
});
