import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildKeyUri, parseKeyUri, type KeyUriParams, type OtpAlgorithm } from '../../src/otp/index.js';
import { utf8ToBytes } from '../../src/internal/bytes.js';

const secret = utf8ToBytes('12345678901234567890');
const B32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('buildKeyUri', () => {
  it('puts the issuer in the label and the parameters, percent-encoded', () => {
    expect(buildKeyUri({ secret, accountName: 'ada@example.com', issuer: 'Example Co' })).toBe(
      `otpauth://totp/Example%20Co:ada%40example.com?secret=${B32}&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30`,
    );
  });
  it('encodes spaces as %20, reserved characters and non-ASCII as UTF-8', () => {
    const uri = buildKeyUri({ secret, accountName: "o'brien+tag&x=1/?#[]!*()", issuer: 'Zürich AG, 東京' });
    expect(uri).toBe(
      'otpauth://totp/Z%C3%BCrich%20AG%2C%20%E6%9D%B1%E4%BA%AC:o%27brien%2Btag%26x%3D1%2F%3F%23%5B%5D%21%2A%28%29' +
        `?secret=${B32}&issuer=Z%C3%BCrich%20AG%2C%20%E6%9D%B1%E4%BA%AC&algorithm=SHA1&digits=6&period=30`,
    );
    expect(uri).not.toMatch(/[ +]/);
  });
  it('writes HOTP with a counter and no period; TOTP options as given', () => {
    expect(buildKeyUri({ type: 'hotp', secret, accountName: 'a', counter: 42, algorithm: 'SHA512', digits: 8 })).toBe(
      `otpauth://hotp/a?secret=${B32}&algorithm=SHA512&digits=8&counter=42`,
    );
    expect(buildKeyUri({ secret, accountName: 'a', period: 60, algorithm: 'SHA256', digits: 7 })).toBe(
      `otpauth://totp/a?secret=${B32}&algorithm=SHA256&digits=7&period=60`,
    );
  });
  it('names the bad field in the error code', () => {
    const cases: [Partial<KeyUriParams>, string][] = [
      [{ accountName: 'a:b' }, 'INVALID_URI_LABEL'],
      [{ accountName: '' }, 'INVALID_URI_LABEL'],
      [{ accountName: ' a' }, 'INVALID_URI_LABEL'],
      [{ accountName: 'a\nb' }, 'INVALID_URI_LABEL'],
      [{ accountName: 'x'.repeat(257) }, 'INVALID_URI_LABEL'],
      [{ accountName: '\ud800' }, 'INVALID_URI_LABEL'],
      [{ issuer: 'A:B' }, 'INVALID_URI_ISSUER'],
      [{ issuer: '' }, 'INVALID_URI_ISSUER'],
      [{ secret: new Uint8Array(10) }, 'INVALID_URI_SECRET'],
      [{ secret: 'GEZD' as unknown as Uint8Array }, 'INVALID_URI_SECRET'],
      [{ digits: 9 }, 'INVALID_URI_DIGITS'],
      [{ digits: 5 }, 'INVALID_URI_DIGITS'],
      [{ period: 0 }, 'INVALID_URI_PERIOD'],
      [{ period: 1.5 }, 'INVALID_URI_PERIOD'],
      [{ algorithm: 'MD5' as OtpAlgorithm }, 'INVALID_URI_ALGORITHM'],
      [{ type: 'motp' as 'totp' }, 'INVALID_URI_TYPE'],
      [{ counter: 1 }, 'INVALID_URI_COUNTER'],
      [{ type: 'hotp' }, 'INVALID_URI_COUNTER'],
      [{ type: 'hotp', counter: -1 }, 'INVALID_URI_COUNTER'],
      [{ type: 'hotp', counter: 1, period: 30 }, 'INVALID_URI_PERIOD'],
    ];
    for (const [change, code] of cases) {
      expect(() => buildKeyUri({ secret, accountName: 'ada', ...change }), JSON.stringify(change)).toThrow(expect.objectContaining({ code }));
    }
    expect(buildKeyUri({ secret: new Uint8Array(10), accountName: 'a', allowShortSecret: true })).toContain('secret=AAAAAAAAAAAAAAAA&');
  });
});

