import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTotpVerifier,
  generateHotp,
  generateTotp,
  normaliseOtpCode,
  verifyTotp,
  type OtpAlgorithm,
} from '../../src/otp/index.js';
import { hexToBytes } from '../../src/internal/bytes.js';

const secret = hexToBytes('3132333435363738393031323334353637383930');
const T = 1_767_225_600_000; // 2026-01-01T00:00:00Z, step 58907520 with a 30 s period
const STEP = 58_907_520;
const at = (ms: number) => () => ms;
const codeAt = (step: number, digits = 6, algorithm: OtpAlgorithm = 'SHA1') => generateHotp(secret, step, { digits, algorithm });

describe('verifyTotp', () => {
  it('accepts the current code, one step each way by default, and nothing further', () => {
    expect(verifyTotp(secret, codeAt(STEP), { now: at(T) })).toEqual({ ok: true, step: STEP, drift: 0 });
    expect(verifyTotp(secret, codeAt(STEP - 1), { now: at(T) })).toEqual({ ok: true, step: STEP - 1, drift: -1 });
    expect(verifyTotp(secret, codeAt(STEP + 1), { now: at(T) })).toEqual({ ok: true, step: STEP + 1, drift: 1 });
    expect(verifyTotp(secret, codeAt(STEP - 2), { now: at(T) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyTotp(secret, codeAt(STEP + 2), { now: at(T) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('past and future windows are separate', () => {
    const now = at(T);
    expect(verifyTotp(secret, codeAt(STEP - 3), { now, window: { past: 3, future: 0 } }).ok).toBe(true);
    expect(verifyTotp(secret, codeAt(STEP + 1), { now, window: { past: 3, future: 0 } }).ok).toBe(false);
    expect(verifyTotp(secret, codeAt(STEP + 2), { now, window: { past: 0, future: 2 } })).toEqual({ ok: true, step: STEP + 2, drift: 2 });
    expect(verifyTotp(secret, codeAt(STEP - 1), { now, window: { past: 0, future: 2 } }).ok).toBe(false);
    expect(verifyTotp(secret, codeAt(STEP - 1), { now, window: { past: 0 } }).ok).toBe(false);
  });

  it('uses Date.now by default', () => {
    expect(verifyTotp(secret, generateTotp(secret)).ok).toBe(true);
  });

  it('normalises spaces and dashes before verifying, and refuses other characters', () => {
    const code = codeAt(STEP);
    for (const typed of [`${code.slice(0, 3)} ${code.slice(3)}`, `${code.slice(0, 3)}-${code.slice(3)}`, ` ${code}\t`, `${code.slice(0, 3)}\u2013${code.slice(3)}`]) {
      expect(verifyTotp(secret, typed, { now: at(T) })).toEqual({ ok: true, step: STEP, drift: 0 });
    }
    for (const typed of [`${code}0`, code.slice(1), `${code.slice(0, 5)}x`, `+${code}`, `${code}.`, '', '１２３４５６', `${code.slice(0, 5)}\u0661`]) {
      expect(verifyTotp(secret, typed, { now: at(T) })).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verifyTotp(secret, ' '.repeat(100) + code, { now: at(T) })).toEqual({ ok: false, reason: 'malformed' });
    expect(normaliseOtpCode(' 12-34 56 ')).toBe('123456');
  });

  it('refuses replays: afterStep refuses that step and every earlier one', () => {
    const now = at(T);
    const first = verifyTotp(secret, codeAt(STEP), { now });
    expect(first).toEqual({ ok: true, step: STEP, drift: 0 });
    // The same code again, also typed differently: replayed (CVE-2025-6014 class).
    expect(verifyTotp(secret, codeAt(STEP), { now, afterStep: STEP })).toEqual({ ok: false, reason: 'replayed' });
    expect(verifyTotp(secret, `${codeAt(STEP).slice(0, 3)} ${codeAt(STEP).slice(3)}`, { now, afterStep: STEP })).toEqual({ ok: false, reason: 'replayed' });
    // An older code inside the window is replayed too; a newer one is fine.
    expect(verifyTotp(secret, codeAt(STEP - 1), { now, afterStep: STEP })).toEqual({ ok: false, reason: 'replayed' });
    expect(verifyTotp(secret, codeAt(STEP + 1), { now, afterStep: STEP })).toEqual({ ok: true, step: STEP + 1, drift: 1 });
    expect(verifyTotp(secret, codeAt(STEP), { now, afterStep: STEP - 1 })).toEqual({ ok: true, step: STEP, drift: 0 });
    expect(verifyTotp(secret, codeAt(STEP), { now, afterStep: null })).toEqual({ ok: true, step: STEP, drift: 0 });
    // A wrong code stays a mismatch whatever afterStep says.
    const wrong = codeAt(STEP + 5);
    expect(verifyTotp(secret, wrong, { now, afterStep: STEP + 10 })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('throws MfaError for misuse, returns results for wrong codes', () => {
    const bad: unknown[] = [
      [secret, 123456, {}],
      [secret, null, {}],
      ['GEZDGNBV', '123456', {}],
      [new Uint8Array(9), '123456', {}],
      [secret, '123456', { digits: 5 }],
      [secret, '123456', { digits: 9 }],
      [secret, '123456', { digits: 6.5 }],
      [secret, '123456', { period: 0 }],
      [secret, '123456', { period: NaN }],
      [secret, '123456', { algorithm: 'MD5' }],
      [secret, '123456', { algorithm: 'sha1' }],
      [secret, '123456', { now: () => NaN }],
      [secret, '123456', { now: () => -1 }],
      [secret, '123456', { now: () => { throw new Error('clock broke'); } }],
      [secret, '123456', { now: 5 }],
      [secret, '123456', { window: { past: -1 } }],
      [secret, '123456', { window: { future: 11 } }],
      [secret, '123456', { window: 1 }],
      [secret, '123456', { afterStep: 1.5 }],
      [secret, '123456', { afterStep: '3' }],
      [secret, '123456', 'options'],
    ];
    for (const args of bad as [Uint8Array, string, object][]) {
      expect(() => verifyTotp(...args), JSON.stringify(args[2])).toThrow(expect.objectContaining({ name: 'MfaError' }));
    }
  });
});

describe('createTotpVerifier', () => {
  it('gives the same answers as verifyTotp and generateTotp', () => {
    const verifier = createTotpVerifier(secret, { digits: 8, algorithm: 'SHA256', now: at(T) });
    const code = generateTotp(secret, { digits: 8, algorithm: 'SHA256', now: at(T) });
    expect(verifier.generate()).toBe(code);
    expect(verifier.step()).toBe(STEP);
    expect(verifier.verify(code)).toEqual({ ok: true, step: STEP, drift: 0 });
    expect(verifier.verify(code, { afterStep: STEP })).toEqual({ ok: false, reason: 'replayed' });
    expect(verifier.verify(code, { now: at(T + 60_000) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifier.verify(code, { now: at(T + 60_000), window: { past: 2 } })).toEqual({ ok: true, step: STEP, drift: -2 });
  });

  it('keeps its own window default, and is independent of later changes to the secret array', () => {
    const copy = secret.slice();
    const verifier = createTotpVerifier(copy, { window: { past: 2, future: 0 }, now: at(T) });
    copy.fill(0);
    expect(verifier.verify(codeAt(STEP - 2)).ok).toBe(true);
    expect(verifier.verify(codeAt(STEP + 1)).ok).toBe(false);
  });

  it('verifiers for different secrets and hashes can be interleaved (shared scratch state)', () => {
    const other = hexToBytes('0102030405060708090a0b0c0d0e0f1011121314');
    const a = createTotpVerifier(secret, { now: at(T) });
    const b = createTotpVerifier(other, { now: at(T) });
    const c = createTotpVerifier(secret, { now: at(T), algorithm: 'SHA512', digits: 8 });
    const codeA = codeAt(STEP);
    const codeB = generateHotp(other, STEP);
    const codeC = codeAt(STEP, 8, 'SHA512');
    expect(codeA).not.toBe(codeB);
    for (let i = 0; i < 20; i++) {
      expect(a.verify(codeA)).toEqual({ ok: true, step: STEP, drift: 0 });
      expect(b.verify(codeB)).toEqual({ ok: true, step: STEP, drift: 0 });
      expect(c.verify(codeC)).toEqual({ ok: true, step: STEP, drift: 0 });
      expect(b.verify(codeA).ok).toBe(false);
      expect(a.generate()).toBe(codeA);
      expect(b.generate()).toBe(codeB);
    }
  });

  it('repeated use never carries state from one call to the next', () => {
    const verifier = createTotpVerifier(secret, { now: at(T) });
    for (let i = 0; i < 50; i++) {
      expect(verifier.verify('000000').ok).toBe(codeAt(STEP) === '000000' || codeAt(STEP - 1) === '000000' || codeAt(STEP + 1) === '000000');
      expect(verifier.verify(codeAt(STEP))).toEqual({ ok: true, step: STEP, drift: 0 });
    }
  });
});

describe('window properties (fast-check)', () => {
  const arbitraryCase = fc.record({
    key: fc.uint8Array({ minLength: 16, maxLength: 40 }),
    algorithm: fc.constantFrom<OtpAlgorithm>('SHA1', 'SHA256', 'SHA512'),
    digits: fc.integer({ min: 6, max: 8 }),
    period: fc.integer({ min: 1, max: 120 }),
    past: fc.integer({ min: 0, max: 4 }),
    future: fc.integer({ min: 0, max: 4 }),
    step: fc.integer({ min: 20, max: 100_000_000 }),
    within: fc.integer({ min: 0, max: 29_999 }),
  });

  it('a code from any offset inside the window verifies and reports that offset; outside it fails', () => {
    fc.assert(
      fc.property(arbitraryCase, fc.integer({ min: -8, max: 8 }), (c, offset) => {
        const options = { algorithm: c.algorithm, digits: c.digits, period: c.period };
        const now = at(c.step * c.period * 1000 + (c.within % (c.period * 1000)));
        const code = generateHotp(c.key, c.step + offset, options);
        const window: number[] = [];
        for (let d = -c.past; d <= c.future; d++) window.push(d);
        const others = window.filter((d) => d !== offset).map((d) => generateHotp(c.key, c.step + d, options));
        const result = verifyTotp(c.key, code, { ...options, now, window: { past: c.past, future: c.future } });
        const inside = offset >= -c.past && offset <= c.future;
        if (others.includes(code)) return; // a collision between steps (about 1 in 10^digits): nothing strict to say
        if (inside) expect(result).toEqual({ ok: true, step: c.step + offset, drift: offset });
        else expect(result).toEqual({ ok: false, reason: 'mismatch' });
      }),
      { numRuns: 300 },
    );
  });

  it('with afterStep, a matching code is accepted exactly when its step is later', () => {
    fc.assert(
      fc.property(arbitraryCase, fc.integer({ min: -4, max: 4 }), fc.integer({ min: -6, max: 6 }), (c, offset, lastOffset) => {
        fc.pre(offset >= -c.past && offset <= c.future);
        const options = { algorithm: c.algorithm, digits: c.digits, period: c.period };
        const now = at(c.step * c.period * 1000);
        const code = generateHotp(c.key, c.step + offset, options);
        const others: string[] = [];
        for (let d = -c.past; d <= c.future; d++) if (d !== offset) others.push(generateHotp(c.key, c.step + d, options));
        fc.pre(!others.includes(code));
        const result = verifyTotp(c.key, code, { ...options, now, window: { past: c.past, future: c.future }, afterStep: c.step + lastOffset });
        if (offset > lastOffset) expect(result).toEqual({ ok: true, step: c.step + offset, drift: offset });
        else expect(result).toEqual({ ok: false, reason: 'replayed' });
      }),
      { numRuns: 300 },
    );
  });
});
