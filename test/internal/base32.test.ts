// The internal base32 codec (src/internal/base32.ts): RFC 4648 §10 test vectors, and the same
// output as the two packages it replaced (base32-encode / base32-decode, kept as devDependencies
// for this comparison) on random bytes.
import base32Decode from 'base32-decode';
import base32Encode from 'base32-encode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32ToBytes, bytesToBase32 } from '../../src/internal/base32.js';

const ascii = (text: string) => new TextEncoder().encode(text);

// RFC 4648 §10, with the padding removed (mfakit writes and reads base32 secrets unpadded).
const rfc4648: [string, string][] = [
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
];

describe('internal base32 codec', () => {
  for (const [text, encoded] of rfc4648) {
    it(`RFC 4648 §10: "${text}" <-> "${encoded}"`, () => {
      expect(bytesToBase32(ascii(text))).toBe(encoded);
      expect(base32ToBytes(encoded)).toEqual(ascii(text));
    });
  }

  it('matches base32-encode and base32-decode on random bytes, and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const encoded = bytesToBase32(bytes);
        expect(encoded).toBe(base32Encode(bytes, 'RFC4648', { padding: false }));
        expect(base32ToBytes(encoded)).toEqual(bytes);
        expect(base32ToBytes(encoded)).toEqual(new Uint8Array(base32Decode(encoded, 'RFC4648')));
      }),
      { numRuns: 500 },
    );
  });

  it('every byte value and bit position: 0x00..0xff in one string', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base32ToBytes(bytesToBase32(all))).toEqual(all);
  });
});
