import { describe, expect, it } from 'vitest';
import hotpVectors from '../vectors/rfc4226-hotp.json' with { type: 'json' };
import { generateHotp, resyncHotp, verifyHotp } from '../../src/otp/index.js';
import { hexToBytes } from '../../src/internal/bytes.js';

const secret = hexToBytes(hotpVectors.secretHex);
const codes = hotpVectors.vectors.map((v) => v.hotp);

describe('verifyHotp', () => {
  it('accepts the expected counter and a look-ahead of 1 by default', () => {
    expect(verifyHotp(secret, codes[3]!, 3)).toEqual({ ok: true, counter: 3, nextCounter: 4 });
    expect(verifyHotp(secret, codes[4]!, 3)).toEqual({ ok: true, counter: 4, nextCounter: 5 });
    expect(verifyHotp(secret, codes[5]!, 3)).toEqual({ ok: false, reason: 'mismatch' });
  });
  it('never accepts a counter below the expected one (used codes stay used)', () => {
    expect(verifyHotp(secret, codes[2]!, 3, { lookAhead: 5 })).toEqual({ ok: false, reason: 'mismatch' });
  });
  it('normalises the code and reports malformed input', () => {
    expect(verifyHotp(secret, '755 224', 0)).toEqual({ ok: true, counter: 0, nextCounter: 1 });
    expect(verifyHotp(secret, '75522', 0)).toEqual({ ok: false, reason: 'malformed' });
  });
  it('refuses a look-ahead beyond 20 and bad counters', () => {
    expect(() => verifyHotp(secret, codes[0]!, 0, { lookAhead: 21 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    for (const counter of [-1, 1.5, NaN, Infinity, 2 ** 53, '1' as unknown as number]) {
      expect(() => verifyHotp(secret, codes[0]!, counter)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => generateHotp(secret, counter)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
  it('handles counters above 2^32 exactly (both halves of the 64-bit counter)', () => {
    const big = 2 ** 32 + 7;
    const code = generateHotp(secret, big);
    expect(code).not.toBe(generateHotp(secret, 7));
    expect(verifyHotp(secret, code, big)).toEqual({ ok: true, counter: big, nextCounter: big + 1 });
    expect(generateHotp(secret, Number.MAX_SAFE_INTEGER)).toMatch(/^\d{6}$/);
  });
});

describe('resyncHotp', () => {
  it('finds two consecutive codes ahead of the counter', () => {
    expect(resyncHotp(secret, [codes[6]!, codes[7]!], 0)).toEqual({ ok: true, counter: 7, nextCounter: 8 });
    expect(resyncHotp(secret, [codes[6]!, codes[7]!], 0, { lookAhead: 5 })).toEqual({ ok: false, reason: 'mismatch' });
    expect(resyncHotp(secret, [codes[6]!, codes[7]!], 0, { lookAhead: 6 })).toEqual({ ok: true, counter: 7, nextCounter: 8 });
  });
  it('refuses codes that are not consecutive, reversed, or behind the counter', () => {
    expect(resyncHotp(secret, [codes[6]!, codes[8]!], 0)).toEqual({ ok: false, reason: 'mismatch' });
    expect(resyncHotp(secret, [codes[7]!, codes[6]!], 0)).toEqual({ ok: false, reason: 'mismatch' });
    expect(resyncHotp(secret, [codes[6]!, codes[7]!], 7)).toEqual({ ok: false, reason: 'mismatch' });
  });
  it('reports malformed codes and rejects a bad codes argument', () => {
    expect(resyncHotp(secret, ['12345', codes[1]!], 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(() => resyncHotp(secret, [codes[1]!] as unknown as [string, string], 0)).toThrow(expect.objectContaining({ name: 'MfaError' }));
    expect(() => resyncHotp(secret, [codes[1]!, 5] as unknown as [string, string], 0)).toThrow(expect.objectContaining({ code: 'INVALID_CODE' }));
  });
});