describe('parseKeyUri', () => {
  it('reads what authenticator apps read, with defaults', () => {
    expect(parseKeyUri(`otpauth://totp/ACME%20Co:john.doe@email.com?secret=${B32}&issuer=ACME%20Co`)).toEqual({
      type: 'totp', secret, accountName: 'john.doe@email.com', issuer: 'ACME Co', algorithm: 'SHA1', digits: 6, period: 30, counter: undefined,
    });
  });
  it('accepts %3A as the separator, spaces after it, + as space in parameters, issuer only in one place', () => {
    expect(parseKeyUri(`otpauth://totp/ACME%3A%20%20ada?secret=${B32.toLowerCase()}`)).toMatchObject({ issuer: 'ACME', accountName: 'ada' });
    expect(parseKeyUri(`otpauth://totp/ada?secret=${B32}&issuer=ACME+Co`)).toMatchObject({ issuer: 'ACME Co', accountName: 'ada' });
    expect(parseKeyUri(`OTPAUTH://TOTP/ada?secret=${B32}&algorithm=sha256&digits=8&period=60&image=https%3A%2F%2Fx`)).toMatchObject({
      issuer: undefined, algorithm: 'SHA256', digits: 8, period: 60,
    });
    expect(parseKeyUri(`otpauth://hotp/ada?secret=${B32}&counter=0`)).toMatchObject({ type: 'hotp', counter: 0, period: undefined });
  });
  it('is strict: each bad field throws with a code naming it', () => {
    const cases: [string, string][] = [
      [`https://totp/a?secret=${B32}`, 'INVALID_URI_SCHEME'],
      [`otpauth:/totp/a?secret=${B32}`, 'INVALID_URI_SCHEME'],
      [`otpauth://motp/a?secret=${B32}`, 'INVALID_URI_TYPE'],
      [`otpauth://totp?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/a:b:c?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/a%ZZ?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/%FF?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/ACME:?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/a/b?secret=${B32}`, 'INVALID_URI_LABEL'],
      [`otpauth://totp/A:b?secret=${B32}&issuer=B`, 'INVALID_URI_ISSUER'],
      [`otpauth://totp/b?secret=${B32}&issuer=`, 'INVALID_URI_ISSUER'],
      [`otpauth://totp/b?secret=${B32}&issuer=%E0%A4%A`, 'INVALID_URI_ISSUER'],
      ['otpauth://totp/a', 'INVALID_URI_SECRET'],
      ['otpauth://totp/a?secret=', 'INVALID_URI_SECRET'],
      ['otpauth://totp/a?secret=GEZDGNBVGY3TQOJ1', 'INVALID_URI_SECRET'],
      ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI_SECRET'],
      [`otpauth://totp/a?secret=${B32}&algorithm=MD5`, 'INVALID_URI_ALGORITHM'],
      [`otpauth://totp/a?secret=${B32}&digits=5`, 'INVALID_URI_DIGITS'],
      [`otpauth://totp/a?secret=${B32}&digits=06`, 'INVALID_URI_DIGITS'],
      [`otpauth://totp/a?secret=${B32}&digits=6.0`, 'INVALID_URI_DIGITS'],
      [`otpauth://totp/a?secret=${B32}&digits=`, 'INVALID_URI_DIGITS'],
      [`otpauth://totp/a?secret=${B32}&period=0`, 'INVALID_URI_PERIOD'],
      [`otpauth://totp/a?secret=${B32}&period=-30`, 'INVALID_URI_PERIOD'],
      [`otpauth://totp/a?secret=${B32}&period=1e3`, 'INVALID_URI_PERIOD'],
      [`otpauth://totp/a?secret=${B32}&period=99999999999999999`, 'INVALID_URI_PERIOD'],
      [`otpauth://totp/a?secret=${B32}&counter=1`, 'INVALID_URI_COUNTER'],
      [`otpauth://hotp/a?secret=${B32}`, 'INVALID_URI_COUNTER'],
      [`otpauth://hotp/a?secret=${B32}&counter=x`, 'INVALID_URI_COUNTER'],
      [`otpauth://hotp/a?secret=${B32}&counter=9007199254740992`, 'INVALID_URI_COUNTER'],
      [`otpauth://hotp/a?secret=${B32}&counter=1&period=30`, 'INVALID_URI_PERIOD'],
      [`otpauth://totp/a?secret=${B32}&digits=6&digits=8`, 'INVALID_URI_DIGITS'],
      [`otpauth://totp/a?secret=${B32}&image=x&image=y`, 'INVALID_URI_PARAMETER'],
      [`otpauth://totp/a?secret=${B32}&&digits=6`, 'INVALID_URI'],
      [`otpauth://totp/a?secret=${B32}#frag`, 'INVALID_URI'],
      [`otpauth://totp/a?secret=${B32}&x=${'a'.repeat(5000)}`, 'INVALID_URI'],
    ];
    for (const [uri, code] of cases) {
      expect(() => parseKeyUri(uri), uri.slice(0, 80)).toThrow(expect.objectContaining({ code }));
    }
    expect(parseKeyUri('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', { allowShortSecret: true }).secret).toHaveLength(10);
  });
});

function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

describe('build then parse (fast-check)', () => {
  // Names as people write them: any Unicode text without colons, control characters or
  // surrounding whitespace (buildKeyUri refuses those, so they cannot round-trip).
  const name = fc
    .array(
      fc.oneof(
        fc.constantFrom(' ', '@', '%', '+', '&', '=', '?', '#', '/', "'", '(', '.', 'é', '東', '😀'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      { minLength: 1, maxLength: 30 },
    )
    .map((parts) => parts.join(''))
    .filter((s) => !s.includes(':') && !/[\u0000-\u001f\u007f-\u009f]/.test(s) && s.trim() === s && s.length > 0 && s.length <= 256 && isWellFormed(s));

  it('returns the same values', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom<'totp' | 'hotp'>('totp', 'hotp'),
          secret: fc.uint8Array({ minLength: 16, maxLength: 64 }),
          accountName: name,
          issuer: fc.option(name, { nil: undefined }),
          algorithm: fc.constantFrom<OtpAlgorithm>('SHA1', 'SHA256', 'SHA512'),
          digits: fc.integer({ min: 6, max: 8 }),
          period: fc.integer({ min: 1, max: 86_400 }),
          counter: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        }),
        (p) => {
          const params: KeyUriParams =
            p.type === 'totp'
              ? { type: 'totp', secret: p.secret, accountName: p.accountName, issuer: p.issuer, algorithm: p.algorithm, digits: p.digits, period: p.period }
              : { type: 'hotp', secret: p.secret, accountName: p.accountName, issuer: p.issuer, algorithm: p.algorithm, digits: p.digits, counter: p.counter };
          const uri = buildKeyUri(params);
          expect(uri).toMatch(/^otpauth:\/\/[a-z]+\/[A-Za-z0-9\-._~%:]+\?[A-Za-z0-9\-._~%=&]+$/);
          expect(parseKeyUri(uri)).toEqual({
            type: p.type, secret: p.secret, accountName: p.accountName, issuer: p.issuer, algorithm: p.algorithm, digits: p.digits,
            period: p.type === 'totp' ? p.period : undefined, counter: p.type === 'hotp' ? p.counter : undefined,
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});
