/**
 * The SQL store on MariaDB (mysql2 through Kysely's MysqlDialect, InnoDB): the whole conformance
 * suite on a 30-connection pool, migrations (five instances at once), bad data. Own database per
 * file (`mfakit_sql_<random>`), dropped afterwards.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../../src/store/records.js';
import { createSqlStore, migrateSqlStore, sqlMigrations, sqlSchema, sqlTableNames } from '../../src/stores/sql/index.js';
import { createMysqlDatabase, dropMysqlDatabase, mysqlKysely } from './fixtures/mysql.js';
import { uniqueSuffix } from './fixtures/servers.js';

const database = await createMysqlDatabase();

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<MfaError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MfaError);
  expect((error as MfaError).code).toBe(code);
  return error as MfaError;
}

function factor(accountId: string): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: 'totp', role: 'login', name: 'Phone',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: { digits: 6 },
  };
}

describe.runIf(database !== null)('stores/sql on MariaDB (mysql2, InnoDB)', () => {
  const { db } = mysqlKysely(database!, { connectionLimit: 30 });
  const store = createSqlStore({ db, dialect: 'mysql' });

  afterAll(async () => {
    await db.destroy();
    await dropMysqlDatabase(database!);
  });

  test('migrations: five instances at once apply each version once; again is a no-op', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateSqlStore({ db, dialect: 'mysql' })));
    expect(results.flatMap((r) => r.applied)).toEqual(sqlMigrations.map((m) => m.version));
    expect(await migrateSqlStore({ db, dialect: 'mysql' })).toEqual({ applied: [], version: sqlSchema.version });
    const { rows } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${database}`.execute(db);
    expect(rows.map((r) => r.name).sort()).toEqual(sqlTableNames('mysql', 'mfakit_').sort());
  });

  describe('conformance suite (one store on a 30-connection pool)', () => {
    const cases = storeConformanceCases(() => store);
    test('the suite has cases', () => expect(cases.length).toBeGreaterThan(20));
    for (const c of cases) test(c.name, c.run);
  });

  test('a schema migrated by a newer mfakit is refused', async () => {
    const prefix = `t${uniqueSuffix()}_`;
    await migrateSqlStore({ db, dialect: 'mysql', tablePrefix: prefix });
    await sql.raw(`INSERT INTO ${prefix}migrations (version, name, applied_at) VALUES (999, 'future', 0)`).execute(db);
    await rejectsWith(migrateSqlStore({ db, dialect: 'mysql', tablePrefix: prefix }), 'STORE_SCHEMA_VERSION');
  });

  test('ids differing only in case are different ids (binary collation)', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const f = factor(a);
    expect(await store.insertFactor({ ...f, id: 'Key-A' + f.id })).toBe(true);
    expect(await store.insertFactor({ ...f, id: 'key-a' + f.id })).toBe(true);
    expect((await store.listFactors(a)).length).toBe(2);
  });

  test('bad data: STORE_CORRUPT / STORE_SCHEMA_VERSION; driver errors: STORE_ERROR with the cause', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const f = factor(a);
    await store.insertFactor(f);
    await sql`UPDATE mfakit_factors SET data = '{"digits":6,"sec' WHERE id = ${f.id}`.execute(db);
    await rejectsWith(store.getFactor(a, f.id), 'STORE_CORRUPT');
    await sql`UPDATE mfakit_factors SET data = '{}', v = 2 WHERE id = ${f.id}`.execute(db);
    await rejectsWith(store.listFactors(a), 'STORE_SCHEMA_VERSION');
    const missing = createSqlStore({ db, dialect: 'mysql', tablePrefix: `missing_${uniqueSuffix()}_` });
    const error = await rejectsWith(missing.getAccount('a'), 'STORE_ERROR');
    expect((error.cause as Error).message).toMatch(/doesn't exist/);
    await rejectsWith(missing.deleteLoginFactors('a'), 'STORE_ERROR');
  });

  test('the guard rows of the batches are gone after them', async () => {
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM mfakit_guards`.execute(db);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
