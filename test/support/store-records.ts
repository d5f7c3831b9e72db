/**
 * Records and assertions shared by the store tests (test/stores/postgres.test.ts,
 * test/stores/redis.test.ts): a minimal valid factor and challenge with unique ids, and a check
 * that a promise rejects with `MfaError` of a given code.
 */
import { expect } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord, type MfaFactorRecord } from '../../src/store/records.js';
import { uniqueSuffix } from '../stores/fixtures/servers.js';

/** Awaits `promise`, expects it to reject with `MfaError` of `code`, and returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<MfaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MfaError);
  expect((error as MfaError).code).toBe(code);
  return error as MfaError;
}

/** A TOTP login factor of the account, created now, with a unique id. */
export function factor(accountId: string, overrides: Partial<MfaFactorRecord> = {}): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: 'totp', role: 'login', name: 'Phone',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: { digits: 6 }, ...overrides,
  };
}

/** A challenge without an account, live for a minute, with a unique id. */
export function challenge(overrides: Partial<MfaChallengeRecord> = {}): MfaChallengeRecord {
  const now = Date.now();
  return { v: MFA_RECORD_VERSION, id: `c-${uniqueSuffix()}`, accountId: null, purpose: 'p', data: {}, createdAt: now, expiresAt: now + 60_000, revision: 0, ...overrides };
}
