/**
 * Deleting expired rows of the SQL store. Correctness never depends on it (every read checks
 * expiry); it only keeps the tables small. Run it from a timer or a cron job (a Cron Trigger on D1).
 * @module
 */
import { MfaError } from '../../errors.js';
import type { SqlStore } from './sql-store.js';

/**
 * How many expired rows {@link sweepExpiredSql} deleted.
 *
 * @example
 * ```ts
 * const { challenges, enrolments, counters, attempts }: SqlSweepResult = await sweepExpiredSql(store, Date.now());
 * ```
 */
export interface SqlSweepResult {
  readonly challenges: number;
  readonly enrolments: number;
  readonly counters: number;
  readonly attempts: number;
}

/**
 * Deletes challenges, counters and attempt records that expired at or before `now`, and pending
 * enrolments that expired more than `enrolmentGraceMs` (default 24 hours) before it, so the app
 * can still answer "expired" rather than "unknown" for a while. One statement per table.
 *
 * @example
 * ```ts
 * import { sweepExpiredSql } from 'mfakit/stores/sql';
 * setInterval(() => {
 *   sweepExpiredSql(store, Date.now()).catch((error) => console.error('mfakit sweep failed', error));
 * }, 10 * 60_000).unref();
 * ```
 */
export async function sweepExpiredSql(store: SqlStore, now: number, options: { readonly enrolmentGraceMs?: number } = {}): Promise<SqlSweepResult> {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new MfaError('INVALID_ARGUMENT', 'now must be a finite number of milliseconds');
  const grace = options.enrolmentGraceMs ?? 86_400_000;
  if (!(typeof grace === 'number' && grace >= 0 && Number.isFinite(grace))) throw new MfaError('INVALID_OPTION', 'enrolmentGraceMs must be >= 0');
  const p = store.tablePrefix;
  const sweep = async (table: string, cutoff: number): Promise<number> => {
    try {
      return (await store.dialect.run({ sql: `DELETE FROM ${p}${table} WHERE expires_at <= ?`, parameters: [Math.floor(cutoff)] })).changes;
    } catch (error) {
      throw new MfaError('STORE_ERROR', `SQL store: sweeping ${table} failed`, { cause: error });
    }
  };
  return {
    challenges: await sweep('challenges', now),
    enrolments: await sweep('enrolments', now - grace),
    counters: await sweep('counters', now),
    attempts: await sweep('attempts', now),
  };
}
