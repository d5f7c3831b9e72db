import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_OOB_TTL_SECONDS,
  OOB_ASSURANCE,
  issueOobCode,
  oobDestinationKey,
  oobRecordId,
  verifyOobCode,
  type OobCodeRecord,
  type OobCodeRequest,
  type OobVerifyResult,
} from '../../src/oob/index.js';
import { isMfaError } from '../../src/errors.js';
import { chiSquareUniform, seededRandom } from '../backup-codes/helpers.js';

const key = new Uint8Array(32).fill(3);
const T0 = Date.UTC(2026, 10, 23, 19, 0, 0);
const at = (ms: number) => () => ms;
const login: OobCodeRequest = { purpose: 'login', channel: 'email', destination: 'Ada@Example.com' };

/** The reason of a result, or 'ok'. */
const reasonOf = (result: OobVerifyResult): string => (result.ok ? 'ok' : result.reason);

function expectMfaError(fn: () => unknown, code?: string) {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isMfaError(caught), String(caught)).toBe(true);
  if (code !== undefined) expect((caught as { code: string }).code).toBe(code);
}

describe('oob/issue', () => {
  it('issues a 6-digit code valid 10 minutes, storing only a keyed hash', () => {
    const { code, record, message } = issueOobCode(login, { key, now: at(T0) });
    expect(code).toMatch(/^\d{6}$/);
    expect(DEFAULT_OOB_TTL_SECONDS).toBe(600);
    expect(record).toEqual({
      id: expect.stringMatching(/^oob_[A-Za-z0-9_-]{43}$/),
      purpose: 'login',
      channel: 'email',
      destination: 'ada@example.com',
      hash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      digits: 6,
      issuedAt: T0,
      expiresAt: T0 + 600_000,
      attempts: 0,
      maxAttempts: 5,
      usedAt: null,
    });
    expect(Object.values(record)).not.toContain(code);
    expect(message).toEqual({ channel: 'email', destination: 'Ada@Example.com', code, purpose: 'login', expiresAt: T0 + 600_000 });
  });

  it('takes 6 to 10 digits, and a lifetime never above the configured maximum', () => {
    for (const digits of [6, 7, 8, 9, 10]) expect(issueOobCode(login, { key, digits }).code).toHaveLength(digits);
    for (const digits of [5, 11, 6.5, 0]) expectMfaError(() => issueOobCode(login, { key, digits }), 'INVALID_OPTION');
    expect(issueOobCode(login, { key, now: at(T0), ttlSeconds: 120 }).record.expiresAt).toBe(T0 + 120_000);
    expectMfaError(() => issueOobCode(login, { key, ttlSeconds: 601 }), 'INVALID_OPTION');
    expectMfaError(() => issueOobCode(login, { key, ttlSeconds: 300, maxTtlSeconds: 200 }), 'INVALID_OPTION');
    expect(issueOobCode(login, { key, now: at(T0), ttlSeconds: 900, maxTtlSeconds: 900 }).record.expiresAt).toBe(T0 + 900_000);
    expect(issueOobCode(login, { key, now: at(T0), maxTtlSeconds: 300 }).record.expiresAt).toBe(T0 + 300_000);
    expectMfaError(() => issueOobCode(login, { key, ttlSeconds: 0 }), 'INVALID_OPTION');
    expectMfaError(() => issueOobCode(login, { key, maxAttempts: 101 }), 'INVALID_OPTION');
  });

  it('checks the key and the request', () => {
    for (const bad of [undefined, new Uint8Array(15), 'secret', [1, 2, 3]]) {
      expectMfaError(() => issueOobCode(login, { key: bad as Uint8Array }), 'INVALID_OPTION');
    }
    expectMfaError(() => issueOobCode(login, undefined as never), 'INVALID_OPTION');
    const badRequests: unknown[] = [
      null,
      'login',
      { ...login, purpose: '' },
      { ...login, purpose: 'log in' },
      { ...login, purpose: 'x'.repeat(65) },
      { ...login, purpose: 'login\n' },
      { ...login, purpose: 42 },
      { ...login, channel: 'fax' },
      { ...login, destination: 'not-an-email' },
      { ...login, destination: 'a@b.c\r\nBcc: evil@x.y' },
      { ...login, destination: 'a,victim@example.com' },
      { ...login, destination: 'Ada <ada@example.com>' },
      { ...login, destination: '"a b"@example.com' },
      { ...login, destination: 'x'.repeat(400) + '@example.com' },
      { ...login, destination: ['a@b.c'] },
      { purpose: 'login', channel: 'sms', destination: '0612345678' },
      { purpose: 'login', channel: 'sms', destination: '+0612345678' },
      { purpose: 'login', channel: 'sms', destination: '+3361234567890123' },
      { purpose: 'login', channel: 'sms', destination: '+33 6 12 34 56 7x' },
    ];
    for (const request of badRequests) expectMfaError(() => issueOobCode(request as OobCodeRequest, { key }), 'INVALID_ARGUMENT');
  });

  it('derives the record id from purpose, channel and destination: a re-issue replaces', () => {
    const id = oobRecordId(login, { key });
    expect(issueOobCode(login, { key }).record.id).toBe(id);
    expect(oobRecordId({ ...login, destination: ' ada@example.COM ' }, { key })).toBe(id);
    expect(oobRecordId({ ...login, purpose: 'recovery' }, { key })).not.toBe(id);
    expect(oobRecordId({ ...login, destination: 'bob@example.com' }, { key })).not.toBe(id);
    expect(oobRecordId(login, { key: new Uint8Array(32).fill(4) })).not.toBe(id);
    const sms = { purpose: 'login', channel: 'sms', destination: '+33 (6) 12-34.56.78' } as const;
    expect(oobRecordId(sms, { key })).toBe(oobRecordId({ ...sms, destination: '+33612345678' }, { key }));
    expect(oobDestinationKey(sms, { key })).toBe(oobDestinationKey({ channel: 'sms', destination: '+33612345678' }, { key }));
    expect(oobDestinationKey(sms, { key })).not.toBe(oobRecordId(sms, { key }));

    // The old code does not verify against the record that replaced it.
    const first = issueOobCode(login, { key, now: at(T0), random: seededRandom(1) });
    const second = issueOobCode(login, { key, now: at(T0 + 1000), random: seededRandom(2) });
    expect(first.code).not.toBe(second.code);
    expect(second.record.id).toBe(first.record.id);
    expect(reasonOf(verifyOobCode(first.code, second.record, { key, now: at(T0 + 2000) }))).toBe('mismatch');
    expect(verifyOobCode(second.code, second.record, { key, now: at(T0 + 2000) }).ok).toBe(true);
  });

  it('draws digits uniformly (chi-square, 20,000 codes, fixed seed)', () => {
    // 9 degrees of freedom; threshold at p = 0.001 is 27.877 (chi2.isf(0.001, 9)): an unbiased
    // generator fails with probability 0.1% over a random seed.
    const random = seededRandom(20261123);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      for (const d of issueOobCode(login, { key, random }).code) counts[Number(d)]!++;
    }
    expect(chiSquareUniform(counts)).toBeLessThan(27.877);
    // A plain `byte % 10` would favour 0–5 by 25/256 vs 24/256: the test would see it.
    const inner = seededRandom(9);
    const moduloCounts = new Array<number>(10).fill(0);
    for (const b of inner(120_000)) moduloCounts[b % 10]!++;
    expect(chiSquareUniform(moduloCounts)).toBeGreaterThan(27.877);
  }, 120_000);

  it('labels email and SMS as low assurance', () => {
    expect(OOB_ASSURANCE).toEqual({ email: 'low', sms: 'low' });
    expect(Object.isFrozen(OOB_ASSURANCE)).toBe(true);
  });
});

