/**
 * The SQL store on SQLite (better-sqlite3, a temporary file in WAL mode): the whole conformance
 * suite, migrations (three processes migrating one file at once), bad data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../../src/store/records.js';
import { createSqlStore, migrateSqlStore, sqlMigrations, sqlSchema, sqlTableNames, sweepExpiredSql } from '../../src/stores/sql/index.js';
import { uniqueSuffix } from './fixtures/servers.js';

const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'mfakit-sqlite-'));
const file = join(dir, 'mfa.db');

function open(path = file): { db: Kysely<unknown>; sqlite: Database.Database } {
  const sqlite = new Database(path, { timeout: 10_000 });
  sqlite.pragma('journal_mode = WAL');
  return { sqlite, db: new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) }) };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<MfaError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MfaError);
  expect((error as MfaError).code).toBe(code);
  return error as MfaError;
}

function factor(accountId: string, overrides: Partial<MfaFactorRecord> = {}): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: 'totp', role: 'login', name: 'Phone',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: { digits: 6 }, ...overrides,
  };
}

const main = open();
const first = await migrateSqlStore({ db: main.db, dialect: 'sqlite' });
const store = createSqlStore({ db: main.db, dialect: 'sqlite' });

afterAll(async () => {
  await main.db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('stores/sql on SQLite (better-sqlite3, WAL, a temporary file)', () => {
  test('the first migration applied every version', () => {
    expect(first).toEqual({ applied: sqlMigrations.map((m) => m.version), version: sqlSchema.version });
    expect(main.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  describe('conformance suite', () => {
    const cases = storeConformanceCases(() => store);
    test('the suite has cases', () => expect(cases.length).toBeGreaterThan(20));
    for (const c of cases) test(c.name, c.run);
  });

  describe('migrations', () => {
    test('migrate is idempotent', async () => {
      expect(await migrateSqlStore({ db: main.db, dialect: 'sqlite' })).toEqual({ applied: [], version: sqlSchema.version });
    });

    test('three processes migrating one fresh file at once apply each migration once', async () => {
      const prefix = `t${uniqueSuffix()}_`;
      const script = fileURLToPath(new URL('./fixtures/sqlite-migrate.ts', import.meta.url));
      const results = await Promise.all(
        [1, 2, 3].map(() => execFileAsync(process.execPath, ['--import', 'tsx', script, file, prefix]).then(({ stdout }) => JSON.parse(stdout) as { applied: number[] })),
      );
      expect(results.flatMap((r) => r.applied)).toEqual(sqlMigrations.map((m) => m.version));
      const tables = main.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?`).all(`${prefix}%`);
      expect(tables.map((t) => (t as { name: string }).name).sort()).toEqual(sqlTableNames('sqlite', prefix).sort());
    });

    test('a schema migrated by a newer mfakit is refused', async () => {
      const prefix = `t${uniqueSuffix()}_`;
      await migrateSqlStore({ db: main.db, dialect: 'sqlite', tablePrefix: prefix });
      await sql.raw(`INSERT INTO ${prefix}migrations (version, name, applied_at) VALUES (999, 'future', 0)`).execute(main.db);
      await rejectsWith(migrateSqlStore({ db: main.db, dialect: 'sqlite', tablePrefix: prefix }), 'STORE_SCHEMA_VERSION');
    });

    test('bad options are refused', () => {
      expect(() => createSqlStore({ db: main.db, dialect: 'sqlite', tablePrefix: 'x; DROP TABLE y; --' })).toThrow(MfaError);
      expect(() => createSqlStore({ db: main.db, dialect: 'oracle' as never })).toThrow(MfaError);
      expect(() => createSqlStore({ db: main.db, dialect: 'd1' })).toThrow(/env\.DB/);
      expect(() => createSqlStore({ db: {} as never, dialect: 'sqlite' })).toThrow(MfaError);
    });
  });

  describe('bad data in the tables is an MfaError, never a crash or an acceptance', () => {
    test('a truncated JSON column: STORE_CORRUPT; an unknown schema version: STORE_SCHEMA_VERSION', async () => {
      const a = `acct-${uniqueSuffix()}`;
      const f = factor(a);
      expect(await store.insertFactor(f)).toBe(true);
      main.sqlite.prepare(`UPDATE mfakit_factors SET data = '{"digits":6,"sec' WHERE id = ?`).run(f.id);
      await rejectsWith(store.getFactor(a, f.id), 'STORE_CORRUPT');
      main.sqlite.prepare(`UPDATE mfakit_factors SET data = '{}', v = 2 WHERE id = ?`).run(f.id);
      const error = await rejectsWith(store.listFactors(a), 'STORE_SCHEMA_VERSION');
      expect(error.details).toMatchObject({ kind: 'factor', version: 2 });
    });

    test('driver errors: STORE_ERROR with the driver error as cause', async () => {
      const missing = createSqlStore({ db: main.db, dialect: 'sqlite', tablePrefix: `missing_${uniqueSuffix()}_` });
      const error = await rejectsWith(missing.getAccount('a'), 'STORE_ERROR');
      expect((error.cause as Error).message).toMatch(/no such table/);
      await rejectsWith(missing.replaceBackupCodes('a', []), 'STORE_ERROR');
    });

    test('sweepExpiredSql deletes expired challenges, counters and old enrolments, and nothing live', async () => {
      const now = Date.now();
      const a = `acct-${uniqueSuffix()}`;
      const challenge = (expiresAt: number) => ({ v: 1 as const, id: `c-${uniqueSuffix()}`, accountId: a, purpose: 'p', data: {}, createdAt: now, expiresAt, revision: 0 });
      const dead = challenge(now - 1);
      const live = challenge(now + 60_000);
      await store.putChallenge(dead);
      await store.putChallenge(live);
      await store.incrementCounter(`k-${uniqueSuffix()}`, { ttlMs: 1, now: now - 10 });
      const liveCounter = `k-${uniqueSuffix()}`;
      await store.incrementCounter(liveCounter, { ttlMs: 60_000, now });
      const base = { v: MFA_RECORD_VERSION, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: now, replacesFactorId: null, data: {} };
      await store.putEnrolment({ ...base, id: 'old', expiresAt: now - 2 * 86_400_000 });
      await store.putEnrolment({ ...base, id: 'recent', expiresAt: now - 1000 });
      const result = await sweepExpiredSql(store, now);
      expect(result.challenges).toBeGreaterThanOrEqual(1);
      expect(result.counters).toBeGreaterThanOrEqual(1);
      expect(result.enrolments).toBeGreaterThanOrEqual(1);
      expect(await store.getChallenge(live.id, now)).not.toBeNull();
      expect(main.sqlite.prepare('SELECT COUNT(*) AS n FROM mfakit_challenges WHERE id = ?').get(dead.id)).toEqual({ n: 0 });
      expect(await store.getCounter(liveCounter, now)).not.toBeNull();
      expect(await store.getEnrolment(a, 'old')).toBeNull();
      expect(await store.getEnrolment(a, 'recent')).not.toBeNull();
    });

    test('the guard rows of the batches are gone after them', () => {
      expect(main.sqlite.prepare('SELECT COUNT(*) AS n FROM mfakit_guards').get()).toEqual({ n: 0 });
    });
  });
});
