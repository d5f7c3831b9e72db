/**
 * cacheSqliteStatements: the SQL store over Kysely with better-sqlite3 whose statements are
 * prepared once per text. The whole conformance suite on it; one prepare per text; the least
 * recently used statement is forgotten past `size`; a stream gets a statement of its own; a
 * statement cached before a migration still runs after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { cacheSqliteStatements, createSqlStore, migrateSqlStore, type SqliteDatabaseLike } from '../../src/stores/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mfakit-sqlite-cache-'));

/** The database with every `prepare` counted, per text. */
function counted(sqlite: Database.Database): { database: SqliteDatabaseLike; prepares: Map<string, number> } {
  const prepares = new Map<string, number>();
  const database: SqliteDatabaseLike = {
    prepare: (text) => {
      prepares.set(text, (prepares.get(text) ?? 0) + 1);
      return sqlite.prepare(text);
    },
    close: () => sqlite.close(),
  };
  return { database, prepares };
}

const sqlite = new Database(join(dir, 'mfa.db'), { timeout: 10_000 });
sqlite.pragma('journal_mode = WAL');
const { database, prepares } = counted(sqlite);
const cached = cacheSqliteStatements(database);
const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: cached }) });
await migrateSqlStore({ db, dialect: 'sqlite' });
const store = createSqlStore({ db, dialect: 'sqlite' });

afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('stores/sql on SQLite with cacheSqliteStatements', () => {
  describe('conformance suite', () => {
    const cases = storeConformanceCases(() => store);
    for (const c of cases) test(c.name, c.run);
  });

  test('each text is prepared once while it stays in the cache', async () => {
    const tablePrefix = 'cache_once_';
    await migrateSqlStore({ db, dialect: 'sqlite', tablePrefix });
    const fresh = createSqlStore({ db, dialect: 'sqlite', tablePrefix });
    prepares.clear();
    for (let i = 0; i < 20; i++) await fresh.countBackupCodes(`acct-${i}`);
    expect([...prepares]).toEqual([[`SELECT COUNT(*) AS n FROM ${tablePrefix}backup_codes WHERE account_id = ?`, 1]]);
  });

  test('past `size` the least recently used statement is forgotten, and prepared again when asked', () => {
    const small = counted(new Database(':memory:'));
    const cache = cacheSqliteStatements(small.database, { size: 2 });
    const one = (n: number) => cache.prepare(`SELECT ${n} AS n`).all([]);
    one(1);
    one(2);
    one(1); // 1 is now the most recently used: 2 goes first
    one(3);
    expect(cache.cachedStatements).toBe(2);
    one(1);
    one(2);
    expect(Object.fromEntries(small.prepares)).toEqual({ 'SELECT 1 AS n': 1, 'SELECT 2 AS n': 2, 'SELECT 3 AS n': 1 });
    cache.close();
    // A better-sqlite3 Database as it is (no adapter needed).
    const direct = cacheSqliteStatements(new Database(':memory:'));
    expect(direct.prepare('SELECT ? AS one').all([1])).toEqual([{ one: 1 }]);
    direct.close();
  });

  test('bad input is MfaError(INVALID_OPTION) at once, not a TypeError later in Kysely', async () => {
    const sqlite = new Database(':memory:');
    for (const size of [0, -1, 1.5, Number.NaN, '2' as never]) {
      expect(() => cacheSqliteStatements(sqlite, { size })).toThrow(expect.objectContaining({ name: 'MfaError', code: 'INVALID_OPTION' }));
    }
    for (const database of [undefined, null, {}, { prepare: () => undefined }, 'mfa.db'] as never[]) {
      expect(() => cacheSqliteStatements(database)).toThrow(expect.objectContaining({ name: 'MfaError', code: 'INVALID_OPTION' }));
    }
    expect(() => cacheSqliteStatements(sqlite, null as never)).toThrow(expect.objectContaining({ name: 'MfaError', code: 'INVALID_OPTION' }));
    sqlite.close();
  });

  test('a stream has a statement of its own (an iteration keeps it busy), then the cached one runs again', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const anyDb = db as Kysely<any>;
    const query = () => anyDb.selectFrom('mfakit_migrations').select('version').orderBy('version');
    const before = await query().execute();
    prepares.clear();
    const streamed: unknown[] = [];
    for await (const row of query().stream()) streamed.push(row);
    expect(streamed).toEqual(before);
    expect([...prepares.values()]).toEqual([1]);
    expect(await query().execute()).toEqual(before);
    expect([...prepares.values()]).toEqual([1]);
  });

  test('a statement cached before a schema change still runs after it', async () => {
    const prefix = 'cache_schema_';
    await sql.raw(`CREATE TABLE ${prefix}t (a INTEGER)`).execute(db);
    await sql.raw(`INSERT INTO ${prefix}t (a) VALUES (1)`).execute(db);
    const read = () => sql.raw<Record<string, unknown>>(`SELECT * FROM ${prefix}t`).execute(db);
    expect((await read()).rows).toEqual([{ a: 1 }]);
    await sql.raw(`ALTER TABLE ${prefix}t ADD COLUMN b INTEGER DEFAULT 2`).execute(db);
    expect((await read()).rows).toEqual([{ a: 1, b: 2 }]);
  });
});
