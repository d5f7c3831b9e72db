/**
 * The PostgreSQL store behind PgBouncer in transaction mode (the setting Supavisor and most
 * managed poolers use): the whole conformance suite, races included, and six instances migrating
 * at once through the pooler. PgBouncer is started here on a free port and stopped afterwards.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { createPostgresStore, migrate, postgresMigrations, type PostgresStore } from '../../src/stores/postgres/index.js';
import { pgbouncerInstalled, startPgBouncer, type RunningPgBouncer } from './fixtures/pgbouncer.js';
import { dropPostgresTables, PG_URL, postgresReachable, serverGate, uniqueSuffix } from './fixtures/servers.js';

const inCi = process.env.CI === 'true';
const installed = pgbouncerInstalled();
if (!installed) {
  console.warn('[mfakit] skipping PgBouncer tests: pgbouncer is not installed (apt-get install pgbouncer; see .ci/run)');
  if (inCi) test('pgbouncer is installed (required under CI=true)', () => expect(installed).toBe(true));
}
const run = installed && serverGate('PostgreSQL', PG_URL, await postgresReachable());

describe.runIf(run)('stores/postgres behind PgBouncer (transaction pooling, 10 server connections)', () => {
  const prefix = `b${uniqueSuffix()}_`;
  const direct = new pg.Pool({ connectionString: PG_URL, max: 2 });
  direct.on('error', () => {});
  let bouncer: RunningPgBouncer;
  let pool: pg.Pool;
  let store: PostgresStore;

  beforeAll(async () => {
    bouncer = await startPgBouncer({ mode: 'transaction', poolSize: 10 });
    pool = new pg.Pool({ connectionString: bouncer.url, max: 40 });
    pool.on('error', () => {});
    await migrate(pool, { tablePrefix: prefix });
    store = createPostgresStore({ pool, tablePrefix: prefix });
  });

  afterAll(async () => {
    await pool?.end().catch(() => {});
    await bouncer?.stop();
    await dropPostgresTables(direct, prefix);
    await direct.end();
  });

  describe('conformance suite through the pooler', () => {
    for (const c of storeConformanceCases(() => store)) test(c.name, c.run);
  });

  test('namedStatements: false sends unnamed statements from the start (the races pass through the pooler)', async () => {
    const unnamed = createPostgresStore({ pool, tablePrefix: prefix, namedStatements: false });
    for (const c of storeConformanceCases(() => unnamed, { only: (name) => name.startsWith('race:') })) await c.run();
  });

  test('migrate waits for another migration at most lockTimeoutMs, then throws STORE_ERROR naming the lock', async () => {
    const fresh = `w${uniqueSuffix()}_`;
    const holder = await direct.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`mfakit-migrate:${fresh}`]);
      const error = await migrate(pool, { tablePrefix: fresh, lockTimeoutMs: 300 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: 'MfaError', code: 'STORE_ERROR' });
      expect(String((error as Error).message)).toMatch(/migration lock.*lockTimeoutMs/);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect((await migrate(pool, { tablePrefix: fresh })).applied).toEqual(postgresMigrations.map((m) => m.version));
    await dropPostgresTables(direct, fresh);
  });

  test('six instances migrating at once through the pooler apply each version exactly once and leave no lock behind', async () => {
    const fresh = `m${uniqueSuffix()}_`;
    const pools = Array.from({ length: 6 }, () => {
      const p = new pg.Pool({ connectionString: bouncer.url, max: 2 });
      p.on('error', () => {});
      return p;
    });
    try {
      const results = await Promise.all(pools.map((p) => migrate(p, { tablePrefix: fresh })));
      const applied = results.flatMap((r) => r.applied).sort((a, b) => a - b);
      expect(applied).toEqual(postgresMigrations.map((m) => m.version));
      for (const r of results) expect(r.version).toBe(postgresMigrations.at(-1)!.version);
      const { rows } = await direct.query<{ version: number }>(`SELECT version FROM ${fresh}migrations ORDER BY version`);
      expect(rows.map((r) => Number(r.version))).toEqual(postgresMigrations.map((m) => m.version));
      // No advisory lock is left held by any server connection, and every pooled connection still serves.
      const locks = await direct.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`);
      expect(locks.rows[0].n).toBe(0);
      const served = await Promise.all(Array.from({ length: 20 }, () => pool.query('SELECT 1 AS one')));
      expect(served.every((r) => r.rows[0].one === 1)).toBe(true);
      // A second round is a no-op everywhere.
      const again = await Promise.all(pools.map((p) => migrate(p, { tablePrefix: fresh })));
      expect(again.every((r) => r.applied.length === 0)).toBe(true);
    } finally {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await dropPostgresTables(direct, fresh);
    }
  });
});
