import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToBase64Url,
  bytesToHex,
  hexToBytes,
  timingSafeEqual,
} from '../../src/internal/bytes.js';
import { MfaError } from '../../src/errors.js';

describe('internal/bytes', () => {
  it('base64 and base64url round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
        expect(base64ToBytes(bytesToBase64Url(bytes))).toEqual(bytes);
      }),
    );
  });

  it('matches the RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(bytesToBase64(new TextEncoder().encode(plain))).toBe(encoded);
    }
  });

  it('rejects malformed base64 with MfaError', () => {
    for (const bad of ['a', 'ab!c', 'Zg=a', 'Zh==', '====']) {
      expect(() => base64ToBytes(bad)).toThrow(MfaError);
    }
  });

  it('hex round-trips and rejects odd input', () => {
    expect(bytesToHex(hexToBytes('00ff10Ab'))).toBe('00ff10ab');
    expect(() => hexToBytes('abc')).toThrow(MfaError);
    expect(() => hexToBytes('zz')).toThrow(MfaError);
  });

  it('timingSafeEqual compares content and length', () => {
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});
