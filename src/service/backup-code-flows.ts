/**
 * Backup codes at the service level: regenerate (the old set dies atomically) and check one at
 * login (one KDF run, consumed once).
 *
 * A used code leaves a tombstone: a challenge record (purpose {@link USED_BACKUP_CODE_PURPOSE})
 * holding the code's salted hash, so typing it again is told apart from a wrong code (`replayed`,
 * event `replay-refused`) by whoever holds the right code, and nobody else. Tombstones die with
 * their set (deleted just before it: regenerate, disable, account recovery). It is written before
 * the code is consumed, so every loser of a race for one code reads `replayed`. Without one (its
 * write failed) a reused code reads as a wrong code: never as a right one.
 * @module
 */
import { backupCodeId, verifyBackupCode } from '../backup-codes/index.js';
import { MfaError, isMfaError } from '../errors.js';
import { loadFactors, requireAccount } from './accounts.js';
import { newBackupCodeSet } from './activation.js';
import type { ServiceContext } from './context.js';
import { requireStepUp } from './step-up.js';
import { assertRecordVersion, MFA_RECORD_VERSION, type MfaBackupCodeRecord, type MfaChallengeRecord } from '../store/records.js';

/**
 * Options of `regenerateBackupCodes`.
 *
 * @example
 * ```ts
 * const { backupCodes } = await service.regenerateBackupCodes(userId, { stepUpToken: session.mfaStepUp });
 * ```
 */
export interface RegenerateBackupCodesOptions {
  readonly stepUpToken: string;
}

/** Challenge purpose of used-backup-code tombstones. @internal */
export const USED_BACKUP_CODE_PURPOSE = 'backup-code-used';
/** How long a tombstone is kept: longer than most sets live; an older reuse reads as wrong. */
const TOMBSTONE_TTL_MS = 400 * 86_400_000;

/** The id of the tombstone of the account's used code `codeId` (read at login beside the charge). @internal */
export function tombstoneId(accountId: string, codeId: string): string {
  return `${USED_BACKUP_CODE_PURPOSE}:${accountId}:${codeId}`;
}

/** The used code `codeId` of the account, from its tombstone, or `undefined`. */
function usedBackupCode(tombstone: MfaChallengeRecord | null, accountId: string, codeId: string): { id: string; hash: string; usedAt: number } | undefined {
  if (tombstone === null || tombstone.purpose !== USED_BACKUP_CODE_PURPOSE || tombstone.accountId !== accountId) return undefined;
  const hash = tombstone.data['hash'];
  return typeof hash === 'string' ? { id: codeId, hash, usedAt: tombstone.createdAt } : undefined;
}

function tombstoneOf(record: MfaBackupCodeRecord, now: number): MfaChallengeRecord {
  return {
    v: MFA_RECORD_VERSION,
    id: tombstoneId(record.accountId, record.id),
    accountId: record.accountId,
    purpose: USED_BACKUP_CODE_PURPOSE,
    data: { hash: record.hash },
    createdAt: now,
    expiresAt: now + TOMBSTONE_TTL_MS,
    revision: 0,
  };
}

/** Deletes the tombstones of the account's used codes (their set is gone). @internal */
export async function forgetUsedBackupCodes(ctx: ServiceContext, accountId: string): Promise<void> {
  await ctx.store.deleteChallenges(accountId, USED_BACKUP_CODE_PURPOSE);
}

/** The lookup id of a typed backup code, or `null` when it cannot be one. @internal */
export function backupCodeLookupId(input: string): string | null {
  try {
    return backupCodeId(input);
  } catch (error) {
    if (isMfaError(error, 'INVALID_CODE')) return null;
    throw error;
  }
}

/**
 * Result of `regenerateBackupCodes`: the new codes, to show once. Named as `confirmEnrolment` and
 * `finishWebAuthnRegistration` name the first set (`backupCodes`).
 *
 * @example
 * ```ts
 * const { backupCodes }: RegeneratedBackupCodes = await service.regenerateBackupCodes(userId, { stepUpToken });
 * ```
 */
export interface RegeneratedBackupCodes {
  readonly backupCodes: readonly string[];
}

/** Replaces the account's backup codes; returns the new codes (show once). @internal */
export async function regenerateBackupCodes(
  ctx: ServiceContext,
  accountId: string,
  options: RegenerateBackupCodesOptions,
): Promise<RegeneratedBackupCodes> {
  await requireAccount(ctx, accountId);
  await requireStepUp(ctx, accountId, options?.stepUpToken, 'regenerate-backup-codes');
  const factors = await loadFactors(ctx, accountId);
  if (!factors.some((f) => f.role === 'login')) {
    throw new MfaError('FACTOR_NOT_FOUND', 'backup codes need MFA to be enabled (an active login factor)');
  }
  const set = await newBackupCodeSet(ctx, accountId);
  // Tombstones first: should the store fail after this, the old set still works (its used codes
  // then read as wrong), and the new set is never stored without being shown.
  await forgetUsedBackupCodes(ctx, accountId);
  await ctx.store.replaceBackupCodes(accountId, set.records);
  await ctx.emit({ type: 'backup-codes-regenerated', accountId, details: { count: set.codes.length } });
  return { backupCodes: set.codes };
}

/** Outcome of checking a backup code at login. @internal */
export type BackupCodeCheck = { ok: true; remaining: number } | { ok: false; reason: 'mismatch' | 'replayed' };

/**
 * What a login read about a typed backup code beside its charge (one round trip): the live code of
 * its id (or `null`), the account's count of unused codes, and the code's tombstone (or `null`). @internal
 */
export interface BackupCodeRead {
  readonly record: MfaBackupCodeRecord | null;
  readonly count: number;
  readonly tombstone: MfaChallengeRecord | null;
}

/**
 * Checks one backup code against what the login read, and consumes it: the consume also clears
 * the attempt records `clearAttempts` and stores the tombstone (one round trip). The throttle was
 * charged by the caller. @internal
 */
export async function checkBackupCode(
  ctx: ServiceContext,
  accountId: string,
  input: string,
  id: string,
  read: BackupCodeRead,
  clearAttempts: readonly string[],
): Promise<BackupCodeCheck> {
  const { record } = read;
  if (record !== null) assertRecordVersion(record, 'backup-code');
  // No live code with this id: perhaps a used one. Read for every miss (with the charge), so a
  // used id and an unknown one cost the same.
  const stored = record !== null ? { id: record.id, hash: record.hash } : usedBackupCode(read.tombstone, accountId, id);
  const { pepper, kdf } = ctx.backupCodes;
  // Runs the KDF even for an unknown id, so a miss takes as long as a wrong code.
  const result = await verifyBackupCode(input, stored, {
    ...(pepper === undefined ? {} : { pepper }),
    ...(kdf === undefined ? {} : { kdf }),
  });
  if (!result.ok) return { ok: false, reason: result.reason === 'replayed' ? 'replayed' : 'mismatch' };
  if (record === null) return { ok: false, reason: 'replayed' };
  // The code is right. Only the one request whose consume succeeds may log in; that consume also
  // stores the tombstone (so a later or losing use reads `replayed`, never `mismatch`) and clears
  // the attempt records, in the same step where the store keeps them together.
  if (!(await ctx.store.consumeBackupCode(accountId, record.id, { clearAttempts, tombstone: tombstoneOf(record, ctx.now()) }))) {
    return { ok: false, reason: 'replayed' };
  }
  // The count read with the charge, less this code (concurrent uses of other codes may make it high by a few).
  return { ok: true, remaining: Math.max(0, read.count - 1) };
}
