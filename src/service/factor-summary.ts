/**
 * What the app sees of a factor: never a secret, never a hash.
 * @module
 */
import type { MfaFactorKind, MfaFactorRecord, MfaFactorRole } from '../store/records.js';

/**
 * A factor as the service reports it (list, verify results, policy hook). Backup codes appear as
 * one summary with id `backup-codes` and `remaining`.
 *
 * @example
 * ```ts
 * const summary: FactorSummary = { id: 'f_…', kind: 'totp', role: 'login', name: 'Phone', createdAt: 1767225600000 };
 * ```
 */
export interface FactorSummary {
  readonly id: string;
  readonly kind: MfaFactorKind;
  readonly role: MfaFactorRole;
  readonly name: string;
  /** When it was enrolled (absent for backup codes, whose set is not dated). */
  readonly createdAt?: number;
  /** When it last verified, if ever. */
  readonly lastUsedAt?: number;
  /** Backup codes only: how many unused codes are left. */
  readonly remaining?: number;
  /** Email/SMS only: the masked destination. */
  readonly destinationHint?: string;
  /**
   * WebAuthn only: the authenticator model (e.g. "YubiKey 5 NFC") from the FIDO metadata the
   * service had when the factor was registered (`webauthn.metadata`).
   */
  readonly authenticatorName?: string;
}

/**
 * The id under which backup codes appear in factor lists.
 *
 * @example
 * ```ts
 * const codes = (await service.listFactors(accountId)).find((f) => f.id === BACKUP_CODES_FACTOR_ID);
 * ```
 */
export const BACKUP_CODES_FACTOR_ID = 'backup-codes';

/** Summary of a stored factor. @internal */
export function summariseFactor(record: MfaFactorRecord): FactorSummary {
  return summaryOf(record, record.lastUsedAt);
}

/** Summary of a factor that has just verified at `usedAt` (its record may predate the use). @internal */
export function summariseUsedFactor(record: MfaFactorRecord, usedAt: number): FactorSummary {
  return summaryOf(record, usedAt);
}

function summaryOf(record: MfaFactorRecord, lastUsedAt: number | null): FactorSummary {
  // Optional keys are added only when set (absent, not `undefined`), without spreads: every
  // successful login builds one.
  const summary: { -readonly [K in keyof FactorSummary]: FactorSummary[K] } = {
    id: record.id,
    kind: record.kind,
    role: record.role,
    name: record.name,
    createdAt: record.createdAt,
  };
  if (lastUsedAt !== null) summary.lastUsedAt = lastUsedAt;
  const hint = record.data['destinationHint'];
  if (typeof hint === 'string') summary.destinationHint = hint;
  const model = record.data['authenticatorName'];
  if (typeof model === 'string') summary.authenticatorName = model;
  return summary;
}

/** Summary of the backup-code set. @internal */
export function summariseBackupCodes(remaining: number): FactorSummary {
  return { id: BACKUP_CODES_FACTOR_ID, kind: 'backup-codes', role: 'login', name: 'Backup codes', remaining };
}
