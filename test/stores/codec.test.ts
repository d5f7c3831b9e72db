/**
 * The stored-record decoders of src/store/codec.ts, shared by the PostgreSQL and Redis stores (and
 * any SQL store): each field decoded to its contract type or `STORE_CORRUPT` naming the kind and the
 * field, the schema version checked first, records assembled in the contract's key order.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeAccount,
  decodeBackupCode,
  decodeChallenge,
  decodeEnrolment,
  decodeFactor,
  storedInteger,
  storedIntegerOrNull,
  storedJsonObject,
  storedRole,
  storedString,
  storedStringOrNull,
  storedVersion,
} from '../../src/store/codec.js';
import { isMfaError, type MfaError } from '../../src/errors.js';

function thrown(run: () => unknown): MfaError {
  try {
    run();
  } catch (error) {
    if (isMfaError(error)) return error;
    throw error;
  }
  throw new Error('expected an MfaError');
}

/** Raw fields as a database hands them back (integers as text or bigint, JSON as text). */
const CASES = [
  {
    kind: 'account',
    decode: (f: Record<string, unknown>) => decodeAccount(f as never),
    raw: { v: '1', id: 'a', createdAt: 10n, updatedAt: '11', revision: 2, data: '{"x":1}' },
    record: { v: 1, id: 'a', createdAt: 10, updatedAt: 11, revision: 2, data: { x: 1 } },
  },
  {
    kind: 'factor',
    decode: (f: Record<string, unknown>) => decodeFactor(f as never),
    raw: { data: '{}', revision: '0', lastStep: '-1', lastUsedAt: null, createdAt: '5', name: '', role: 'login', kind: 'totp', accountId: 'a', id: 'f', v: 1 },
    record: { v: 1, id: 'f', accountId: 'a', kind: 'totp', role: 'login', name: '', createdAt: 5, lastUsedAt: null, lastStep: -1, revision: 0, data: {} },
  },
  {
    kind: 'enrolment',
    decode: (f: Record<string, unknown>) => decodeEnrolment(f as never),
    raw: { v: 1, id: 'e', accountId: 'a', kind: 'webauthn', role: 'recovery', name: 'Key', createdAt: 1, expiresAt: '2', replacesFactorId: undefined, data: '{"c":"x"}' },
    record: { v: 1, id: 'e', accountId: 'a', kind: 'webauthn', role: 'recovery', name: 'Key', createdAt: 1, expiresAt: 2, replacesFactorId: null, data: { c: 'x' } },
  },
  {
    kind: 'backup-code',
    decode: (f: Record<string, unknown>) => decodeBackupCode(f as never),
    raw: { createdAt: '3', hash: '$h', id: 'k', setId: 's', accountId: 'a', v: '1' },
    record: { v: 1, accountId: 'a', setId: 's', id: 'k', hash: '$h', createdAt: 3 },
  },
  {
    kind: 'challenge',
    decode: (f: Record<string, unknown>) => decodeChallenge(f as never),
    raw: { v: 1, id: 'c', accountId: null, purpose: 'p', data: '{}', createdAt: 1, expiresAt: 2, revision: '7' },
    record: { v: 1, id: 'c', accountId: null, purpose: 'p', data: {}, createdAt: 1, expiresAt: 2, revision: 7 },
  },
] as const;

/** What each field's decoder says of a value of the wrong type (an object). */
const PROBLEM: Record<string, string> = {
  v: 'is not a safe integer',
  id: 'is not a string',
  accountId: 'is not a string',
  setId: 'is not a string',
  kind: 'is not a string',
  name: 'is not a string',
  hash: 'is not a string',
  purpose: 'is not a string',
  replacesFactorId: 'is not a string',
  role: 'is neither login nor recovery',
  createdAt: 'is not a safe integer',
  updatedAt: 'is not a safe integer',
  expiresAt: 'is not a safe integer',
  revision: 'is not a safe integer',
  lastStep: 'is not a safe integer',
  lastUsedAt: 'is not a safe integer',
  data: 'is missing',
};

