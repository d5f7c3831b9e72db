/**
 * Faults on SQLite (better-sqlite3, WAL, real files and real processes):
 *
 * - another process holds the file's write lock: the store's calls meet SQLITE_BUSY once their
 *   `timeout` is over, fail with MfaError('STORE_ERROR') and change nothing; once the lock is
 *   released the same calls converge;
 * - another writer tries to get in between two statements of a store batch: it cannot (the batch
 *   holds the write lock from its BEGIN IMMEDIATE to its COMMIT). Control: the same statements run
 *   one by one let it in, and the batch is left half-done;
 * - the process is killed in the middle of a store transaction (after the second of its three
 *   statements): after reopening, nothing of that transaction is there, the code used before the
 *   crash stays used, and the interrupted call converges when run again. Control: the same run
 *   with the batch's statements sent one by one leaves a half-written state the checks catch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../../src/store/records.js';
import { createSqlStore, migrateSqlStore, type SqlStore } from '../../src/stores/sql/index.js';
import { uniqueSuffix } from '../stores/fixtures/servers.js';
import { observedSqliteDatabase, withBatchesOneByOne } from '../support/sql-dialect-swap.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'mfakit-sqlite-faults-'));
const child = fileURLToPath(new URL('./fixtures/sqlite-fault-child.ts', import.meta.url));
const opened: { destroy(): Promise<void> }[] = [];

/**
 * A store on `file` (migrated), whose writers wait `timeoutMs` for the write lock; `afterRun` is
 * called (synchronously, on the store's connection) after each writing statement has run. With
 * `direct`, the store also gets the connection (the `sqlite` option) and runs statements on it.
 */
async function open(file: string, timeoutMs: number, afterRun?: (sql: string) => void, direct = false): Promise<{ sqlite: Database.Database; store: SqlStore }> {
  const sqlite = new Database(file, { timeout: timeoutMs });
  sqlite.pragma('journal_mode = WAL');
  const database = observedSqliteDatabase(sqlite, (sql) => afterRun?.(sql));
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
  opened.push(db);
  await migrateSqlStore({ db, dialect: 'sqlite' });
  return { sqlite, store: createSqlStore({ db, dialect: 'sqlite', ...(direct ? { sqlite: database } : {}) }) };
}

function spawnChild(args: string[]): { process: ChildProcess; line: (expected: string) => Promise<void>; exited: Promise<NodeJS.Signals | number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
  const line = (expected: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.split('\n').includes(expected)) resolve();
        else if (proc.exitCode !== null || proc.signalCode !== null) reject(new Error(`child exited before "${expected}": ${err}`));
        else setTimeout(check, 20);
      };
      check();
    });
  return { process: proc, line, exited };
}

function factor(accountId: string, role: 'login' | 'recovery' = 'login'): MfaFactorRecord {
  return {
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId, kind: role === 'login' ? 'totp' : 'ssh-key', role, name: 'x',
    createdAt: Date.now(), lastUsedAt: null, lastStep: -1, revision: 0, data: {},
  };
}

async function failure(promise: Promise<unknown>): Promise<MfaError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MfaError);
  expect((error as MfaError).code).toBe('STORE_ERROR');
  return error as MfaError;
}

