// RFC 4226 Appendix D and RFC 6238 Appendix B, through every public path that computes codes.
import { describe, expect, it } from 'vitest';
import hotpVectors from '../vectors/rfc4226-hotp.json' with { type: 'json' };
import totpVectors from '../vectors/rfc6238-totp.json' with { type: 'json' };
import {
  createTotpVerifier,
  generateHotp,
  generateTotp,
  totpTimeStep,
  verifyHotp,
  verifyTotp,
  type OtpAlgorithm,
} from '../../src/otp/index.js';
import { PreparedHmac } from '../../src/otp/otp-hmac.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/internal/bytes.js';

describe('RFC 4226 Appendix D', () => {
  const secret = utf8ToBytes(hotpVectors.secretAscii);
  it('the seed is the one the RFC prints', () => {
    expect(bytesToHex(secret)).toBe(hotpVectors.secretHex);
  });
  for (const v of hotpVectors.vectors) {
    it(`counter ${v.counter}: HMAC, truncation and code`, () => {
      const counter = new Uint8Array(8);
      new DataView(counter.buffer).setUint32(4, v.counter);
      expect(bytesToHex(new PreparedHmac('SHA1', secret).mac(counter))).toBe(v.hmacHex);
      expect(generateHotp(secret, v.counter)).toBe(v.hotp);
      expect(verifyHotp(secret, v.hotp, v.counter, { lookAhead: 0 })).toEqual({ ok: true, counter: v.counter, nextCounter: v.counter + 1 });
      // The truncated value's last 7 and 8 digits are the 7- and 8-digit codes.
      expect(generateHotp(secret, v.counter, { digits: 8 })).toBe(String(v.truncatedDecimal % 1e8).padStart(8, '0'));
      expect(generateHotp(secret, v.counter, { digits: 7 })).toBe(String(v.truncatedDecimal % 1e7).padStart(7, '0'));
    });
  }
  it('verifyHotp finds each code from counter 0 within the look-ahead, and no further', () => {
    for (const v of hotpVectors.vectors) {
      const result = verifyHotp(secret, v.hotp, 0, { lookAhead: 9 });
      expect(result).toEqual({ ok: true, counter: v.counter, nextCounter: v.counter + 1 });
      if (v.counter > 0) expect(verifyHotp(secret, v.hotp, 0, { lookAhead: v.counter - 1 })).toEqual({ ok: false, reason: 'mismatch' });
    }
  });
});

describe('RFC 6238 Appendix B', () => {
  for (const v of totpVectors.vectors) {
    const algorithm = v.algorithm as OtpAlgorithm;
    const secret = utf8ToBytes(totpVectors.seeds[algorithm]);
    const now = () => v.time * 1000;
    const options = { algorithm, digits: 8, now };
    it(`${algorithm} at T=${v.time}`, () => {
      expect(secret.length).toBe({ SHA1: 20, SHA256: 32, SHA512: 64 }[algorithm]);
      const step = parseInt(v.step, 16);
      expect(totpTimeStep({ now })).toBe(step);
      expect(generateTotp(secret, options)).toBe(v.totp);
      expect(verifyTotp(secret, v.totp, options)).toEqual({ ok: true, step, drift: 0 });
      const verifier = createTotpVerifier(secret, { algorithm, digits: 8 });
      expect(verifier.generate({ now })).toBe(v.totp);
      expect(verifier.verify(v.totp, { now })).toEqual({ ok: true, step, drift: 0 });
      // The same value is HOTP at counter = step.
      expect(generateHotp(secret, step, { algorithm, digits: 8 })).toBe(v.totp);
      // One step later the code is still accepted as drift -1, two steps later it is not.
      expect(verifyTotp(secret, v.totp, { ...options, now: () => (v.time + 30) * 1000 })).toEqual({ ok: true, step, drift: -1 });
      expect(verifyTotp(secret, v.totp, { ...options, now: () => (v.time + 60) * 1000 }).ok).toBe(false);
    });
  }
  it('a different hash gives a different code (the algorithm option is honoured)', () => {
    const v = totpVectors.vectors[0]!;
    const secret = utf8ToBytes(totpVectors.seeds.SHA1);
    expect(generateTotp(secret, { algorithm: 'SHA256', digits: 8, now: () => v.time * 1000 })).not.toBe(v.totp);
  });
});

describe('T0 and period', () => {
  const secret = hexToBytes(hotpVectors.secretHex);
  it('T0 shifts step 0', () => {
    // With T0 = 1000 s and a 60 s step, time 1000 + 60 * 5 + 1 s is step 5.
    const now = () => (1000 + 60 * 5 + 1) * 1000;
    expect(totpTimeStep({ now, t0: 1000, period: 60 })).toBe(5);
    expect(generateTotp(secret, { now, t0: 1000, period: 60 })).toBe(hotpVectors.vectors[5]!.hotp);
    expect(verifyTotp(secret, hotpVectors.vectors[5]!.hotp, { now, t0: 1000, period: 60 })).toEqual({ ok: true, step: 5, drift: 0 });
  });
  it('a time before T0 is misuse', () => {
    expect(() => generateTotp(secret, { now: () => 0, t0: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
