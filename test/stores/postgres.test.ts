import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPostgresStore, migrate, postgresMigrations, sweepExpired, type PostgresStore } from '../../src/stores/postgres/index.js';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { dropPostgresTables, PG_URL, postgresReachable, serverGate, uniqueSuffix } from './fixtures/servers.js';
import { challenge, factor, rejectsWith } from '../support/store-records.js';

const run = serverGate('PostgreSQL', PG_URL, await postgresReachable());
const prefix = `t${uniqueSuffix()}_`;

describe.runIf(run)('stores/postgres', () => {
  // 50 connections for the conformance races. Connection budget (PostgreSQL's default
  // max_connections is 100, and vitest runs two files at once): this file 50, the composed-store
  // file 10, the multi-process file at most 12.
  const pool = new pg.Pool({ connectionString: PG_URL, max: 50 });
  pool.on('error', () => {});
  let store: PostgresStore;

  beforeAll(async () => {
    const first = await migrate(pool, { tablePrefix: prefix });
    expect(first.applied).toEqual(postgresMigrations.map((m) => m.version));
    store = createPostgresStore({ pool, tablePrefix: prefix });
    // Open all 50 connections up front, so the races below really run on 50 of them.
    const clients = await Promise.all(Array.from({ length: 50 }, () => pool.connect()));
    for (const c of clients) c.release();
  });

  afterAll(async () => {
    await dropPostgresTables(pool, prefix);
    await pool.end();
  });

  describe('conformance suite (one store on a 50-connection pool)', () => {
    for (const c of storeConformanceCases(() => store)) test(c.name, c.run);
    test('the pool held 50 connections', () => expect(pool.totalCount).toBe(50));
  });

  describe('migrations', () => {
    test('migrate is idempotent', async () => {
      const again = await migrate(pool, { tablePrefix: prefix });
      expect(again).toEqual({ applied: [], version: postgresMigrations.at(-1)!.version });
    });

    test('concurrent migrate calls on a fresh prefix apply each migration once', async () => {
      const fresh = `t${uniqueSuffix()}_`;
      try {
        const results = await Promise.all(Array.from({ length: 5 }, () => migrate(pool, { tablePrefix: fresh })));
        expect(results.flatMap((r) => r.applied)).toEqual(postgresMigrations.map((m) => m.version));
        const { rows } = await pool.query(`SELECT version FROM ${fresh}migrations`);
        expect(rows).toHaveLength(postgresMigrations.length);
      } finally {
        await dropPostgresTables(pool, fresh);
      }
    });

    test('a schema migrated by a newer mfakit is refused', async () => {
      const fresh = `t${uniqueSuffix()}_`;
      try {
        await migrate(pool, { tablePrefix: fresh });
        await pool.query(`INSERT INTO ${fresh}migrations (version, name) VALUES (999, 'from the future')`);
        await rejectsWith(migrate(pool, { tablePrefix: fresh }), 'STORE_SCHEMA_VERSION');
      } finally {
        await dropPostgresTables(pool, fresh);
      }
    });

    test('an unsafe table prefix is refused', () => {
      expect(() => createPostgresStore({ pool, tablePrefix: 'x; DROP TABLE y; --' })).toThrow(MfaError);
      expect(() => createPostgresStore({ pool, tablePrefix: 'Upper_' })).toThrow(MfaError);
    });
  });

  describe('bad data in the tables is an MfaError, never a crash or an acceptance', () => {
    test('a truncated JSON column: STORE_CORRUPT on every read of the record', async () => {
      const a = `acct-${uniqueSuffix()}`;
      const f = factor(a);
      await store.insertFactor(f);
      await pool.query(`UPDATE ${prefix}factors SET data = '{"digits":6,"sec' WHERE id = $1`, [f.id]);
      await rejectsWith(store.getFactor(a, f.id), 'STORE_CORRUPT');
      await rejectsWith(store.listFactors(a), 'STORE_CORRUPT');
      await pool.query(`UPDATE ${prefix}factors SET data = '[1,2]' WHERE id = $1`, [f.id]);
      await rejectsWith(store.getFactor(a, f.id), 'STORE_CORRUPT');
    });

    test('an unknown schema version: STORE_SCHEMA_VERSION', async () => {
      const a = `acct-${uniqueSuffix()}`;
      const f = factor(a);
      await store.insertFactor(f);
      await pool.query(`UPDATE ${prefix}factors SET v = 2 WHERE id = $1`, [f.id]);
      const error = await rejectsWith(store.getFactor(a, f.id), 'STORE_SCHEMA_VERSION');
      expect(error.details).toMatchObject({ kind: 'factor', version: 2 });
      await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
      await pool.query(`UPDATE ${prefix}backup_codes SET v = 7 WHERE account_id = $1`, [a]);
      await rejectsWith(store.getBackupCode(a, 'k1'), 'STORE_SCHEMA_VERSION');
    });

    test('a corrupt challenge cannot be consumed as if it were valid', async () => {
      const c = challenge({ purpose: 'webauthn' });
      await store.putChallenge(c);
      await pool.query(`UPDATE ${prefix}challenges SET data = '{"challenge":"abc' WHERE id = $1`, [c.id]);
      await rejectsWith(store.getChallenge(c.id, Date.now()), 'STORE_CORRUPT');
      await rejectsWith(store.consumeChallenge(c.id, { purpose: 'webauthn', now: Date.now() }), 'STORE_CORRUPT');
      expect(await store.consumeChallenge(c.id, { purpose: 'webauthn', now: Date.now() })).toBeNull();
    });

    test('a role or kind that is not one of ours: STORE_CORRUPT', async () => {
      const a = `acct-${uniqueSuffix()}`;
      const f = factor(a);
      await store.insertFactor(f);
      await pool.query(`UPDATE ${prefix}factors SET role = 'admin' WHERE id = $1`, [f.id]);
      await rejectsWith(store.getFactor(a, f.id), 'STORE_CORRUPT');
    });

    test('driver errors: STORE_ERROR with the driver error as cause', async () => {
      const missing = createPostgresStore({ pool, tablePrefix: `missing_${uniqueSuffix()}_` });
      const error = await rejectsWith(missing.getAccount('a'), 'STORE_ERROR');
      expect((error.cause as Error).message).toMatch(/does not exist/);
      const deadPool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
      deadPool.on('error', () => {});
      try {
        const dead = createPostgresStore({ pool: deadPool, tablePrefix: prefix });
        await rejectsWith(dead.consumeBackupCode('a', 'b'), 'STORE_ERROR');
        await rejectsWith(dead.replaceBackupCodes('a', []), 'STORE_ERROR');
      } finally {
        await deadPool.end();
      }
    });
  });

  describe('expiry', () => {
    test('sweepExpired deletes expired challenges, counters and old enrolments, and nothing live', async () => {
      const now = Date.now();
      const a = `acct-${uniqueSuffix()}`;
      const dead = challenge({ expiresAt: now - 1 });
      const live = challenge();
      await store.putChallenge(dead);
      await store.putChallenge(live);
      await store.incrementCounter(`k-${uniqueSuffix()}`, { ttlMs: 1, now: now - 10 });
      const liveCounter = `k-${uniqueSuffix()}`;
      await store.incrementCounter(liveCounter, { ttlMs: 60_000, now });
      const base = { v: MFA_RECORD_VERSION, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: now, replacesFactorId: null, data: {} };
      await store.putEnrolment({ ...base, id: 'old', expiresAt: now - 2 * 86_400_000 });
      await store.putEnrolment({ ...base, id: 'recent', expiresAt: now - 1000 });
      const result = await sweepExpired(store, now, { batchSize: 1 });
      expect(result.challenges).toBeGreaterThanOrEqual(1);
      expect(result.counters).toBeGreaterThanOrEqual(1);
      expect(result.enrolments).toBeGreaterThanOrEqual(1);
      const { rows } = await pool.query(`SELECT id FROM ${prefix}challenges WHERE id = ANY($1)`, [[dead.id, live.id]]);
      expect(rows.map((r) => r.id)).toEqual([live.id]);
      expect(await store.getCounter(liveCounter, now)).not.toBeNull();
      expect(await store.getEnrolment(a, 'old')).toBeNull();
      expect(await store.getEnrolment(a, 'recent')).not.toBeNull(); // still answers "expired"
      expect(await sweepExpired(pool, now, { tablePrefix: prefix })).toMatchObject({ challenges: 0, counters: 0 });
    });
  });
});