let guard: ProcessGuard | undefined;
afterEach(() => guard?.stop());
afterAll(async () => {
  for (const db of opened) await db.destroy().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('faults: SQLite with another writer, and a writer killed in the middle of a transaction', () => {
  // Both ways the store runs statements on SQLite: through Kysely, and directly (the `sqlite` option).
  for (const path of ['kysely', 'direct'] as const) {
    test(`${path}: another process holds the write lock: STORE_ERROR (SQLITE_BUSY), nothing changed; after it lets go the calls converge`, async () => {
      const file = join(dir, `busy-${uniqueSuffix()}.db`);
      const { store } = await open(file, 100, undefined, path === 'direct');
      const a = `acct-${uniqueSuffix()}`;
      const login = factor(a);
      const recovery = factor(a, 'recovery');
      await store.insertFactor(login);
      await store.insertFactor(recovery);
      await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);

      const holder = spawnChild(['hold', file]);
      await holder.line('locked');
      guard = guardProcess();
      // A batch (BEGIN IMMEDIATE waits 100 ms for the lock) and a single statement.
      const batchError = await failure(store.deleteLoginFactors(a));
      expect((batchError.cause as { code?: string }).code).toBe('SQLITE_BUSY');
      await failure(store.consumeBackupCode(a, 'k1'));
      // Readers are not blocked in WAL mode: nothing changed.
      expect(await store.countBackupCodes(a)).toBe(1);
      expect((await store.listFactors(a)).map((f) => f.id).sort()).toEqual([login.id, recovery.id].sort());
      expect(guard.escaped).toEqual([]);

      holder.process.stdin!.write('release\n');
      expect(await holder.exited).toBe(0);
      expect(await store.deleteLoginFactors(a)).toBe(1);
      expect(await store.consumeBackupCode(a, 'k1')).toBe(false); // deleteLoginFactors took the codes with the factors
      expect(await store.countBackupCodes(a)).toBe(0);
      expect((await store.listFactors(a)).map((f) => f.id)).toEqual([recovery.id]);
    }, 30_000);

    test(`${path}: a writer trying to get in between two statements of a batch is refused; one by one, it gets in and the batch is left half-done`, async () => {
      const file = join(dir, `between-${uniqueSuffix()}.db`);
      let other: Database.Database | undefined;
      const attempts: string[] = [];
      // After the first statement of deleteLoginFactors (the account's codes deleted), another
      // connection to the file asks for the write lock, without waiting.
      const interloper = (sql: string) => {
        if (other === undefined || !sql.startsWith('DELETE FROM mfakit_backup_codes')) return;
        try {
          other.prepare('BEGIN IMMEDIATE').run();
          attempts.push('got the lock');
        } catch (error) {
          attempts.push((error as { code?: string }).code ?? String(error));
        }
      };
      const { store } = await open(file, 50, interloper, path === 'direct');
      other = new Database(file, { timeout: 0 });
      const setUp = async (a: string) => {
        await store.insertFactor(factor(a));
        await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
      };
      try {
        const a = `acct-${uniqueSuffix()}`;
        await setUp(a);
        attempts.length = 0;
        expect(await store.deleteLoginFactors(a)).toBe(1);
        expect(attempts).toEqual(['SQLITE_BUSY']);
        expect([await store.countBackupCodes(a), (await store.listFactors(a)).length]).toEqual([0, 0]);

        // Control: the same batch sent one statement at a time (autocommit), as a store without
        // transactions would. The interloper gets in, the next statement meets SQLITE_BUSY, and the
        // codes are gone while the login factor stays: half-done.
        const b = `acct-${uniqueSuffix()}`;
        await setUp(b);
        attempts.length = 0;
        try {
          await withBatchesOneByOne(store, () => failure(store.deleteLoginFactors(b)));
        } finally {
          other.prepare('ROLLBACK').run();
        }
        expect(attempts).toEqual(['got the lock']);
        expect([await store.countBackupCodes(b), (await store.listFactors(b)).length]).toEqual([0, 1]);
      } finally {
        other.close();
        other = undefined;
      }
    });
  }

  /** Codes A and B and a charged attempt record; the child uses A, charges, and dies in the middle of using B. */
  async function crashRun(atomicity: 'atomic' | 'non-atomic' | 'direct') {
    const file = join(dir, `crash-${atomicity}-${uniqueSuffix()}.db`);
    const { store } = await open(file, 5000);
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    await store.insertFactor(factor(a));
    await store.replaceBackupCodes(a, ['A', 'B'].map((id) => ({ v: 1 as const, accountId: a, setId: 's', id, hash: '$h', createdAt: 1 })));
    const writer = spawnChild(['crash', file, a, atomicity]);
    await writer.line('mid');
    writer.process.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');
    // Reopened after the crash (a new connection; WAL recovery on open).
    const after = await open(file, 5000);
    const state = {
      codeA: (await after.store.getBackupCode(a, 'A')) !== null,
      tombstoneA: (await after.store.getChallenge(`used:${a}:A`, now)) !== null,
      codeB: (await after.store.getBackupCode(a, 'B')) !== null,
      tombstoneB: (await after.store.getChallenge(`used:${a}:B`, now)) !== null,
      attempts: (await after.store.getAttempts(a, 'code', now))?.count ?? 0,
      integrity: after.sqlite.pragma('integrity_check', { simple: true }),
    };
    return { a, now, store: after.store, state };
  }

  test.each(['atomic', 'direct'] as const)('%s: killed in the middle of a store transaction: after reopening nothing of it is there, the used code stays used, and the call converges', async (way) => {
    const { a, now, store, state } = await crashRun(way);
    // A was used before the crash (committed); of B's transaction (clear the attempts, write the
    // tombstone, then use the code) nothing remains: B unused, no tombstone, the attempt still counted.
    expect(state).toEqual({ codeA: false, tombstoneA: true, codeB: true, tombstoneB: false, attempts: 1, integrity: 'ok' });
    expect(await store.consumeBackupCode(a, 'A')).toBe(false);
    const tombstone = { v: 1 as const, id: `used:${a}:B`, accountId: a, purpose: 'backup-code-used', data: { code: 'B' }, createdAt: now, expiresAt: now + 600_000, revision: 0 };
    expect(await store.consumeBackupCode(a, 'B', { clearAttempts: ['code'], tombstone })).toBe(true);
    expect(await store.getBackupCode(a, 'B')).toBeNull();
    expect(await store.getChallenge(tombstone.id, now)).not.toBeNull();
    expect((await store.getAttempts(a, 'code', now))?.count ?? 0).toBe(0);
  }, 30_000);

  test('control: the same crash with the statements sent one by one leaves a half-written state (the checks above catch it)', async () => {
    const { state } = await crashRun('non-atomic');
    // The attempts were cleared and B's tombstone written, but B was never used.
    expect(state).toEqual({ codeA: false, tombstoneA: true, codeB: true, tombstoneB: true, attempts: 0, integrity: 'ok' });
  }, 30_000);
});
