/**
 * Email/SMS one-time codes in a real browser, from the built `mfakit/oob` bundle: issue and verify
 * with an injected clock, expiry, the attempt budget, a new code replacing the old one, the keyed
 * hash binding everything the record says, and the per-destination send limit.
 */
import { MfaError } from 'mfakit';
import {
  DEFAULT_OOB_MAX_ATTEMPTS,
  checkOobSendLimit,
  issueOobCode,
  oobDestinationKey,
  oobRecordId,
  verifyOobCode,
  type OobCodeRecord,
  type OobCodeRequest,
} from 'mfakit/oob';
import { assert, assertEqual, assertThrows } from '../assert.js';

const key = crypto.getRandomValues(new Uint8Array(32));
const T = Date.UTC(2026, 4, 1, 9, 0, 0);
const at = (ms: number) => () => ms;
/** A random source that always yields `digit`, so codes are known in advance ('111111', ...). */
const constant = (digit: number) => (n: number) => new Uint8Array(n).fill(digit);
const login: OobCodeRequest = { purpose: 'login', channel: 'email', destination: ' Ada@Example.COM ' };

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'issue then verify: six digits, a record holding only a keyed hash, accepted once',
    run() {
      const { code, record, message } = issueOobCode(login, { key, now: at(T) });
      assert(/^[0-9]{6}$/.test(code), `six digits: ${code}`);
      assert(!JSON.stringify(record).includes(code), 'the record does not hold the code');
      assert(/^oob_[A-Za-z0-9_-]{43}$/.test(record.id), `record id: ${record.id}`);
      assertEqual(record.destination, 'ada@example.com', 'canonical destination');
      assertEqual(record.expiresAt, T + 600_000, 'default lifetime 10 minutes');
      assertEqual(record.maxAttempts, DEFAULT_OOB_MAX_ATTEMPTS, 'default attempts');
      assert(message.code === code && message.destination === 'Ada@Example.COM' && message.expiresAt === record.expiresAt, `message: ${JSON.stringify(message)}`);
      const typed = `${code.slice(0, 3)} ${code.slice(3)}`;
      const first = verifyOobCode(typed, record, { key, now: at(T + 5_000), expected: { purpose: 'login', destination: 'ADA@example.com' } });
      assert(first.ok && first.record.usedAt === T + 5_000 && first.record.attempts === 1, `first use: ${JSON.stringify(first)}`);
      const again = verifyOobCode(code, first.record, { key, now: at(T + 6_000) });
      assert(!again.ok && again.reason === 'replayed', `second use: ${JSON.stringify(again)}`);
    },
  },
  {
    name: 'expiry: accepted until the last millisecond, refused from expiresAt on',
    run() {
      const { code, record } = issueOobCode(login, { key, now: at(T), ttlSeconds: 60 });
      assertEqual(record.expiresAt, T + 60_000, 'ttlSeconds: 60');
      assert(verifyOobCode(code, record, { key, now: at(T + 59_999) }).ok, 'just before expiry');
      const late = verifyOobCode(code, record, { key, now: at(T + 60_000) });
      assert(!late.ok && late.reason === 'expired' && late.record.attempts === 0, `at expiry: ${JSON.stringify(late)}`);
      const tooLong = assertThrows(() => issueOobCode(login, { key, ttlSeconds: 3600 }), MfaError, 'ttl above the maximum');
      assertEqual(tooLong.code, 'INVALID_OPTION', 'ttl above the maximum: code');
    },
  },
  {
    name: 'attempt limit: each wrong try counts, malformed input does not, then even the right code is exhausted',
    run() {
      const { code, record } = issueOobCode(login, { key, now: at(T), maxAttempts: 3, random: constant(4) });
      assertEqual(code, '444444', 'code from the injected random source');
      let current: OobCodeRecord = record;
      const malformed = verifyOobCode('12345', current, { key, now: at(T) });
      assert(!malformed.ok && malformed.reason === 'malformed' && malformed.record.attempts === 0, `malformed: ${JSON.stringify(malformed)}`);
      for (let i = 1; i <= 3; i++) {
        const wrong = verifyOobCode('000000', current, { key, now: at(T + i) });
        assert(!wrong.ok && wrong.reason === 'mismatch' && wrong.record.attempts === i, `wrong try ${i}: ${JSON.stringify(wrong)}`);
        current = wrong.record;
      }
      const right = verifyOobCode(code, current, { key, now: at(T + 10) });
      assert(!right.ok && right.reason === 'exhausted', `right code after the budget: ${JSON.stringify(right)}`);
    },
  },
  {
    name: 'replacement: a new code for the same purpose and destination takes the same id; the old code dies',
    run() {
      const old = issueOobCode(login, { key, now: at(T), random: constant(1) });
      const fresh = issueOobCode({ ...login, destination: 'ada@example.com' }, { key, now: at(T + 30_000), random: constant(2) });
      assert(old.code === '111111' && fresh.code === '222222', `codes: ${old.code}, ${fresh.code}`);
      assertEqual(fresh.record.id, old.record.id, 'same record id (the store replaces the old record)');
      assertEqual(oobRecordId(login, { key }), old.record.id, 'oobRecordId finds it');
      const stale = verifyOobCode(old.code, fresh.record, { key, now: at(T + 31_000) });
      assert(!stale.ok && stale.reason === 'mismatch', `old code against the new record: ${JSON.stringify(stale)}`);
      assert(verifyOobCode(fresh.code, fresh.record, { key, now: at(T + 31_000) }).ok, 'new code verifies');
      const recovery = issueOobCode({ ...login, purpose: 'recovery' }, { key, now: at(T) });
      assert(recovery.record.id !== old.record.id, 'another purpose, another record');
      const otherPurpose = verifyOobCode(recovery.code, recovery.record, { key, now: at(T), expected: { purpose: 'login' } });
      assert(!otherPurpose.ok && otherPurpose.reason === 'mismatch', `recovery code used for login: ${JSON.stringify(otherPurpose)}`);
    },
  },
  {
    name: 'the keyed hash binds the record: another key or an edited field is a mismatch, a broken record throws',
    run() {
      const sms: OobCodeRequest = { purpose: 'login', channel: 'sms', destination: '+33 6 12-34.56 78' };
      const { code, record } = issueOobCode(sms, { key, now: at(T), digits: 8 });
      assert(record.destination === '+33612345678' && code.length === 8, `E.164 and 8 digits: ${record.destination} ${code}`);
      const otherKey = crypto.getRandomValues(new Uint8Array(32));
      assert(!verifyOobCode(code, record, { key: otherKey, now: at(T) }).ok, 'another key');
      const extended = { ...record, expiresAt: record.expiresAt + 3_600_000 };
      const r1 = verifyOobCode(code, extended, { key, now: at(T) });
      assert(!r1.ok && r1.reason === 'mismatch', `lifetime extended in the store: ${JSON.stringify(r1)}`);
      const moved = { ...record, destination: '+33699999999' };
      assert(!verifyOobCode(code, moved, { key, now: at(T) }).ok, 'destination edited in the store');
      const broken: [string, unknown][] = [
        ['hash cut short', { ...record, hash: record.hash.slice(1) }],
        ['non-canonical destination', { ...record, destination: '+33 6 12 34 56 78' }],
        ['negative attempts', { ...record, attempts: -1 }],
        ['not an object', null],
      ];
      for (const [label, bad] of broken) {
        const error = assertThrows(() => verifyOobCode(code, bad as OobCodeRecord, { key, now: at(T) }), MfaError, label);
        assertEqual(error.code, 'INVALID_OOB_RECORD', `${label}: code`);
      }
      assertEqual(assertThrows(() => verifyOobCode(`${code}\u0007`, record, { key }), MfaError, 'control character').code, 'INVALID_CODE', 'control character: code');
      assertEqual(assertThrows(() => issueOobCode(sms, { key: new Uint8Array(8) }), MfaError, 'short key').code, 'INVALID_OPTION', 'short key: code');
      assertEqual(assertThrows(() => issueOobCode({ ...sms, destination: '0612345678' }, { key }), MfaError, 'not E.164').code, 'INVALID_ARGUMENT', 'not E.164: code');
    },
  },
  {
    name: 'send limit: three per hour per destination, with the time the next one is allowed',
    run() {
      const limitKey = oobDestinationKey({ channel: 'email', destination: 'ADA@example.com' }, { key });
      assertEqual(limitKey, oobDestinationKey({ channel: 'email', destination: 'ada@example.com' }, { key }), 'destination key ignores case');
      let state = { sentAt: [] as number[] };
      for (let i = 0; i < 3; i++) {
        const check = checkOobSendLimit(state, { now: at(T + i * 60_000), maxPerHour: 3 });
        assert(check.allowed, `send ${i + 1} allowed`);
        state = check.state;
      }
      const refused = checkOobSendLimit(state, { now: at(T + 10 * 60_000), maxPerHour: 3 });
      assert(!refused.allowed && refused.retryAt === T + 3_600_000, `fourth send: ${JSON.stringify(refused)}`);
      assert(checkOobSendLimit(state, { now: at(T + 3_600_001), maxPerHour: 3 }).allowed, 'allowed again an hour after the first');
    },
  },
];
