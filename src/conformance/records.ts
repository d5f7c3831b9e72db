/**
 * Record builders for the conformance cases.
 * @module
 */
import {
  MFA_RECORD_VERSION,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from '../store/records.js';
import { uniqueId } from './check.js';

/** Builders of valid records around `T0` (the suite clock when a case starts). */
export function recordBuilders(T0: number) {

  function account(id: string, overrides: Partial<MfaAccountRecord> = {}): MfaAccountRecord {
    return { v: MFA_RECORD_VERSION, id, createdAt: T0, updatedAt: T0, revision: 0, data: {}, ...overrides };
  }

  function factor(accountId: string, overrides: Partial<MfaFactorRecord> = {}): MfaFactorRecord {
    return {
      v: MFA_RECORD_VERSION,
      id: uniqueId('factor'),
      accountId,
      kind: 'totp',
      role: 'login',
      name: 'Phone',
      createdAt: T0,
      lastUsedAt: null,
      lastStep: -1,
      revision: 0,
      data: { secret: { kid: 'k1', iv: 'AAAA', ct: 'BBBB' }, digits: 6, nested: { list: [1, 'two', null, true] } },
      ...overrides,
    };
  }

  function enrolment(accountId: string, overrides: Partial<MfaEnrolmentRecord> = {}): MfaEnrolmentRecord {
    return {
      v: MFA_RECORD_VERSION,
      id: uniqueId('factor'),
      accountId,
      kind: 'totp',
      role: 'login',
      name: 'Phone',
      createdAt: T0,
      expiresAt: T0 + 600_000,
      replacesFactorId: null,
      data: { secret: { kid: 'k1', iv: 'AAAA', ct: 'BBBB' } },
      ...overrides,
    };
  }

  /** The factor an enrolment becomes. */
  function factorFrom(pending: MfaEnrolmentRecord): MfaFactorRecord {
    return factor(pending.accountId, { id: pending.id, kind: pending.kind, role: pending.role, name: pending.name, data: pending.data });
  }

  function backupCodes(accountId: string, count: number): MfaBackupCodeRecord[] {
    const setId = uniqueId('set');
    return Array.from({ length: count }, (_, i) => ({
      v: MFA_RECORD_VERSION,
      accountId,
      setId,
      id: `${setId}-c${i}`,
      hash: `$test$${i}`,
      createdAt: T0,
    }));
  }

  function challenge(accountId: string | null, overrides: Partial<MfaChallengeRecord> = {}): MfaChallengeRecord {
    return {
      v: MFA_RECORD_VERSION,
      id: uniqueId('challenge'),
      accountId,
      purpose: 'conformance',
      data: { nonce: 'bm9uY2U', attempts: 0 },
      createdAt: T0,
      expiresAt: T0 + 300_000,
      revision: 0,
      ...overrides,
    };
  }
  return { account, factor, enrolment, factorFrom, backupCodes, challenge };
}
