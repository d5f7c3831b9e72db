/**
 * Backup (look-up) codes: created with the first factor, checked at login when the typed input is
 * shaped like one. They report as one factor, the set (`backup-codes`).
 * @module
 */
import { MIN_BACKUP_CODE_LENGTH } from '../../backup-codes/index.js';
import { backupCodeLookupId, checkBackupCode, tombstoneId, type BackupCodeRead } from '../backup-code-flows.js';
import { summariseBackupCodes } from '../factor-summary.js';
import type { CodeAttempt, FactorKindDefinition, GatheredCodes } from './kind.js';

/** The code's lookup id, or `null` when the input cannot be a backup code (or `verify` names a factor). */
function lookupId(attempt: CodeAttempt): string | null {
  if (attempt.factorId !== undefined) return null;
  // Digits and separators only: fewer than MIN_BACKUP_CODE_LENGTH digits cannot be a backup code
  // (separators are not code characters), so a six-digit TOTP code skips the backup-code parse.
  if (attempt.digits !== null && attempt.digits.length < MIN_BACKUP_CODE_LENGTH) return null;
  return backupCodeLookupId(attempt.code);
}

/** The typed code's record, the account's count and the code's tombstone: read with the charge, or apart (a store without these reads). */
async function backupCodeRead(attempt: CodeAttempt, id: string): Promise<BackupCodeRead> {
  const { ctx, accountId, read } = attempt;
  const tombstone = read.challenge(tombstoneId(accountId, id));
  if (read.backupCode !== undefined && tombstone !== undefined) {
    // A miss (no live code, no tombstone) reads the tombstone again, after: the two reads may have
    // gone to different servers (Redis Cluster, a composed store), and a use that raced this one
    // writes the tombstone before it consumes, so only a read issued after the code read is sure
    // to see it. Every miss pays it, so a used id and an unknown one still cost the same.
    if (read.backupCode.record === null && tombstone === null) {
      return { ...read.backupCode, tombstone: await ctx.store.getChallenge(tombstoneId(accountId, id), ctx.now()) };
    }
    return { ...read.backupCode, tombstone };
  }
  const [record, count, stored] = await Promise.all([
    ctx.store.getBackupCode(accountId, id),
    ctx.store.countBackupCodes(accountId),
    ctx.store.getChallenge(tombstoneId(accountId, id), ctx.now()),
  ]);
  return { record, count, tombstone: stored };
}

async function gather(attempt: CodeAttempt): Promise<GatheredCodes> {
  const { ctx, accountId, code } = attempt;
  if (attempt.factorId !== undefined) return { available: false };
  const id = lookupId(attempt);
  // Counted only when the input can be a backup code, or (lazily) when nothing else could verify it.
  if (id === null) return { available: async () => (await ctx.store.countBackupCodes(accountId)) > 0 };
  const read = await backupCodeRead(attempt, id);
  if (read.count === 0) return { available: false };
  return {
    available: true,
    async check(clear) {
      // The consume also clears the attempt records (the login's second and last round trip).
      const result = await checkBackupCode(ctx, accountId, code, id, read, clear);
      if (!result.ok) return { ok: false, replayed: result.reason === 'replayed' };
      await ctx.emit({ type: 'backup-code-used', accountId, kind: 'backup-codes', details: { remaining: result.remaining } });
      // Backup codes stand beside the login factors (a disable removes both): still enrolled while one is.
      const mintStepUp = await attempt.read.stepUp(async () => (await ctx.store.listFactors(accountId)).some((f) => f.role === 'login'));
      return { ok: true, kind: 'backup-codes', factor: summariseBackupCodes(result.remaining), mintStepUp, backupCodesRemaining: result.remaining };
    },
  };
}

/**
 * The `backup-codes` kind.
 *
 * @example
 * ```ts
 * backupCodesKind.displayName; // 'Backup codes'
 * ```
 */
export const backupCodesKind = {
  kind: 'backup-codes',
  displayName: 'Backup codes',
  codeLogin: {
    shaped: (attempt) => lookupId(attempt) !== null,
    // Read with the charge: the code of the typed id, the account's count and the code's tombstone.
    reads: (attempt) => {
      const id = lookupId(attempt);
      return id === null ? {} : { challenges: [tombstoneId(attempt.accountId, id)], backupCode: id };
    },
    gather,
  },
} satisfies FactorKindDefinition<'backup-codes'>;