describe('oob/verify', () => {
  const issue = (options: Partial<Parameters<typeof issueOobCode>[1]> = {}) => issueOobCode(login, { key, now: at(T0), ...options });

  it('accepts the code once, in constant time, and returns the record to persist', () => {
    const { code, record } = issue();
    const first = verifyOobCode(code, record, { key, now: at(T0 + 1000) });
    expect(first).toEqual({ ok: true, record: { ...record, attempts: 1, usedAt: T0 + 1000 } });
    expect(verifyOobCode(code, first.record, { key, now: at(T0 + 2000) })).toEqual({ ok: false, reason: 'replayed', record: first.record });
    expect(record.usedAt).toBeNull(); // inputs are never mutated
  });

  it('refuses from expiresAt on (injected clock)', () => {
    const { code, record } = issue({ ttlSeconds: 60 });
    expect(verifyOobCode(code, record, { key, now: at(T0 + 59_999) }).ok).toBe(true);
    const late = verifyOobCode(code, record, { key, now: at(T0 + 60_000) });
    expect(late).toEqual({ ok: false, reason: 'expired', record });
  });

  it('kills the code after 5 wrong tries (the 5th is the last mismatch)', () => {
    const { code, record } = issue({ random: seededRandom(11) });
    const wrong = code === '000000' ? '111111' : '000000';
    let current: OobCodeRecord = record;
    for (let i = 1; i <= 5; i++) {
      const result = verifyOobCode(wrong, current, { key, now: at(T0 + i) });
      expect(result).toMatchObject({ ok: false, reason: 'mismatch' });
      current = result.record;
      expect(current.attempts).toBe(i);
    }
    expect(verifyOobCode(code, current, { key, now: at(T0 + 10) })).toEqual({ ok: false, reason: 'exhausted', record: current });
  });

  it('honours a custom attempt limit; a right code after a few wrong ones still works', () => {
    const { code, record } = issue({ maxAttempts: 2, random: seededRandom(12) });
    const wrong = code === '999999' ? '888888' : '999999';
    const once = verifyOobCode(wrong, record, { key, now: at(T0) });
    expect(verifyOobCode(code, once.record, { key, now: at(T0) }).ok).toBe(true);
    const twice = verifyOobCode(wrong, once.record, { key, now: at(T0) });
    expect(reasonOf(verifyOobCode(code, twice.record, { key, now: at(T0) }))).toBe('exhausted');
  });

  it('reads spaces, dashes and full-width digits; malformed input costs no attempt', () => {
    const { code, record } = issue();
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
    const dashed = `${code.slice(0, 3)}-${code.slice(3)}\n`;
    const wide = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    for (const typed of [spaced, dashed, wide, ` ${code} `]) expect(verifyOobCode(typed, record, { key, now: at(T0) }).ok).toBe(true);
    for (const typed of ['', '12345', '1234567', 'abcdef', '12345a', '１２３', '½23456', '+12345']) {
      expect(verifyOobCode(typed, record, { key, now: at(T0) })).toEqual({ ok: false, reason: 'malformed', record });
    }
  });

  it('is bound to purpose, channel and destination', () => {
    const { code, record } = issue();
    expect(reasonOf(verifyOobCode(code, record, { key, now: at(T0), expected: { purpose: 'recovery' } }))).toBe('mismatch');
    expect(reasonOf(verifyOobCode(code, record, { key, now: at(T0), expected: { destination: 'bob@example.com' } }))).toBe('mismatch');
    expect(reasonOf(verifyOobCode(code, record, { key, now: at(T0), expected: { channel: 'sms' } }))).toBe('mismatch');
    expect(verifyOobCode(code, record, { key, now: at(T0), expected: { ...login, destination: 'ADA@example.com' } }).ok).toBe(true);
    // Tampering with any bound field in the store breaks the keyed hash.
    for (const tampered of [
      { ...record, purpose: 'recovery' },
      { ...record, destination: 'eve@example.com' },
      { ...record, expiresAt: record.expiresAt + 3_600_000 },
      { ...record, issuedAt: record.issuedAt + 1 },
    ]) {
      expect(reasonOf(verifyOobCode(code, tampered, { key, now: at(T0) }))).toBe('mismatch');
    }
    expect(reasonOf(verifyOobCode(code, record, { key: new Uint8Array(32).fill(8), now: at(T0) }))).toBe('mismatch');
  });

  it('every issued code verifies once; every other code of the same length never does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 6, max: 10 }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 10, maxLength: 10 }), (seed, digits, guessSource) => {
        const { code, record } = issueOobCode(login, { key, digits, now: at(T0), random: seededRandom(seed) });
        const guess = guessSource.slice(0, digits);
        const wrong = verifyOobCode(guess, record, { key, now: at(T0) });
        if (guess === code) return;
        expect(wrong.ok).toBe(false);
        const right = verifyOobCode(code, wrong.record, { key, now: at(T0) });
        expect(right.ok).toBe(true);
        expect(verifyOobCode(code, right.record, { key, now: at(T0) }).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('throws MfaError on hostile input and never verifies it', () => {
    const { record } = issue();
    for (const input of [undefined, null, 123456, {}, ['123456'], 'A'.repeat(65), '1'.repeat(1_000_000), '123\u0000456', '123456\u001b', '\u202E123456']) {
      expectMfaError(() => verifyOobCode(input as string, record, { key, now: at(T0) }));
    }
    expectMfaError(() => verifyOobCode('123456', record, undefined as never), 'INVALID_OPTION');
    expectMfaError(() => verifyOobCode('123456', record, { key: new Uint8Array(4) }), 'INVALID_OPTION');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (input) => {
        try {
          expect(verifyOobCode(input, record, { key, now: at(T0) }).ok).toBe(false);
        } catch (error) {
          expect(isMfaError(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('refuses malformed stored records with INVALID_OOB_RECORD', () => {
    const { code, record } = issue();
    const bad: unknown[] = [
      null,
      'record',
      { ...record, id: 'x' },
      { ...record, purpose: 'log in' },
      { ...record, channel: 'fax' },
      { ...record, destination: 'ADA@example.com' }, // not canonical
      { ...record, destination: 42 },
      { ...record, hash: 'short' },
      { ...record, hash: undefined },
      { ...record, digits: 5 },
      { ...record, digits: 11 },
      { ...record, digits: '6' },
      { ...record, issuedAt: -1 },
      { ...record, expiresAt: record.issuedAt },
      { ...record, expiresAt: Number.POSITIVE_INFINITY },
      { ...record, attempts: -1 },
      { ...record, attempts: 1.5 },
      { ...record, maxAttempts: 0 },
      { ...record, maxAttempts: 1000 },
      { ...record, usedAt: 'now' },
      { ...record, usedAt: undefined },
    ];
    for (const r of bad) expectMfaError(() => verifyOobCode(code, r as OobCodeRecord, { key, now: at(T0) }), 'INVALID_OOB_RECORD');
  });
});