describe('store codec: decoding stored records', () => {
  for (const { kind, decode, raw, record } of CASES) {
    describe(kind, () => {
      it('decodes raw stored values into the record, keys in the contract order', () => {
        const decoded = decode({ ...raw });
        expect(decoded).toEqual(record);
        expect(JSON.stringify(decoded)).toBe(JSON.stringify(record));
      });

      for (const field of Object.keys(record)) {
        it(`a ${field} of the wrong type is STORE_CORRUPT naming ${kind}.${field}`, () => {
          const error = thrown(() => decode({ ...raw, [field]: {} }));
          expect(error.code).toBe('STORE_CORRUPT');
          expect(error.message).toBe(`stored ${kind}: ${field} ${PROBLEM[field]}`);
          expect(error.details).toEqual({ kind, field: field === 'v' ? 'v' : field });
        });
      }

      it('checks the schema version before any other field', () => {
        const allBad = Object.fromEntries(Object.keys(record).map((field) => [field, {}]));
        expect(thrown(() => decode({ ...allBad, v: 2 })).code).toBe('STORE_SCHEMA_VERSION');
        expect(thrown(() => decode({ ...allBad, v: 2 })).details).toEqual({ kind, version: 2 });
        expect(thrown(() => decode(allBad)).details).toEqual({ kind, field: 'v' });
      });

      it('reports the first bad field in the contract order', () => {
        const fields = Object.keys(record).filter((field) => field !== 'v');
        const error = thrown(() => decode({ ...raw, ...Object.fromEntries(fields.map((field) => [field, {}])) }));
        expect(error.details).toEqual({ kind, field: fields[0] });
      });
    });
  }

  it('an empty name is allowed, an empty id is not', () => {
    expect(thrown(() => decodeFactor({ ...CASES[1].raw, id: '' })).message).toBe('stored factor: id is not a string');
    expect(thrown(() => decodeEnrolment({ ...CASES[2].raw, accountId: '' })).message).toBe('stored enrolment: accountId is not a string');
    expect(decodeEnrolment({ ...CASES[2].raw, name: '' }).name).toBe('');
  });

  it('nullable fields: null and undefined are null, a value is checked', () => {
    expect(decodeFactor({ ...CASES[1].raw, lastUsedAt: undefined }).lastUsedAt).toBeNull();
    expect(decodeFactor({ ...CASES[1].raw, lastUsedAt: '99' }).lastUsedAt).toBe(99);
    expect(decodeEnrolment({ ...CASES[2].raw, replacesFactorId: 'old' }).replacesFactorId).toBe('old');
    expect(thrown(() => decodeEnrolment({ ...CASES[2].raw, replacesFactorId: '' })).details).toEqual({ kind: 'enrolment', field: 'replacesFactorId' });
    expect(decodeChallenge({ ...CASES[4].raw, accountId: 'a' }).accountId).toBe('a');
    expect(thrown(() => decodeChallenge({ ...CASES[4].raw, accountId: 5 })).details).toEqual({ kind: 'challenge', field: 'accountId' });
  });

  it('JSON fields: invalid JSON (with its cause) and JSON that is not an object are STORE_CORRUPT', () => {
    const truncated = thrown(() => decodeAccount({ ...CASES[0].raw, data: '{"x":' }));
    expect(truncated.message).toBe('stored account: data is not valid JSON');
    expect(truncated.cause).toBeInstanceOf(SyntaxError);
    for (const data of ['[1]', 'null', '3', '"s"']) {
      expect(thrown(() => decodeAccount({ ...CASES[0].raw, data })).message).toBe('stored account: data is not a JSON object');
    }
  });

  it('the field helpers', () => {
    expect(storedInteger('-12', 'counter', 'count')).toBe(-12);
    expect(storedInteger(12n, 'counter', 'count')).toBe(12);
    for (const bad of ['1.5', '', '12345678901234567', 2 ** 53, Number.NaN, 1.5, null, true]) {
      expect(thrown(() => storedInteger(bad, 'counter', 'count')).message).toBe('stored counter: count is not a safe integer');
    }
    expect(storedIntegerOrNull(null, 'counter', 'previousAt')).toBeNull();
    expect(storedString('', 'factor', 'name', { allowEmpty: true })).toBe('');
    expect(thrown(() => storedString('', 'factor', 'name')).code).toBe('STORE_CORRUPT');
    expect(storedStringOrNull(undefined, 'challenge', 'accountId')).toBeNull();
    expect(storedJsonObject('{"a":[1]}', 'challenge', 'data')).toEqual({ a: [1] });
    expect(storedVersion('1', 'factor')).toBe(1);
    expect(thrown(() => storedVersion('2', 'factor')).code).toBe('STORE_SCHEMA_VERSION');
    expect(storedRole('recovery', 'factor')).toBe('recovery');
    expect(thrown(() => storedRole('admin', 'enrolment')).message).toBe('stored enrolment: role is neither login nor recovery');
  });
});
