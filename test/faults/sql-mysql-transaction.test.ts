/**
 * Faults on MariaDB: the connection of a store batch (one transaction) is cut by a TCP proxy
 * between two of its statements, as a failover or a network cut does. The process survives, the
 * call fails with MfaError('STORE_ERROR'), the server rolls the transaction back (nothing is
 * half-written, the account's lock row is released), the pool stays usable and a retry converges.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../../src/store/records.js';
import { createSqlStore, migrateSqlStore, type SqlStore } from '../../src/stores/sql/index.js';
import { createMysqlDatabase, dropMysqlDatabase, MYSQL_HOST, MYSQL_PORT, mysqlKysely } from '../stores/fixtures/mysql.js';
import { uniqueSuffix } from '../stores/fixtures/servers.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';

const database = await createMysqlDatabase();

function factor(accountId: string, role: 'login' | 'recovery' = 'login'): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: role === 'login' ? 'totp' : 'ssh-key', role, name: 'x',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: {},
  };
}

describe.runIf(database !== null)('faults: MariaDB connection cut in the middle of a store transaction', () => {
  let proxy: TcpProxy;
  let store: SqlStore;
  let destroy: () => Promise<void>;
  let guard: ProcessGuard | undefined;

  beforeAll(async () => {
    proxy = await TcpProxy.start({ host: MYSQL_HOST, port: MYSQL_PORT });
    const { db } = mysqlKysely(database!, { host: '127.0.0.1', port: proxy.port, connectionLimit: 4 });
    destroy = () => db.destroy();
    await migrateSqlStore({ db, dialect: 'mysql' });
    store = createSqlStore({ db, dialect: 'mysql' });
  });
  afterEach(() => guard?.stop());
  afterAll(async () => {
    await destroy();
    await proxy.close();
    await dropMysqlDatabase(database!);
  });

  test('cut before the last delete of deleteLoginFactors: STORE_ERROR, the process survives, nothing changed, a retry converges', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const login = factor(a);
    const recovery = factor(a, 'recovery');
    await store.insertFactor(login);
    await store.insertFactor(recovery);
    await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
    guard = guardProcess();
    // The batch: lock, delete codes, delete enrolments, delete login factors. The third delete never arrives.
    const fired = proxy.arm({ kind: 'cut-before', match: `role = 'login'` });
    const error = await store.deleteLoginFactors(a).then(() => undefined, (e: unknown) => e);
    await fired;
    await new Promise((r) => setTimeout(r, 50));
    expect(guard.escaped).toEqual([]);
    expect(error).toBeInstanceOf(MfaError);
    expect((error as MfaError).code).toBe('STORE_ERROR');
    // Rolled back by the server: the codes deleted by the batch's first statement are back.
    expect(await store.countBackupCodes(a)).toBe(1);
    expect((await store.listFactors(a)).map((f) => f.id).sort()).toEqual([login.id, recovery.id].sort());
    // The account's lock row was released with the connection: the retry does not wait on it.
    expect(await store.deleteLoginFactors(a)).toBe(1);
    expect(await store.countBackupCodes(a)).toBe(0);
    expect((await store.listFactors(a)).map((f) => f.id)).toEqual([recovery.id]);
  });

  test('reply lost after COMMIT of activateEnrolment: STORE_ERROR, and the retry reads what the first call did', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    const pending = { v: 1 as const, id: `e-${uniqueSuffix()}`, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: now, expiresAt: now + 60_000, replacesFactorId: null, data: {} };
    await store.putEnrolment(pending);
    guard = guardProcess();
    const fired = proxy.arm({ kind: 'drop-reply', match: 'COMMIT' });
    const input = { accountId: a, enrolmentId: pending.id, factor: { ...factor(a), id: pending.id }, now };
    const error = await store.activateEnrolment(input).then(() => undefined, (e: unknown) => e);
    await fired;
    expect((error as MfaError).code).toBe('STORE_ERROR');
    expect(guard.escaped).toEqual([]);
    // The COMMIT ran: the factor is there once, the enrolment gone, and a retry is refused.
    expect((await store.listFactors(a)).map((f) => f.id)).toEqual([pending.id]);
    expect(await store.activateEnrolment(input)).toEqual({ activated: false });
  });

  test('the pool stays usable after the cuts', async () => {
    guard = guardProcess();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.countBackupCodes(`acct-${uniqueSuffix()}`)));
    expect(results).toEqual(Array(8).fill(0));
    expect(guard.escaped).toEqual([]);
  });
});
