/**
 * A batch of the SQL store on SQLite with the `sqlite` option (statements on the better-sqlite3
 * connection directly) that fails halfway, real files: a constraint violation in its second
 * statement, a bind error (an exception thrown in JS between two statements), a full database
 * (SQLITE_FULL, from `max_page_count`), SQLITE_BUSY at its COMMIT (rollback-journal mode, another
 * connection reading: COMMIT needs the file to itself, and SQLite leaves the transaction open). Each time: MfaError, nothing of the batch is left, the
 * connection has no transaction open, and the store's next calls run (and see the old state).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { createSqlStore, migrateSqlStore } from '../../src/stores/sql/index.js';
import { uniqueSuffix } from '../stores/fixtures/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'mfakit-sqlite-direct-batch-'));
const sqlite = new Database(join(dir, 'mfa.db'), { timeout: 1_000 });
sqlite.pragma('journal_mode = WAL');
const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
await migrateSqlStore({ db, dialect: 'sqlite' });
const store = createSqlStore({ db, dialect: 'sqlite', sqlite });

afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function code(accountId: string, id: string, hash = '$h') {
  return { v: 1 as const, accountId, setId: 's', id, hash, createdAt: 1 };
}

async function failsWith(promise: Promise<unknown>): Promise<MfaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MfaError);
  return error as MfaError;
}

/** The account's codes are exactly `ids`, the connection is free, and the store still writes. */
async function intact(accountId: string, ids: string[]): Promise<void> {
  expect(sqlite.inTransaction).toBe(false);
  expect(await store.countBackupCodes(accountId)).toBe(ids.length);
  for (const id of ids) expect(await store.getBackupCode(accountId, id)).not.toBeNull();
  expect(await store.consumeBackupCode(accountId, ids[0]!)).toBe(true);
  expect(await store.consumeBackupCode(accountId, ids[0]!)).toBe(false);
}

describe('stores/sql on SQLite, the sqlite option: a batch that fails halfway', () => {
  test('a constraint violation in its second statement: rolled back, connection free', async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [code(a, 'k1'), code(a, 'k2')]);
    const error = await failsWith(
      store.dialect.batch([
        { sql: 'DELETE FROM mfakit_backup_codes WHERE account_id = ?', parameters: [a] },
        { sql: 'INSERT INTO mfakit_backup_codes (v, account_id, set_id, id, hash, created_at) VALUES (1, ?, NULL, ?, ?, 1)', parameters: [a, 'k3', '$h'] },
      ]).catch((e: unknown) => {
        throw new MfaError('STORE_ERROR', 'batch failed', { cause: e });
      }),
    );
    expect(String(error.cause)).toMatch(/NOT NULL constraint failed/);
    await intact(a, ['k1', 'k2']);
  });

  test('an exception in JS between two statements (a value better-sqlite3 cannot bind): rolled back, connection free', async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [code(a, 'k1'), code(a, 'k2')]);
    await failsWith(
      store.dialect.batch([
        { sql: 'DELETE FROM mfakit_backup_codes WHERE account_id = ?', parameters: [a] },
        { sql: 'SELECT ? AS x', parameters: [Symbol('not bindable')] },
      ]).catch((e: unknown) => {
        throw new MfaError('STORE_ERROR', 'batch failed', { cause: e });
      }),
    );
    await intact(a, ['k1', 'k2']);
  });

  test('the database is full (SQLITE_FULL) in the middle of replaceBackupCodes: STORE_ERROR, the old codes stay, connection free', async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [code(a, 'k1'), code(a, 'k2')]);
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${pages + 2}`);
    try {
      const many = Array.from({ length: 500 }, (_, i) => code(a, `n${i}`, `$${'h'.repeat(500)}`));
      const error = await failsWith(store.replaceBackupCodes(a, many));
      expect(error.code).toBe('STORE_ERROR');
      expect(String(error.cause)).toMatch(/full/);
    } finally {
      sqlite.pragma('max_page_count = 1073741823');
    }
    await intact(a, ['k1', 'k2']);
  });

  test('SQLITE_BUSY at COMMIT (rollback journal, another connection mid-read): STORE_ERROR, rolled back, connection free', async () => {
    const file = join(dir, `busy-commit-${uniqueSuffix()}.db`);
    const own = new Database(file, { timeout: 50 });
    own.pragma('journal_mode = DELETE');
    const ownDb = new Kysely<unknown>({ dialect: new SqliteDialect({ database: own }) });
    await migrateSqlStore({ db: ownDb, dialect: 'sqlite' });
    const ownStore = createSqlStore({ db: ownDb, dialect: 'sqlite', sqlite: own });
    const a = `acct-${uniqueSuffix()}`;
    await ownStore.replaceBackupCodes(a, [code(a, 'k1'), code(a, 'k2')]);
    const reader = new Database(file, { timeout: 50 });
    const rows = reader.prepare('SELECT id FROM mfakit_backup_codes').iterate();
    try {
      rows.next(); // holds a shared lock on the file until the iteration ends
      const error = await failsWith(ownStore.replaceBackupCodes(a, [code(a, 'k3')]));
      expect(error.code).toBe('STORE_ERROR');
      expect((error.cause as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(own.inTransaction).toBe(false);
    } finally {
      rows.return?.();
      reader.close();
    }
    expect(await ownStore.countBackupCodes(a)).toBe(2);
    expect(await ownStore.getBackupCode(a, 'k3')).toBeNull();
    expect(await ownStore.consumeBackupCode(a, 'k1')).toBe(true);
    await ownDb.destroy();
  });
});
