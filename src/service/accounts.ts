/**
 * Account lookups shared by the flows.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import type { ServiceContext } from './context.js';
import { BACKUP_CODES_FACTOR_ID, summariseBackupCodes, summariseFactor, type FactorSummary } from './factor-summary.js';
import { assertRecordVersion, MFA_RECORD_VERSION, type MfaAccountRecord, type MfaFactorRecord } from '../store/records.js';

/** The account record, created on first use (starting an enrolment). @internal */
export async function ensureAccount(ctx: ServiceContext, accountId: string): Promise<MfaAccountRecord> {
  const found = await ctx.store.getAccount(accountId);
  if (found !== null) {
    assertRecordVersion(found, 'account');
    return found;
  }
  const now = ctx.now();
  const record: MfaAccountRecord = { v: MFA_RECORD_VERSION, id: accountId, createdAt: now, updatedAt: now, revision: 0, data: {} };
  await ctx.store.createAccount(record);
  const created = await ctx.store.getAccount(accountId);
  if (created === null) throw new MfaError('STORE_ERROR', 'account was not stored');
  return created;
}

/** The account, or `MfaError('ACCOUNT_NOT_FOUND')`. @internal */
export async function requireAccount(ctx: ServiceContext, accountId: unknown): Promise<MfaAccountRecord> {
  assertId(accountId, 'accountId');
  const found = await ctx.store.getAccount(accountId);
  if (found === null) throw new MfaError('ACCOUNT_NOT_FOUND', 'no MFA data for this account', { details: { accountId } });
  assertRecordVersion(found, 'account');
  return found;
}

/** Every factor of the account, schema-checked. @internal */
export async function loadFactors(ctx: ServiceContext, accountId: string): Promise<MfaFactorRecord[]> {
  const factors = await ctx.store.listFactors(accountId);
  for (const f of factors) assertRecordVersion(f, 'factor');
  return factors;
}

/** One factor of the account, or `MfaError('FACTOR_NOT_FOUND')`. @internal */
export async function requireFactor(ctx: ServiceContext, accountId: string, factorId: unknown): Promise<MfaFactorRecord> {
  assertId(factorId, 'factorId');
  const found = await ctx.store.getFactor(accountId, factorId);
  if (found === null) throw new MfaError('FACTOR_NOT_FOUND', 'no such factor on this account', { details: { factorId } });
  assertRecordVersion(found, 'factor');
  return found;
}

/** Summaries of the login factors plus the backup-code set (what the policy hook sees). @internal */
export async function loginFactorSummaries(ctx: ServiceContext, accountId: string, factors?: readonly MfaFactorRecord[]): Promise<FactorSummary[]> {
  const all = factors ?? (await loadFactors(ctx, accountId));
  const summaries = all.filter((f) => f.role === 'login').map(summariseFactor);
  const remaining = await ctx.store.countBackupCodes(accountId);
  if (remaining > 0) summaries.push(summariseBackupCodes(remaining));
  return summaries;
}

export { BACKUP_CODES_FACTOR_ID };
