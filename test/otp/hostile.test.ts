// Hostile inputs: wrong types, NaN, negative or huge numbers, non-base32 text, oversize strings.
// Every public function either returns normally or throws MfaError: never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as otpCore from '../../src/otp/index.js';
import * as qr from '../../src/otp/qr.js';
import { isMfaError } from '../../src/errors.js';

const otp = { ...otpCore, ...qr };
const secret = new Uint8Array(20).fill(1);

const hostileValue = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
  fc.constantFrom<unknown>(NaN, -0, -1, 1.5, Infinity, -Infinity, 2 ** 53, 2 ** 64, -(2 ** 31), 1e300, '', ' ', '0', 'NaN', '\u0000', '\ud800', 'x'.repeat(100_000), null, undefined, [], {}, () => 1, Symbol('s'), 10n, new Uint8Array(0), new Uint8Array(2000), new Uint16Array(10), new ArrayBuffer(20)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer(),
  fc.double(),
);
const hostileOptions = fc.oneof(
  hostileValue,
  fc.record(
    {
      algorithm: hostileValue, digits: hostileValue, period: hostileValue, t0: hostileValue, now: fc.oneof(hostileValue, hostileValue.map((v) => () => v)),
      window: fc.oneof(hostileValue, fc.record({ past: hostileValue, future: hostileValue }, { requiredKeys: [] })), afterStep: hostileValue,
      lookAhead: hostileValue, bytes: hostileValue, random: fc.oneof(hostileValue, hostileValue.map((v) => () => v)), allowShortSecret: hostileValue,
      size: hostileValue, margin: hostileValue, errorCorrection: hostileValue, color: hostileValue, background: hostileValue,
    },
    { requiredKeys: [] },
  ),
);

function onlyMfaErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!isMfaError(error)) throw new Error(`threw a non-MfaError: ${String(error)}`, { cause: error });
  }
}

type Fn = (...args: unknown[]) => unknown;
const calls: [string, (a: unknown, b: unknown, c: unknown) => unknown][] = [
  ['generateTotp', (a, b) => (otp.generateTotp as Fn)(a, b)],
  ['verifyTotp', (a, b, c) => (otp.verifyTotp as Fn)(a, b, c)],
  ['verifyTotp (good secret)', (_a, b, c) => (otp.verifyTotp as Fn)(secret, b, c)],
  ['verifyTotp (good secret and code)', (_a, _b, c) => (otp.verifyTotp as Fn)(secret, '123456', c)],
  ['createTotpVerifier', (a, b) => (otp.createTotpVerifier as Fn)(a, b)],
  ['verifier.verify', (_a, b, c) => (otp.createTotpVerifier(secret).verify as Fn)(b, c)],
  ['verifier.generate', (a) => (otp.createTotpVerifier(secret).generate as Fn)(a)],
  ['totpTimeStep', (a) => (otp.totpTimeStep as Fn)(a)],
  ['generateHotp', (a, b, c) => (otp.generateHotp as Fn)(a, b, c)],
  ['generateHotp (good secret)', (_a, b, c) => (otp.generateHotp as Fn)(secret, b, c)],
  ['verifyHotp', (a, b, c) => (otp.verifyHotp as Fn)(secret, a, b, c)],
  ['resyncHotp', (a, b, c) => (otp.resyncHotp as Fn)(secret, a, b, c)],
  ['resyncHotp (pair)', (a, b, c) => (otp.resyncHotp as Fn)(secret, [a, b], 0, c)],
  ['normaliseOtpCode', (a) => (otp.normaliseOtpCode as Fn)(a)],
  ['generateSecret', (a) => (otp.generateSecret as Fn)(a)],
  ['encodeBase32Secret', (a) => (otp.encodeBase32Secret as Fn)(a)],
  ['decodeBase32Secret', (a, b) => (otp.decodeBase32Secret as Fn)(a, b)],
  ['buildKeyUri', (a) => (otp.buildKeyUri as Fn)(a)],
  ['buildKeyUri (fields)', (a, b, c) => (otp.buildKeyUri as Fn)({ secret, accountName: a, issuer: b, ...(typeof c === 'object' ? c : {}) })],
  ['parseKeyUri', (a, b) => (otp.parseKeyUri as Fn)(a, b)],
  ['renderQrSvg', (a, b) => (otp.renderQrSvg as Fn)(a, b)],
  ['qrDataUrl', (a, b) => (otp.qrDataUrl as Fn)(a, b)],
];

describe('hostile inputs only ever throw MfaError', () => {
  for (const [name, call] of calls) {
    it(name, () => {
      fc.assert(fc.property(hostileValue, hostileValue, hostileOptions, (a, b, c) => onlyMfaErrors(() => call(a, b, c))), { numRuns: 300 });
    });
  }

  it('parseKeyUri on mutated valid URIs', () => {
    const valid = otp.buildKeyUri({ type: 'hotp', secret, accountName: 'ada@example.com', issuer: 'ACME Co', counter: 5 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length }), fc.integer({ min: 0, max: 10 }), fc.string({ unit: 'binary', maxLength: 12 }), (at, cut, insert) => {
        onlyMfaErrors(() => otp.parseKeyUri(valid.slice(0, at) + insert + valid.slice(at + cut)));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeBase32Secret on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz01890= -\t\u00e9'), maxLength: 120 }), (text) => {
        onlyMfaErrors(() => otp.decodeBase32Secret(text, { allowShortSecret: true }));
      }),
      { numRuns: 2000 },
    );
  });

  it('the checker itself notices a foreign exception (the test can fail)', () => {
    expect(() => onlyMfaErrors(() => { throw new TypeError('x'); })).toThrow('non-MfaError');
    expect(() => onlyMfaErrors(() => otp.decodeBase32Secret('!!'))).not.toThrow();
  });
});
