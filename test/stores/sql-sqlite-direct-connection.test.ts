/**
 * The `sqlite` option of the SQL store must be the very better-sqlite3 connection `db` runs on,
 * and the store never writes inside a transaction it did not open:
 *
 * - another connection (to the same file, or to another file) is refused with
 *   MfaError('INVALID_OPTION') on the first call, and nothing is written through it (on the same
 *   file it would block the event loop for the whole busy timeout whenever the app's transaction
 *   holds the write lock; on another file the store's state would split between two databases);
 * - a transaction opened on the connection outside Kysely's `db.transaction()` (a raw `BEGIN`
 *   through Kysely or better-sqlite3, committed or rolled back later): the store's calls fail with
 *   MfaError('STORE_ERROR') and change nothing, instead of joining it (a code used inside it would
 *   come back when the app rolls back, and be accepted a second time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { cacheSqliteStatements, createSqlStore, migrateSqlStore } from '../../src/stores/sql/index.js';
import { uniqueSuffix } from './fixtures/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'mfakit-sqlite-direct-connection-'));
const file = join(dir, 'mfa.db');
const sqlite = new Database(file, { timeout: 2_000 });
sqlite.pragma('journal_mode = WAL');
const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: cacheSqliteStatements(sqlite) }) });
await migrateSqlStore({ db, dialect: 'sqlite' });
const store = createSqlStore({ db, dialect: 'sqlite', sqlite });
const opened: Database.Database[] = [];

afterAll(async () => {
  for (const other of opened) other.close();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function code(accountId: string, id: string) {
  return { v: 1 as const, accountId, setId: 's', id, hash: '$h', createdAt: 1 };
}

function factor(accountId: string) {
  return { v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: 'totp', role: 'login' as const, name: 'x', createdAt: 1, lastUsedAt: null, lastStep: -1, revision: 0, data: {} };
}

async function rejection(promise: Promise<unknown>): Promise<MfaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MfaError);
  return error as MfaError;
}

describe('stores/sql on SQLite, the sqlite option: the connection', () => {
  test('another connection to the same file is refused with INVALID_OPTION on the first call, and writes nothing', async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [code(a, 'k1')]);
    const other = new Database(file, { timeout: 2_000 });
    opened.push(other);
    const wrong = createSqlStore({ db, dialect: 'sqlite', sqlite: other });
    const error = await rejection(wrong.consumeBackupCode(a, 'k1'));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toMatch(/very better-sqlite3 Database/);
    // It stays refused, reads too; nothing was written: the code is still there.
    expect((await rejection(wrong.countBackupCodes(a))).code).toBe('INVALID_OPTION');
    expect(await store.getBackupCode(a, 'k1')).not.toBeNull();
    expect(await store.consumeBackupCode(a, 'k1')).toBe(true);
  });

  test('a connection to another (migrated) file is refused with INVALID_OPTION, and writes nothing there', async () => {
    const otherFile = join(dir, 'other.db');
    const other = new Database(otherFile);
    opened.push(other);
    const otherDb = new Kysely<unknown>({ dialect: new SqliteDialect({ database: other }) });
    await migrateSqlStore({ db: otherDb, dialect: 'sqlite' });
    const a = `acct-${uniqueSuffix()}`;
    const wrong = createSqlStore({ db, dialect: 'sqlite', sqlite: other });
    expect((await rejection(wrong.replaceBackupCodes(a, [code(a, 'k1')]))).code).toBe('INVALID_OPTION');
    expect(await createSqlStore({ db: otherDb, dialect: 'sqlite', sqlite: other }).countBackupCodes(a)).toBe(0);
    expect(await store.countBackupCodes(a)).toBe(0);
  });

  test('the very connection (given raw while db has the statement cache) is accepted', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const fresh = createSqlStore({ db, dialect: 'sqlite', sqlite });
    await fresh.replaceBackupCodes(a, [code(a, 'k1')]);
    expect(await fresh.consumeBackupCode(a, 'k1')).toBe(true);
    expect(await fresh.consumeBackupCode(a, 'k1')).toBe(false);
  });

  test("the check runs when the store is created: a fresh store's first read inside the app's db.connection() callback runs at once (it does not wait for that connection)", async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [code(a, 'k1')]);
    const fresh = createSqlStore({ db, dialect: 'sqlite', sqlite });
    await sql.raw('SELECT 1').execute(db); // queued behind anything the store sent when created
    const settled = await db.connection().execute(async () => {
      let done = false;
      const counted = fresh.countBackupCodes(a).then((n) => ((done = true), n));
      await new Promise((resolve) => setImmediate(resolve));
      const now = done;
      // (Without the fix it would wait for this callback to end: let it end, then collect.)
      return { now, counted };
    });
    expect(settled.now).toBe(true);
    expect(await settled.counted).toBe(1);
  });

  test("the check opens no transaction: the app's own writes straight on better-sqlite3 while it runs are all kept", async () => {
    sqlite.exec('CREATE TABLE IF NOT EXISTS app_raw_rows (n INTEGER)');
    sqlite.exec('DELETE FROM app_raw_rows');
    const insert = sqlite.prepare('INSERT INTO app_raw_rows (n) VALUES (?)');
    const fresh = createSqlStore({ db, dialect: 'sqlite', sqlite });
    // Other code of the app, running between the check's awaits.
    for (let n = 0; n < 200; n++) {
      await Promise.resolve();
      insert.run(n);
    }
    expect(await fresh.countBackupCodes(`acct-${uniqueSuffix()}`)).toBe(0);
    expect(sqlite.prepare('SELECT COUNT(*) AS n FROM app_raw_rows').get()).toEqual({ n: 200 });
  });

  for (const how of ['kysely', 'better-sqlite3'] as const) {
    test(`a transaction opened outside db.transaction() (raw BEGIN through ${how}): the store's calls fail with STORE_ERROR and do not join it, so a code used in it cannot come back`, async () => {
      const a = `acct-${uniqueSuffix()}`;
      await store.replaceBackupCodes(a, [code(a, 'k1')]);
      const f = factor(a);
      await store.insertFactor(f);
      const begin = () => (how === 'kysely' ? sql.raw('BEGIN').execute(db) : sqlite.exec('BEGIN'));
      const rollback = () => (how === 'kysely' ? sql.raw('ROLLBACK').execute(db) : sqlite.exec('ROLLBACK'));
      await begin();
      try {
        // A single statement and a batch.
        expect((await rejection(store.consumeBackupCode(a, 'k1'))).code).toBe('STORE_ERROR');
        expect((await rejection(store.advanceFactorStep(a, f.id, 7, 1000, { clearAttempts: ['code'] }))).code).toBe('STORE_ERROR');
      } finally {
        await rollback();
      }
      expect(sqlite.inTransaction).toBe(false);
      // Nothing changed; the code is accepted exactly once afterwards.
      expect((await store.getFactor(a, f.id))!.lastStep).toBe(-1);
      expect(await store.consumeBackupCode(a, 'k1')).toBe(true);
      expect(await store.consumeBackupCode(a, 'k1')).toBe(false);
    });
  }

  test('the sqlite option with another dialect is INVALID_OPTION', () => {
    for (const dialect of ['mysql', 'd1'] as const) {
      const d1 = { batch: async () => [], prepare: () => ({}) };
      expect(() => createSqlStore({ db, dialect, sqlite, ...(dialect === 'd1' ? { d1: d1 as never } : {}) })).toThrow(/only with dialect 'sqlite'/);
    }
  });
});
