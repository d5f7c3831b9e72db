/**
 * Backup codes at the service level: regenerate (the old set dies atomically) and check one at
 * login (one KDF run, consumed once).
 * @module
 */
import { backupCodeId, verifyBackupCode } from '../backup-codes/index.js';
import { MfaError, isMfaError } from '../errors.js';
import { loadFactors, requireAccount } from './accounts.js';
import { newBackupCodeSet } from './activation.js';
import type { ServiceContext } from './context.js';
import { requireStepUp } from './step-up.js';
import { assertRecordVersion } from './store-records.js';

/**
 * Options of `regenerateBackupCodes`.
 *
 * @example
 * ```ts
 * const { codes } = await service.regenerateBackupCodes(userId, { stepUpToken: session.mfaStepUp });
 * ```
 */
export interface RegenerateBackupCodesOptions {
  readonly stepUpToken: string;
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

/** Replaces the account's backup codes; returns the new codes (show once). @internal */
export async function regenerateBackupCodes(
  ctx: ServiceContext,
  accountId: string,
  options: RegenerateBackupCodesOptions,
): Promise<{ codes: readonly string[] }> {
  await requireAccount(ctx, accountId);
  await requireStepUp(ctx, accountId, options?.stepUpToken, 'regenerate-backup-codes');
  const factors = await loadFactors(ctx, accountId);
  if (!factors.some((f) => f.role === 'login')) {
    throw new MfaError('FACTOR_NOT_FOUND', 'backup codes need MFA to be enabled (an active login factor)');
  }
  const set = await newBackupCodeSet(ctx, accountId);
  await ctx.store.replaceBackupCodes(accountId, set.records);
  await ctx.emit({ type: 'backup-codes-regenerated', accountId, details: { count: set.codes.length } });
  return { codes: set.codes };
}

/** Outcome of checking a backup code at login. @internal */
export type BackupCodeCheck = { ok: true; remaining: number } | { ok: false; reason: 'mismatch' | 'replayed' };

/** Checks and consumes one backup code. The throttle was charged by the caller. @internal */
export async function checkBackupCode(ctx: ServiceContext, accountId: string, input: string, id: string): Promise<BackupCodeCheck> {
  const record = await ctx.store.getBackupCode(accountId, id);
  if (record !== null) assertRecordVersion(record, 'backup-code');
  const { pepper, kdf } = ctx.backupCodes;
  // Runs the KDF even for an unknown id, so a miss takes as long as a wrong code.
  const result = await verifyBackupCode(input, record === null ? undefined : { id: record.id, hash: record.hash }, {
    ...(pepper === undefined ? {} : { pepper }),
    ...(kdf === undefined ? {} : { kdf }),
  });
  if (!result.ok) return { ok: false, reason: result.reason === 'used' ? 'replayed' : 'mismatch' };
  // The code is right; only the one request whose consume succeeds may log in.
  if (!(await ctx.store.consumeBackupCode(accountId, id))) return { ok: false, reason: 'replayed' };
  return { ok: true, remaining: await ctx.store.countBackupCodes(accountId) };
}
