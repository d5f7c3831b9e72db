/**
 * Faults on PostgreSQL: the backend of a store transaction is terminated (pg_terminate_backend
 * from a second connection, as a failover or an administrator does) while the transaction waits
 * on the account's advisory lock, or between its statements. The process survives, the call fails
 * with MfaError('STORE_ERROR'), nothing is half-written, and a retry converges.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { createPostgresStore, migrate, type PostgresStore } from '../../src/stores/postgres/index.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../../src/store/records.js';
import { dropPostgresTables, PG_URL, postgresReachable, serverGate, uniqueSuffix } from '../stores/fixtures/servers.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';

const run = serverGate('PostgreSQL', PG_URL, await postgresReachable());
const prefix = `f${uniqueSuffix()}_`;
// The store's connections carry this name, so the case terminates only its own backends (the
// server is shared with other test files).
const appName = `mfakit-faults-${uniqueSuffix()}`;

function factor(accountId: string, role: 'login' | 'recovery' = 'login'): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: role === 'login' ? 'totp' : 'ssh-key', role, name: 'x',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: {},
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

describe.runIf(run)('faults: PostgreSQL backend terminated mid-transaction', () => {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, application_name: appName });
  // The app's pool has its error listener, as docs/stores.md asks; the crash happened anyway.
  pool.on('error', () => {});
  const admin = new pg.Client({ connectionString: PG_URL });
  let store: PostgresStore;
  let guard: ProcessGuard;

  beforeAll(async () => {
    await admin.connect();
    await migrate(pool, { tablePrefix: prefix });
    store = createPostgresStore({ pool, tablePrefix: prefix });
  });
  afterEach(() => guard?.stop());
  afterAll(async () => {
    await dropPostgresTables(pool, prefix);
    await pool.end();
    await admin.end();
  });

  /** Waits until one of the store's backends waits on a lock, and terminates it. */
  async function terminateWaitingBackend(): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [appName],
      );
      if (rows.length > 0) {
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        return rows[0]!.pid;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no backend of the store ever waited on a lock');
  }

  test('terminated while waiting on the advisory lock: STORE_ERROR, the process survives, nothing changed, a retry converges', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const login = factor(a);
    const recovery = factor(a, 'recovery');
    await store.insertFactor(login);
    await store.insertFactor(recovery);
    // A second session holds the account's lock, so the store's transaction waits on it.
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${prefix}:${a}`]);
    guard = guardProcess();
    const pending = rejection(store.deleteLoginFactors(a));
    await terminateWaitingBackend();
    const error = await pending;
    await holder.query('ROLLBACK');
    await holder.end();
    // Let the pool's and the client's events run before looking.
    await new Promise((r) => setTimeout(r, 50));
    expect(guard.escaped).toEqual([]);
    expect(error).toBeInstanceOf(MfaError);
    expect((error as MfaError).code).toBe('STORE_ERROR');
    expect((await store.listFactors(a)).map((f) => f.id).sort()).toEqual([login.id, recovery.id].sort());
    expect(await store.deleteLoginFactors(a)).toBe(1);
    expect((await store.listFactors(a)).map((f) => f.id)).toEqual([recovery.id]);
  });

  test('terminated between statements (after the lock, waiting on a row): rolled back whole, a retry converges', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const login = factor(a);
    await store.insertFactor(login);
    await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
    // A second session holds the factor's row: the transaction takes the advisory lock, deletes the
    // codes and enrolments, and waits on the factor row.
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM ${prefix}factors WHERE account_id = $1 FOR UPDATE`, [a]);
    guard = guardProcess();
    const pending = rejection(store.deleteLoginFactors(a));
    await terminateWaitingBackend();
    const error = await pending;
    await holder.query('ROLLBACK');
    await holder.end();
    await new Promise((r) => setTimeout(r, 50));
    expect(guard.escaped).toEqual([]);
    expect((error as MfaError).code).toBe('STORE_ERROR');
    expect(await store.countBackupCodes(a)).toBe(1);
    expect((await store.listFactors(a)).map((f) => f.id)).toEqual([login.id]);
    expect(await store.deleteLoginFactors(a)).toBe(1);
    expect(await store.countBackupCodes(a)).toBe(0);
  });

  test('the pool stays usable: the broken client is discarded, not handed out again', async () => {
    guard = guardProcess();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.countBackupCodes(`acct-${uniqueSuffix()}`)));
    expect(results).toEqual(Array(8).fill(0));
    expect(guard.escaped).toEqual([]);
  });
});
