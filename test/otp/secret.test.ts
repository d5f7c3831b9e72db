import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase32Secret, encodeBase32Secret, generateSecret } from '../../src/otp/index.js';
import { bytesToHex, utf8ToBytes } from '../../src/internal/bytes.js';

describe('generateSecret', () => {
  it('makes 20 random bytes by default, different every time', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(20);
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
  });
  it('uses the injected random source and length', () => {
    const seen: number[] = [];
    const secret = generateSecret({ bytes: 32, random: (n) => (seen.push(n), new Uint8Array(n).fill(7)) });
    expect(seen).toEqual([32]);
    expect(secret).toEqual(new Uint8Array(32).fill(7));
  });
  it('refuses under 128 bits unless allowShortSecret, and never under 80', () => {
    expect(() => generateSecret({ bytes: 15 })).toThrow(expect.objectContaining({ code: 'SECRET_TOO_SHORT' }));
    expect(generateSecret({ bytes: 10, allowShortSecret: true }).length).toBe(10);
    expect(() => generateSecret({ bytes: 9, allowShortSecret: true })).toThrow(expect.objectContaining({ name: 'MfaError' }));
  });
  it('refuses a random source that returns the wrong thing', () => {
    expect(() => generateSecret({ random: () => new Uint8Array(5) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => generateSecret({ random: () => [1, 2] as unknown as Uint8Array })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('base32 secrets', () => {
  it('matches RFC 4648 §10 test vectors (without padding) for encoding', () => {
    const cases: [string, string][] = [['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [text, base32] of cases) expect(encodeBase32Secret(utf8ToBytes(text))).toBe(base32);
  });
  it('accepts lowercase, spaces, dashes and missing or correct padding', () => {
    const secret = utf8ToBytes('12345678901234567890');
    const canonical = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(encodeBase32Secret(secret)).toBe(canonical);
    for (const text of [canonical, canonical.toLowerCase(), 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 'GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ']) {
      expect(decodeBase32Secret(text)).toEqual(secret);
    }
    const seventeen = utf8ToBytes('12345678901234567'); // 17 bytes: 28 chars + 4 padding
    const encoded = encodeBase32Secret(seventeen);
    expect(encoded).toHaveLength(28);
    expect(decodeBase32Secret(encoded)).toEqual(seventeen);
    expect(decodeBase32Secret(`${encoded}====`)).toEqual(seventeen);
  });
  it('rejects non-base32 text, wrong padding, impossible lengths and non-canonical tails', () => {
    const valid = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // 20 bytes
    expect(decodeBase32Secret(valid)).toHaveLength(20);
    expect(decodeBase32Secret('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQ===')).toHaveLength(18); // 29 chars + 3 padding
    expect(decodeBase32Secret('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======')).toHaveLength(21); // 34 chars, zero tail
    const bad = [
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1', // 1 is not base32
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ0', // 0 is not base32
      `${valid}=`, // padding after a complete group
      `${valid}G`, // 33 characters: 1 mod 8 cannot end a byte string
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE=====', // 34 characters need 6 padding characters
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQ=A=',
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGF', // 34 characters: F = 00101 leaves non-zero trailing bits
      `${valid}\u00e9`,
      `${valid}.`,
      'x'.repeat(5000),
    ];
    for (const text of bad) {
      expect(() => decodeBase32Secret(text), text.slice(0, 40)).toThrow(expect.objectContaining({ code: 'INVALID_BASE32' }));
    }
    expect(() => decodeBase32Secret('')).toThrow(expect.objectContaining({ code: 'SECRET_TOO_SHORT' }));
  });
  it('refuses secrets under 128 bits unless allowShortSecret (legacy 80-bit import)', () => {
    expect(() => decodeBase32Secret('JBSWY3DPEHPK3PXP')).toThrow(expect.objectContaining({ code: 'SECRET_TOO_SHORT' }));
    expect(decodeBase32Secret('JBSWY3DPEHPK3PXP', { allowShortSecret: true })).toHaveLength(10);
    expect(() => decodeBase32Secret(encodeBase32Secret(new Uint8Array(9)), { allowShortSecret: true })).toThrow(expect.objectContaining({ code: 'SECRET_TOO_SHORT' }));
    expect(() => decodeBase32Secret('JBSWY3DPEHPK3PXP', { allowShortSecret: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
  it('round-trips any secret (fast-check), in any case and spacing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 128 }), fc.boolean(), fc.integer({ min: 1, max: 8 }), (secret, lower, group) => {
        const encoded = encodeBase32Secret(secret);
        expect(encoded).toMatch(/^[A-Z2-7]+$/);
        expect(decodeBase32Secret(encoded)).toEqual(secret);
        let typed = lower ? encoded.toLowerCase() : encoded;
        typed = typed.replace(new RegExp(`(.{${group}})`, 'g'), '$1 ');
        expect(decodeBase32Secret(typed)).toEqual(secret);
        // Decoding is canonical: decode then encode returns the input.
        expect(encodeBase32Secret(decodeBase32Secret(encoded))).toBe(encoded);
      }),
      { numRuns: 300 },
    );
  });
});
