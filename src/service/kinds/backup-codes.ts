/**
 * Backup (look-up) codes: created with the first factor, checked at login when the typed input is
 * shaped like one. They report as one factor, the set (`backup-codes`).
 * @module
 */
import { MIN_BACKUP_CODE_LENGTH } from '../../backup-codes/index.js';
import { backupCodeLookupId, checkBackupCode } from '../backup-code-flows.js';
import { summariseBackupCodes } from '../factor-summary.js';
import { prepareStepUp } from '../step-up.js';
import type { CodeAttempt, FactorKindDefinition, GatheredCodes } from './kind.js';

/** The code's lookup id, or `null` when the input cannot be a backup code (or `verify` names a factor). */
function lookupId(attempt: CodeAttempt): string | null {
  if (attempt.factorId !== undefined) return null;
  // Digits and separators only: fewer than MIN_BACKUP_CODE_LENGTH digits cannot be a backup code
  // (separators are not code characters), so a six-digit TOTP code skips the backup-code parse.
  if (attempt.digits !== null && attempt.digits.length < MIN_BACKUP_CODE_LENGTH) return null;
  return backupCodeLookupId(attempt.code);
}

async function gather(attempt: CodeAttempt): Promise<GatheredCodes> {
  const { ctx, accountId, code } = attempt;
  if (attempt.factorId !== undefined) return { available: false };
  const id = lookupId(attempt);
  // Counted only when the input can be a backup code, or (lazily) when nothing else could verify it.
  if (id === null) return { available: async () => (await ctx.store.countBackupCodes(accountId)) > 0 };
  const count = await ctx.store.countBackupCodes(accountId);
  if (count === 0) return { available: false };
  return {
    available: true,
    async check(clear) {
      const result = await checkBackupCode(ctx, accountId, code, id);
      if (!result.ok) return { ok: false, replayed: result.reason === 'replayed' };
      await ctx.emit({ type: 'backup-code-used', accountId, kind: 'backup-codes', details: { remaining: result.remaining } });
      const [, mintStepUp] = await Promise.all([ctx.store.clearAttempts(accountId, clear), prepareStepUp(ctx, accountId)]);
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
  codeLogin: { shaped: (attempt) => lookupId(attempt) !== null, gather },
} satisfies FactorKindDefinition<'backup-codes'>;
