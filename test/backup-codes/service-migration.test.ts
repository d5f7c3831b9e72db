// Backup-code sets through the service when the default KDF changes: sets stored by mfakit 0.1
// (scrypt N=2^14) keep working, the service never rewrites a stored hash in place, and a set moves
// to the current settings only when it is regenerated. Also: one KDF run per login attempt
// whatever the size of the set.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKUP_CODE_KDF, backupCodeNeedsRehash } from '../../src/backup-codes/index.js';
import type { MfaBackupCodeRecord, MfaStore } from '../../src/service/index.js';
import { enrolApp, harness, stepUp } from '../service/helpers.js';
import { LEGACY_PEPPER, LEGACY_PEPPERED_SCRYPT_SET, LEGACY_SCRYPT_SET, type LegacySet } from './legacy-fixture.js';

const ACCOUNT = 'user-1';

/** Puts a stored set in place of the account's codes, as a database migrated from 0.1 holds it. */
async function storeLegacySet(store: MfaStore, set: LegacySet, now: number): Promise<MfaBackupCodeRecord[]> {
  const records = set.records.map((r) => ({ v: 1 as const, accountId: ACCOUNT, setId: 'bcs-legacy', id: r.id, hash: r.hash, createdAt: now }));
  await store.replaceBackupCodes(ACCOUNT, records);
  return records;
}

async function storedHashes(store: MfaStore, ids: readonly string[]): Promise<(string | null)[]> {
  return Promise.all(ids.map(async (id) => (await store.getBackupCode(ACCOUNT, id))?.hash ?? null));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('service: backup-code sets across a change of KDF default', () => {
  it('a 0.1 set logs in unchanged; no stored hash is rewritten on use; regeneration moves the account to the default', async () => {
    const h = harness({ backupCodes: {} }); // the library's default KDF
    const { app } = await enrolApp(h, ACCOUNT);
    const legacy = await storeLegacySet(h.store, LEGACY_SCRYPT_SET, h.clock());
    const ids = legacy.map((r) => r.id);

    const login = await h.service.verify(ACCOUNT, LEGACY_SCRYPT_SET.codes[0]!.toLowerCase());
    expect(login).toMatchObject({ ok: true, kind: 'backup-codes', backupCodesRemaining: 2 });
    expect(await h.service.verify(ACCOUNT, LEGACY_SCRYPT_SET.codes[0]!)).toEqual({ ok: false, reason: 'replayed' });
    // The codes left keep their 0.1 hashes, byte for byte: nothing is upgraded in place.
    expect(await storedHashes(h.store, ids)).toEqual([null, legacy[1]!.hash, legacy[2]!.hash]);
    expect((await h.service.verify(ACCOUNT, LEGACY_SCRYPT_SET.codes[1]!)).ok).toBe(true);
    expect(await storedHashes(h.store, ids)).toEqual([null, null, legacy[2]!.hash]);

    h.clock.advance(30_000);
    const { backupCodes: codes } = await h.service.regenerateBackupCodes(ACCOUNT, { stepUpToken: await stepUp(h, ACCOUNT, app) });
    expect(codes).toHaveLength(10);
    expect(await storedHashes(h.store, ids)).toEqual([null, null, null]);
    const fresh = await Promise.all(codes.map((c) => h.store.getBackupCode(ACCOUNT, c.slice(0, 4))));
    for (const record of fresh) {
      expect(record!.hash).toMatch(/^\$pbkdf2-sha256\$i=10000\$/);
      expect(backupCodeNeedsRehash(record!)).toBe(false);
    }
    expect(await h.service.verify(ACCOUNT, LEGACY_SCRYPT_SET.codes[2]!)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await h.service.verify(ACCOUNT, codes[0]!)).toMatchObject({ ok: true, backupCodesRemaining: 9 });
  }, 60_000);

  it('a peppered 0.1 set logs in with the configured pepper; regeneration keeps the pepper', async () => {
    const h = harness({ backupCodes: { pepper: LEGACY_PEPPER } });
    const { app } = await enrolApp(h, ACCOUNT);
    await storeLegacySet(h.store, LEGACY_PEPPERED_SCRYPT_SET, h.clock());
    expect(await h.service.verify(ACCOUNT, LEGACY_PEPPERED_SCRYPT_SET.codes[1]!)).toMatchObject({ ok: true, backupCodesRemaining: 1 });
    h.clock.advance(30_000);
    const { backupCodes: codes } = await h.service.regenerateBackupCodes(ACCOUNT, { stepUpToken: await stepUp(h, ACCOUNT, app) });
    expect((await h.store.getBackupCode(ACCOUNT, codes[0]!.slice(0, 4)))!.hash).toMatch(/^\$pbkdf2-sha256\$i=10000,pepper=1\$/);
  }, 60_000);

  it('an app that asks for a higher cost gets it for new sets, and older sets still log in', async () => {
    const higher = { algorithm: 'pbkdf2-sha256', iterations: 50_000 } as const;
    const h = harness({ backupCodes: { kdf: higher, count: 4 } });
    const { app, confirmed } = await enrolApp(h, ACCOUNT);
    const first = confirmed.ok ? confirmed.backupCodes! : [];
    expect((await h.store.getBackupCode(ACCOUNT, first[0]!.slice(0, 4)))!.hash).toMatch(/^\$pbkdf2-sha256\$i=50000\$/);
    expect((await h.service.verify(ACCOUNT, first[0]!)).ok).toBe(true);

    await storeLegacySet(h.store, LEGACY_SCRYPT_SET, h.clock());
    expect((await h.service.verify(ACCOUNT, LEGACY_SCRYPT_SET.codes[0]!)).ok).toBe(true);
    h.clock.advance(30_000);
    const { backupCodes: codes } = await h.service.regenerateBackupCodes(ACCOUNT, { stepUpToken: await stepUp(h, ACCOUNT, app) });
    expect(codes).toHaveLength(4);
    expect((await h.store.getBackupCode(ACCOUNT, codes[0]!.slice(0, 4)))!.hash).toMatch(/^\$pbkdf2-sha256\$i=50000\$/);
  }, 60_000);

  it('one KDF run per backup-code attempt, with 1 code stored or 100', async () => {
    for (const count of [1, 100]) {
      const h = harness({ backupCodes: { count } });
      const { confirmed } = await enrolApp(h, ACCOUNT);
      const codes = confirmed.ok ? confirmed.backupCodes! : [];
      expect(codes).toHaveLength(count);
      const runs = vi.spyOn(crypto.subtle, 'deriveBits');
      const last = codes.at(-1)!;
      const wrong = last.slice(0, -1) + (last.endsWith('0') ? '1' : '0');
      expect((await h.service.verify(ACCOUNT, wrong)).ok).toBe(false);
      expect(runs).toHaveBeenCalledTimes(1);
      expect((await h.service.verify(ACCOUNT, last)).ok).toBe(true);
      expect(runs).toHaveBeenCalledTimes(2);
      runs.mockRestore();
    }
  }, 60_000);
});
