/**
 * Faults on Cloudflare D1 (miniflare's local D1, the workerd runtime's own implementation): a
 * statement fails inside one of the store's batches (a trigger aborts it, as a constraint, a
 * full database or a D1 limit would). D1's `batch()` is one transaction: nothing of the batch is
 * written, the store's call fails with MfaError('STORE_ERROR') carrying D1's error, and once the
 * cause is gone the same call converges. Control: the same statements sent one by one (what a
 * store without `batch()` would do) leave the statements before the failing one written.
 */
import { Kysely, sql } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import type { MfaAttemptRule } from '../../src/store/attempts.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord } from '../../src/store/records.js';
import { createSqlStore, migrateSqlStore } from '../../src/stores/sql/index.js';
import { startD1OverFetch } from '../stores/fixtures/d1-over-fetch.js';
import { uniqueSuffix } from '../stores/fixtures/servers.js';
import { withBatchesOneByOne } from '../support/sql-dialect-swap.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';

// Through dispatchFetch, not miniflare's binding proxy (its synchronous calls race under load:
// test/stores/fixtures/d1-over-fetch.ts).
const d1Server = await startD1OverFetch();
const d1 = d1Server.database;
const db = new Kysely<unknown>({ dialect: new D1Dialect({ database: d1 as never }) });
await migrateSqlStore({ db, dialect: 'd1', d1 });
const store = createSqlStore({ db, dialect: 'd1', d1 });

/** A trigger that aborts every insert of a challenge with purpose 'fault' (the batch's failing statement). */
await sql
  .raw(`CREATE TRIGGER IF NOT EXISTS fault_tombstone BEFORE INSERT ON mfakit_challenges WHEN NEW.purpose = 'fault' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`)
  .execute(db);

const RULE: MfaAttemptRule = { limit: 10, freeAttempts: 10, baseDelayMs: 1000, maxDelayMs: 1000, memoryMs: 600_000 };

let guard: ProcessGuard | undefined;
afterEach(() => guard?.stop());
afterAll(async () => {
  await db.destroy();
  await d1Server.dispose();
});

/** An account with backup code k1 and two charged attempts. */
async function account(now: number): Promise<string> {
  const a = `acct-${uniqueSuffix()}`;
  await store.insertFactor({
    v: MFA_RECORD_VERSION, id: `f-${uniqueSuffix()}`, accountId: a, kind: 'totp', role: 'login', name: 'x',
    createdAt: now, lastUsedAt: null, lastStep: -1, revision: 0, data: {},
  });
  await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: 1 }]);
  for (let i = 0; i < 2; i++) await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now });
  return a;
}

function tombstone(a: string, now: number, purpose: string): MfaChallengeRecord {
  return { v: 1, id: `used:${a}:k1`, accountId: a, purpose, data: {}, createdAt: now, expiresAt: now + 600_000, revision: 0 };
}

async function state(a: string, now: number) {
  return {
    code: (await store.getBackupCode(a, 'k1')) !== null,
    attempts: (await store.getAttempts(a, 'code', now))?.count ?? 0,
    tombstone: (await store.getChallenge(`used:${a}:k1`, now)) !== null,
  };
}

describe("faults: a statement fails inside a D1 batch (miniflare's local D1)", () => {
  test('consumeBackupCode whose tombstone insert fails: STORE_ERROR, the attempts not cleared, the code not used; then it converges', async () => {
    const now = Date.now();
    const a = await account(now);
    guard = guardProcess();
    // The batch: clear the attempt record (runs), insert the tombstone (aborted), use the code.
    const error = await store.consumeBackupCode(a, 'k1', { clearAttempts: ['code'], tombstone: tombstone(a, now, 'fault') }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MfaError);
    expect((error as MfaError).code).toBe('STORE_ERROR');
    expect(String((error as MfaError).cause)).toMatch(/injected fault/);
    expect(await state(a, now)).toEqual({ code: true, attempts: 2, tombstone: false });
    expect(guard.escaped).toEqual([]);
    // The same call without the fault converges.
    expect(await store.consumeBackupCode(a, 'k1', { clearAttempts: ['code'], tombstone: tombstone(a, now, 'backup-code-used') })).toBe(true);
    expect(await state(a, now)).toEqual({ code: false, attempts: 0, tombstone: true });
  }, 60_000);

  test('control: the same statements one by one leave the clearing written though the call failed (half-written)', async () => {
    const now = Date.now();
    const a = await account(now);
    await withBatchesOneByOne(store, async () => {
      const error = await store.consumeBackupCode(a, 'k1', { clearAttempts: ['code'], tombstone: tombstone(a, now, 'fault') }).then(() => undefined, (e: unknown) => e);
      expect((error as MfaError).code).toBe('STORE_ERROR');
    });
    expect(await state(a, now)).toEqual({ code: true, attempts: 0, tombstone: false });
  }, 60_000);

  test('activateEnrolment whose backup-code insert fails: STORE_ERROR, the enrolment still pending, no factor; then it converges', async () => {
    const now = Date.now();
    const a = `acct-${uniqueSuffix()}`;
    const pending = { v: 1 as const, id: `e-${uniqueSuffix()}`, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: now, expiresAt: now + 60_000, replacesFactorId: null, data: {} };
    await store.putEnrolment(pending);
    const factor = { v: MFA_RECORD_VERSION, id: pending.id, accountId: a, kind: 'totp', role: 'login' as const, name: 'x', createdAt: now, lastUsedAt: null, lastStep: -1, revision: 0, data: {} };
    // The batch's fourth statement (a backup code whose hash the trigger refuses) fails after the
    // enrolment was deleted and the factor inserted.
    await sql.raw(`CREATE TRIGGER IF NOT EXISTS fault_code BEFORE INSERT ON mfakit_backup_codes WHEN NEW.hash = '$fault' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`).execute(db);
    const codes = (hash: string) => [{ v: 1 as const, accountId: a, setId: 's', id: 'k1', hash, createdAt: now }];
    guard = guardProcess();
    const error = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor, now, backupCodes: codes('$fault') }).then(() => undefined, (e: unknown) => e);
    expect((error as MfaError).code).toBe('STORE_ERROR');
    expect(String((error as MfaError).cause)).toMatch(/injected fault/);
    expect(await store.getEnrolment(a, pending.id)).not.toBeNull();
    expect(await store.listFactors(a)).toEqual([]);
    expect(await store.countBackupCodes(a)).toBe(0);
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM mfakit_guards`.execute(db);
    expect(rows[0]!.n).toBe(0);
    expect(guard.escaped).toEqual([]);
    expect(await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor, now, backupCodes: codes('$h') })).toEqual({ activated: true, backupCodesStored: true });
    expect((await store.listFactors(a)).map((f) => f.id)).toEqual([pending.id]);
    expect(await store.countBackupCodes(a)).toBe(1);
  }, 60_000);
});
