/**
 * Deleting expired rows. Correctness never depends on it (every read checks expiry); it only keeps
 * the tables small. Run it from a timer or a cron job.
 * @module
 */
import type { Pool } from 'pg';
import { MfaError } from '../../errors.js';
import { run } from './db.js';
import { PostgresStore } from './postgres-store.js';
import { checkTablePrefix } from './prefix.js';
import { countFrom } from './rows.js';
import type { PostgresStatement } from './statements.js';

/**
 * Options of {@link sweepExpired}.
 *
 * @example
 * ```ts
 * const options: SweepOptions = { batchSize: 5000, enrolmentGraceMs: 3_600_000 };
 * ```
 */
export interface SweepOptions {
  /** The table prefix when `target` is a pool (a store knows its own). Default `mfakit_`. */
  readonly tablePrefix?: string;
  /** Rows deleted per statement, so a large backlog never holds long locks. Default 10 000. */
  readonly batchSize?: number;
  /**
   * How long an expired pending enrolment is kept, so the app can still answer "expired" rather
   * than "unknown". Default 24 hours.
   */
  readonly enrolmentGraceMs?: number;
}

/**
 * How many expired rows {@link sweepExpired} deleted.
 *
 * @example
 * ```ts
 * const { challenges, enrolments, counters }: SweepResult = await sweepExpired(store, Date.now());
 * ```
 */
export interface SweepResult {
  readonly challenges: number;
  readonly enrolments: number;
  readonly counters: number;
  /** Attempt records forgotten (`expires_at` passed). */
  readonly attempts: number;
}

/**
 * Deletes challenges, counters and attempt records that expired at or before `now`, and pending enrolments that
 * expired more than `enrolmentGraceMs` before it, in batches.
 *
 * @example
 * ```ts
 * import { sweepExpired } from 'mfakit/stores/postgres';
 * setInterval(() => {
 *   sweepExpired(store, Date.now()).catch((error) => console.error('mfakit sweep failed', error));
 * }, 10 * 60_000).unref();
 * ```
 */
export async function sweepExpired(target: PostgresStore | Pool, now: number, options: SweepOptions = {}): Promise<SweepResult> {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new MfaError('INVALID_ARGUMENT', 'now must be a finite number of milliseconds');
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new MfaError('INVALID_OPTION', 'batchSize must be a positive integer');
  const grace = options.enrolmentGraceMs ?? 86_400_000;
  if (!(typeof grace === 'number' && grace >= 0 && Number.isFinite(grace))) throw new MfaError('INVALID_OPTION', 'enrolmentGraceMs must be >= 0');
  // A store (also one from another copy of mfakit, so not `instanceof`) knows its pool and prefix.
  const store = target instanceof PostgresStore || ('pool' in target && 'tablePrefix' in target) ? (target as PostgresStore) : undefined;
  const pool: Pool = store === undefined ? (target as Pool) : store.pool;
  const p = store === undefined ? checkTablePrefix(options.tablePrefix) : checkTablePrefix(store.tablePrefix);
  const sweep = async (table: string, cutoff: number): Promise<number> => {
    // Unnamed: the sweep runs rarely, and an unnamed statement passes through any pooler.
    const statement: PostgresStatement = {
      text: `WITH d AS (DELETE FROM ${p}${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${p}${table} WHERE expires_at <= $1 LIMIT $2)) RETURNING 1) SELECT count(*) AS n FROM d`,
    };
    let total = 0;
    for (;;) {
      const deleted = countFrom(await run(pool, statement, [Math.floor(cutoff), batchSize]), 'n');
      total += deleted;
      if (deleted < batchSize) return total;
    }
  };
  return {
    challenges: await sweep('challenges', now),
    enrolments: await sweep('enrolments', now - grace),
    counters: await sweep('counters', now),
    attempts: await sweep('attempts', now),
  };
}
