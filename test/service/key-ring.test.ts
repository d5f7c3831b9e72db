import { describe, expect, test } from 'vitest';
import { createMemoryStore, createMfaService, type MfaStore } from '../../src/index.js';
import { MFA_RECORD_VERSION } from '../../src/service/index.js';
import { KEY_1, KEY_2, enrolApp, harness, type Harness } from './helpers.js';

/** The same store after rotation: k2 current, k1 kept to open older secrets; events into `h`. */
function rotatedService(h: Harness, store: MfaStore) {
  return createMfaService({
    issuer: 'ACME Cloud',
    store,
    now: h.clock,
    keyRing: { currentKeyId: 'k2', keys: { k2: KEY_2, k1: KEY_1 } },
    events: (e) => void h.events.push(e),
  });
}

describe('secrets at rest', () => {
  test('rotation: a secret sealed under the old key still verifies and is re-sealed under the new key', async () => {
    const store = createMemoryStore();
    const h = harness({ store });
    const { app, factorId } = await enrolApp(h, 'user-1');
    expect((await store.getFactor('user-1', factorId))!.data['secret']).toMatchObject({ kid: 'k1' });

    const rotated = rotatedService(h, store);
    expect((await rotated.verify('user-1', app.code())).ok).toBe(true);
    expect((await store.getFactor('user-1', factorId))!.data['secret']).toMatchObject({ kid: 'k2' });
    expect(h.events.at(-2)).toMatchObject({ type: 'secret-resealed', factorId, details: { kid: 'k2' } });

    // The old key can now be dropped.
    const onlyNew = createMfaService({ issuer: 'ACME Cloud', store, now: h.clock, keyRing: { currentKeyId: 'k2', keys: { k2: KEY_2 } } });
    h.clock.advance(30_000);
    expect((await onlyNew.verify('user-1', app.code())).ok).toBe(true);
  });

  test('resealSecrets moves an account that never logs in to the new key, so the old key can go', async () => {
    const store = createMemoryStore();
    const h = harness({ store });
    const phone = await enrolApp(h, 'user-1', { name: 'Phone' });
    const tablet = await enrolApp(h, 'user-1', { name: 'Tablet', stepUpToken: phone.confirmed.stepUp!.token });
    const rotated = rotatedService(h, store);
    h.events.length = 0;
    expect(await rotated.resealSecrets('user-1')).toEqual({ resealed: 2, keyIds: ['k2'], pendingEnrolmentsNeedOldKeysForMs: 600_000 });
    expect(h.events.map((e) => [e.type, e.factorId])).toEqual([
      ['secret-resealed', phone.factorId],
      ['secret-resealed', tablet.factorId],
    ]);
    // Idempotent; an account without factors has nothing to move.
    expect(await rotated.resealSecrets('user-1')).toEqual({ resealed: 0, keyIds: ['k2'], pendingEnrolmentsNeedOldKeysForMs: 600_000 });
    expect(await rotated.resealSecrets('nobody')).toEqual({ resealed: 0, keyIds: [], pendingEnrolmentsNeedOldKeysForMs: 600_000 });
    // Without ever logging in under the new ring, both devices work with the old key dropped.
    const onlyNew = createMfaService({ issuer: 'ACME Cloud', store, now: h.clock, keyRing: { currentKeyId: 'k2', keys: { k2: KEY_2 } } });
    expect(await onlyNew.verify('user-1', phone.app.code())).toMatchObject({ ok: true, factor: { name: 'Phone' } });
    h.clock.advance(30_000);
    expect(await onlyNew.verify('user-1', tablet.app.code())).toMatchObject({ ok: true, factor: { name: 'Tablet' } });
  });

  test('a key missing from the ring is KEY_NOT_FOUND, a wrong key DECRYPTION_FAILED', async () => {
    const store = createMemoryStore();
    const h = harness({ store });
    const { app } = await enrolApp(h, 'user-1');
    const missing = createMfaService({ issuer: 'X', store, now: h.clock, keyRing: { currentKeyId: 'k2', keys: { k2: KEY_2 } } });
    await expect(missing.verify('user-1', app.code())).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    const wrong = createMfaService({ issuer: 'X', store, now: h.clock, keyRing: { currentKeyId: 'k1', keys: { k1: KEY_2 } } });
    await expect(wrong.verify('user-1', app.code())).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  test('a sealed secret copied onto another factor does not open (bound to account and factor)', async () => {
    const store = createMemoryStore();
    const h = harness({ store, verifierCacheSize: 0 });
    const victim = await enrolApp(h, 'victim');
    const attacker = await enrolApp(h, 'attacker');
    const stolen = (await store.getFactor('victim', victim.factorId))!;
    const own = (await store.getFactor('attacker', attacker.factorId))!;
    await store.compareAndSetFactor({ ...own, data: stolen.data }, own.revision);
    await expect(h.service.verify('attacker', victim.app.code())).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  test('stored records with an unknown schema version are refused', async () => {
    const store = createMemoryStore();
    const h = harness({ store });
    await enrolApp(h, 'user-1');
    const original = store.listFactors.bind(store);
    store.listFactors = async (id) => (await original(id)).map((f) => ({ ...f, v: 2 as unknown as typeof MFA_RECORD_VERSION }));
    await expect(h.service.listFactors('user-1')).rejects.toMatchObject({ code: 'STORE_SCHEMA_VERSION' });
  });
});
