/**
 * The SQL store on Cloudflare D1, through miniflare's local D1 (the workerd runtime's own D1
 * implementation, reached from Node by `dispatchFetch`: fixtures/d1-over-fetch.ts says why not
 * through miniflare's binding proxy): singles through Kysely's `kysely-d1` dialect, the atomic batches
 * through the binding's `batch()` (D1 has no interactive transactions). The whole conformance suite,
 * migrations, and a batch that fails half-way leaving nothing behind.
 */
import { Kysely, sql } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { afterAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../../src/store/records.js';
import { createSqlStore, migrateSqlStore, sqlMigrations, sqlSchema } from '../../src/stores/sql/index.js';
import { startD1OverFetch } from './fixtures/d1-over-fetch.js';
import { uniqueSuffix } from './fixtures/servers.js';

const d1Server = await startD1OverFetch();
const d1 = d1Server.database;
const db = new Kysely<unknown>({ dialect: new D1Dialect({ database: d1 as never }) });
const first = await migrateSqlStore({ db, dialect: 'd1', d1 });
const store = createSqlStore({ db, dialect: 'd1', d1 });

afterAll(async () => {
  await db.destroy();
  await d1Server.dispose();
});

function factor(accountId: string, overrides: Partial<MfaFactorRecord> = {}): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: 'totp', role: 'login', name: 'Phone',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: { digits: 6 }, ...overrides,
  };
}

describe("stores/sql on Cloudflare D1 (miniflare's local D1)", () => {
  test('migrations: the first applied every version, again is a no-op', async () => {
    expect(first).toEqual({ applied: sqlMigrations.map((m) => m.version), version: sqlSchema.version });
    expect(await migrateSqlStore({ db, dialect: 'd1', d1 })).toEqual({ applied: [], version: sqlSchema.version });
  });

  describe('conformance suite', () => {
    const cases = storeConformanceCases(() => store);
    test('the suite has cases', () => expect(cases.length).toBeGreaterThan(20));
    // Local D1 answers each call through workerd: on a loaded machine the 200-call races take a while.
    for (const c of cases) test(c.name, c.run, 240_000);
  });

  test('a batch that fails half-way changes nothing (D1 batch() is all or none)', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const f = factor(a, { kind: 'webauthn', data: { credentialId: `cred-${uniqueSuffix()}` } });
    expect(await store.insertFactor(f)).toBe(true);
    await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
    // Two codes with one id in two statements of one batch would be a duplicate key: the second
    // INSERT fails after the DELETE ran, and the whole batch is rolled back.
    const error = await store.dialect
      .batch([
        { sql: 'DELETE FROM mfakit_backup_codes WHERE account_id = ?', parameters: [a] },
        { sql: 'INSERT INTO mfakit_backup_codes (v, account_id, set_id, id, hash, created_at) VALUES (1, ?, ?, ?, ?, 1)', parameters: [a, 's2', 'x', '$h'] },
        { sql: 'INSERT INTO mfakit_backup_codes (v, account_id, set_id, id, hash, created_at) VALUES (1, ?, ?, ?, ?, 1)', parameters: [a, 's2', 'x', '$h'] },
      ])
      .then(() => undefined, (e: unknown) => e);
    expect(store.dialect.isUniqueViolation(error)).toBe(true);
    expect(await store.getBackupCode(a, 'k1')).not.toBeNull();
    expect(await store.countBackupCodes(a)).toBe(1);
  });

  test('bad data: STORE_CORRUPT; the guard rows of the batches are gone after them', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const f = factor(a);
    await store.insertFactor(f);
    await sql`UPDATE mfakit_factors SET data = '{"digits":6,"sec' WHERE id = ${f.id}`.execute(db);
    const error = await store.getFactor(a, f.id).then(() => undefined, (e: unknown) => e);
    expect((error as MfaError).code).toBe('STORE_CORRUPT');
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM mfakit_guards`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });
});
