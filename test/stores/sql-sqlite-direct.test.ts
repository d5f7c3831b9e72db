/**
 * The SQL store on SQLite with the `sqlite` option: statements run on the better-sqlite3
 * connection directly (each text prepared once, a batch within one turn of the event loop). The
 * whole conformance suite; and while the app holds a transaction open through Kysely, the store's
 * calls wait for it (through Kysely) instead of writing inside it, so the app's rollback never
 * takes a store write with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { cacheSqliteStatements, createSqlStore, migrateSqlStore } from '../../src/stores/sql/index.js';
import { uniqueSuffix } from './fixtures/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'mfakit-sqlite-direct-'));
const sqlite = new Database(join(dir, 'mfa.db'), { timeout: 10_000 });
sqlite.pragma('journal_mode = WAL');
const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: cacheSqliteStatements(sqlite) }) });
await migrateSqlStore({ db, dialect: 'sqlite', sqlite });
const store = createSqlStore({ db, dialect: 'sqlite', sqlite });
await sql.raw('CREATE TABLE app_orders (id TEXT PRIMARY KEY)').execute(db);

afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('stores/sql on SQLite, statements run on the connection directly (the sqlite option)', () => {
  describe('conformance suite', () => {
    const cases = storeConformanceCases(() => store);
    test('the suite has cases', () => expect(cases.length).toBeGreaterThan(20));
    for (const c of cases) test(c.name, c.run);
  });

  test('a store call made while the app holds a Kysely transaction waits for it, and the app rolling back does not undo it', async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
    const factor = { v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: 1, lastUsedAt: null, lastStep: -1, revision: 0, data: {} };
    await store.insertFactor(factor);
    let used: Promise<boolean> | undefined;
    let advanced: Promise<boolean> | undefined;
    const order: string[] = [];
    const app = db
      .transaction()
      .execute(async (trx) => {
        await sql.raw(`INSERT INTO app_orders (id) VALUES ('${a}')`).execute(trx);
        // A single statement and a batch of the store, while the app's transaction is open.
        used = store.consumeBackupCode(a, 'k1').then((won) => (order.push('store'), won));
        advanced = store.advanceFactorStep(a, factor.id, 7, 1000, { clearAttempts: ['code'] }).then((won) => (order.push('store'), won));
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push('app rolls back');
        throw new Error('the app rolls back');
      })
      .catch((error: unknown) => error);
    expect(String(await app)).toMatch(/the app rolls back/);
    expect([await used, await advanced]).toEqual([true, true]);
    expect(order).toEqual(['app rolls back', 'store', 'store']);
    // The app's insert is gone; the store's writes stay: the code is used, the step advanced.
    expect((await sql.raw(`SELECT id FROM app_orders WHERE id = '${a}'`).execute(db)).rows).toEqual([]);
    expect(await store.getBackupCode(a, 'k1')).toBeNull();
    expect((await store.getFactor(a, factor.id))!.lastStep).toBe(7);
  });

  test('a store call made while the app streams rows through Kysely waits for the stream to end', async () => {
    const a = `acct-${uniqueSuffix()}`;
    await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
    for (let i = 0; i < 3; i++) await sql.raw(`INSERT INTO app_orders (id) VALUES ('${a}-${i}')`).execute(db);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const anyDb = db as Kysely<any>;
    const factor = { v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: 1, lastUsedAt: null, lastStep: -1, revision: 0, data: {} };
    await store.insertFactor(factor);
    let used: Promise<unknown> | undefined;
    let advanced: Promise<unknown> | undefined;
    let counted: Promise<unknown> | undefined;
    const order: string[] = [];
    for await (const row of anyDb.selectFrom('app_orders').select('id').where('id', 'like', `${a}-%`).stream()) {
      order.push(String(row.id).slice(-1));
      // While better-sqlite3 iterates, the connection runs no other write.
      used ??= store.consumeBackupCode(a, 'k1').then((won) => (order.push('used'), won), (error: unknown) => error);
      advanced ??= store.advanceFactorStep(a, factor.id, 7, 1000, { clearAttempts: ['code'] }).then((won) => (order.push('advanced'), won), (error: unknown) => error);
      counted ??= store.countBackupCodes(a).then((n) => (order.push('counted'), n), (error: unknown) => error);
    }
    // The writes (a single statement, a batch) ran once the stream was over; a read may run during
    // it (better-sqlite3 allows it).
    expect([await used, await advanced]).toEqual([true, true]);
    expect([0, 1]).toContain(await counted);
    expect(order.filter((o) => o !== 'counted')).toEqual(['0', '1', '2', 'used', 'advanced']);
    expect(order).toContain('counted');
    expect(await store.getBackupCode(a, 'k1')).toBeNull();
  });

  test('the sqlite option must be a better-sqlite3 Database', () => {
    expect(() => createSqlStore({ db, dialect: 'sqlite', sqlite: {} as never })).toThrow(MfaError);
    expect(() => createSqlStore({ db, dialect: 'sqlite', sqlite: { prepare: () => undefined } as never })).toThrow(/better-sqlite3 Database/);
  });
});
