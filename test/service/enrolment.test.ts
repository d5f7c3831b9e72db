import { describe, expect, test } from 'vitest';
import { MfaError, decodeBase32Secret, parseKeyUri } from '../../src/index.js';
import { createMemoryStore } from '../../src/stores/memory/index.js';
import { enrolApp, harness, phone, stepUp, wrongCode } from './helpers.js';

describe('enrolling an authenticator app', () => {
  test('start gives a key URI, a QR SVG and a manual key; nothing is active until the first code', async () => {
    const h = harness();
    const pending = await h.service.startAuthenticatorEnrolment('user-1', { accountName: 'ada@example.com', name: 'Work phone' });
    const uri = parseKeyUri(pending.keyUri);
    expect(uri).toMatchObject({ type: 'totp', issuer: 'ACME Cloud', accountName: 'ada@example.com', digits: 6, period: 30, algorithm: 'SHA1' });
    expect(uri.secret.length).toBe(20);
    expect(pending.manualKey).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    // The plain base32 secret beside the grouped manual key: the same secret, the key URI's.
    expect(pending.base32Secret).toBe(pending.manualKey.replaceAll(' ', ''));
    expect(decodeBase32Secret(pending.base32Secret)).toEqual(uri.secret);
    expect(pending.qrSvg).toContain('<svg');
    expect(pending.name).toBe('Work phone');
    expect(pending.expiresAt).toBe(h.clock() + 600_000);
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect((await h.service.loginRequirement('user-1')).mfaRequired).toBe(false);
  });

  test('the first correct code activates it and returns backup codes once', async () => {
    const h = harness();
    const pending = await h.service.startAuthenticatorEnrolment('user-1');
    const app = phone(pending.manualKey, h.clock);
    const result = await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.factor).toMatchObject({ kind: 'totp', role: 'login', name: 'Authenticator app' });
    expect(result.backupCodes).toHaveLength(10);
    expect(new Set(result.backupCodes).size).toBe(10);
    const list = await h.service.listFactors('user-1');
    expect(list.map((f) => f.kind)).toEqual(['totp', 'backup-codes']);
    expect(list[1]!.remaining).toBe(10);
    expect((await h.service.loginRequirement('user-1')).mfaRequired).toBe(true);
    // The confirmation code is spent: it cannot log in as well.
    expect(await h.service.verify('user-1', app.code())).toMatchObject({ ok: false, reason: 'replayed' });
    expect(h.events.map((e) => e.type)).toEqual(['enrolment-started', 'enrolment-confirmed', 'backup-codes-generated', 'replay-refused']);
  });

  test('confirming gives a step-up grant: backup codes can be regenerated and a second device added without waiting for the next code', async () => {
    const h = harness();
    const pending = await h.service.startAuthenticatorEnrolment('user-1');
    const app = phone(pending.manualKey, h.clock);
    const result = await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code());
    if (!result.ok) throw new Error(result.reason);
    expect(result.stepUp).not.toBeNull();
    const token = result.stepUp!.token;
    expect(result.stepUp!.expiresAt).toBe(h.clock() + 600_000);
    expect(await h.service.hasRecentStepUp('user-1', token)).toBe(true);
    expect(await h.service.hasRecentStepUp('user-2', token)).toBe(false);
    const { backupCodes: codes } = await h.service.regenerateBackupCodes('user-1', { stepUpToken: token });
    expect(codes).toHaveLength(10);
    const second = await h.service.startAuthenticatorEnrolment('user-1', { name: 'Tablet', stepUpToken: token });
    expect(second.name).toBe('Tablet');
    // The grant expires like any other.
    h.clock.advance(600_001);
    expect(await h.service.hasRecentStepUp('user-1', token)).toBe(false);
  });

  test('a wrong or malformed code changes nothing; the enrolment can still be confirmed', async () => {
    const h = harness();
    const pending = await h.service.startAuthenticatorEnrolment('user-1');
    const app = phone(pending.manualKey, h.clock);
    expect(await h.service.confirmEnrolment('user-1', pending.enrolmentId, wrongCode(app.code()))).toEqual({ ok: false, reason: 'mismatch' });
    expect(await h.service.confirmEnrolment('user-1', pending.enrolmentId, '12ab56')).toEqual({ ok: false, reason: 'malformed' });
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect((await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code())).ok).toBe(true);
  });

  test('an expired enrolment is a result (the user waited too long); unknown and already confirmed ones are MfaErrors', async () => {
    const h = harness();
    await expect(h.service.confirmEnrolment('user-1', 'f_nope', '123456')).rejects.toMatchObject({ code: 'ENROLMENT_NOT_FOUND' });
    const pending = await h.service.startAuthenticatorEnrolment('user-1');
    const app = phone(pending.manualKey, h.clock);
    await expect(h.service.confirmEnrolment('user-2', pending.enrolmentId, app.code())).rejects.toMatchObject({ code: 'ENROLMENT_NOT_FOUND' });
    h.clock.advance(600_000);
    expect(await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code())).toEqual({ ok: false, reason: 'expired' });
    expect(await h.service.listFactors('user-1')).toEqual([]);

    const again = await h.service.startAuthenticatorEnrolment('user-1');
    const app2 = phone(again.manualKey, h.clock);
    expect((await h.service.confirmEnrolment('user-1', again.enrolmentId, app2.code())).ok).toBe(true);
    const error = await h.service.confirmEnrolment('user-1', again.enrolmentId, app2.code()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MfaError);
    expect((error as MfaError).code).toBe('ENROLMENT_NOT_FOUND');
  });

  test('several named authenticators: a second one needs a step-up, names are unique, backup codes are not re-issued', async () => {
    const h = harness();
    const first = await enrolApp(h, 'user-1', { name: 'Phone' });
    await expect(h.service.startAuthenticatorEnrolment('user-1', { name: 'Tablet' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    await expect(h.service.startAuthenticatorEnrolment('user-1', { name: 'Tablet', stepUpToken: 'su_forged' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    const token = await stepUp(h, 'user-1', first.app);
    await expect(h.service.startAuthenticatorEnrolment('user-1', { name: 'phone', stepUpToken: token })).rejects.toMatchObject({ code: 'DUPLICATE' });
    const second = await enrolApp(h, 'user-1', { name: 'Tablet', stepUpToken: token });
    expect(second.confirmed.ok && second.confirmed.backupCodes).toBeNull();
    const list = await h.service.listFactors('user-1');
    expect(list.map((f) => f.name)).toEqual(['Phone', 'Tablet', 'Backup codes']);
    // Login reports which device matched.
    const result = await h.service.verify('user-1', second.app.code());
    expect(result.ok && result.factor).toMatchObject({ id: second.factorId, name: 'Tablet' });
    expect(h.events.some((e) => e.type === 'step-up-refused')).toBe(true);
  });

  test('rename a factor', async () => {
    const h = harness();
    const { factorId } = await enrolApp(h, 'user-1', { name: 'Phone' });
    expect(await h.service.renameFactor('user-1', factorId, '  Old phone ')).toMatchObject({ id: factorId, name: 'Old phone' });
    expect((await h.service.listFactors('user-1'))[0]!.name).toBe('Old phone');
    await expect(h.service.renameFactor('user-1', factorId, '')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.service.renameFactor('user-1', 'f_unknown', 'x')).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    await expect(h.service.renameFactor('user-2', factorId, 'x')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    expect(h.events.at(-1)).toMatchObject({ type: 'factor-renamed', factorId, name: 'Old phone', details: { previousName: 'Phone' } });
  });

  test('replace a lost device: the old one dies when the new one is confirmed, in one step', async () => {
    const h = harness();
    const lost = await enrolApp(h, 'user-1', { name: 'Lost phone' });
    const codes = lost.confirmed.ok ? lost.confirmed.backupCodes! : [];
    // The device is gone: the user logs in with a backup code, which is also a step-up.
    const viaBackup = await h.service.verify('user-1', codes[0]!);
    expect(viaBackup.ok && viaBackup.kind).toBe('backup-codes');
    const token = viaBackup.ok ? viaBackup.stepUp.token : '';
    const pending = await h.service.replaceAuthenticator('user-1', lost.factorId, { name: 'New phone', stepUpToken: token });
    expect((await h.service.listFactors('user-1')).map((f) => f.name)).toEqual(['Lost phone', 'Backup codes']);
    const app = phone(pending.manualKey, h.clock);
    const confirmed = await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code());
    expect(confirmed).toMatchObject({ ok: true, replacedFactorId: lost.factorId, backupCodes: null });
    expect((await h.service.listFactors('user-1')).map((f) => f.name)).toEqual(['New phone', 'Backup codes']);
    h.clock.advance(30_000);
    expect((await h.service.verify('user-1', lost.app.code())).ok).toBe(false);
    expect(h.events.map((e) => e.type)).toContain('factor-replaced');
  });

  test('the stored enrolment and factor hold no plaintext secret', async () => {
    const h = harness();
    const { pending, factorId } = await enrolApp(h, 'user-1');
    const factor = await h.store.getFactor('user-1', factorId);
    const dump = JSON.stringify(factor);
    const base32 = pending.manualKey.replace(/ /g, '');
    expect(dump).not.toContain(base32);
    expect(factor!.data['secret']).toMatchObject({ alg: 'A256GCM', kid: 'k1' });
    expect(JSON.stringify(h.events)).not.toContain(base32);
  });

  test('bad input: unknown accounts and malformed arguments throw MfaError', async () => {
    const h = harness();
    expect(await h.service.listFactors('nobody')).toEqual([]);
    await expect(h.service.listFactors('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.service.verify('nobody', '123456')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    await expect(h.service.startAuthenticatorEnrolment('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.service.startAuthenticatorEnrolment('user-1', { name: 'a\u0000b' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.service.confirmEnrolment('user-1', 'f_x', 123456 as unknown as string)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('options are validated once, at construction', () => {
    expect(() => harness({ keyRing: { currentKeyId: 'k9', keys: {} } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => harness({ keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(16) } } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => harness({ issuer: 'a:b' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => harness({ limits: { lockAfter: 500 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('two confirmations of one enrolment racing', () => {
  test('the one that read the enrolment before the other activated it is told the enrolment is gone, not stale', async () => {
    // The loser's read of the pending enrolment happened before the winner's activation (the
    // interleaving PostgreSQL's conformance race hit under load): the store hands it that read.
    const memory = createMemoryStore();
    let earlier: Awaited<ReturnType<typeof memory.getEnrolment>> | undefined;
    const store = new Proxy(memory, {
      get(target, property, receiver) {
        if (property !== 'getEnrolment') return Reflect.get(target, property, receiver);
        return async (accountId: string, enrolmentId: string) => {
          if (earlier !== undefined) return earlier;
          return target.getEnrolment(accountId, enrolmentId);
        };
      },
    });
    const h = harness({ store });
    const pending = await h.service.startAuthenticatorEnrolment('user-1');
    const code = phone(pending.manualKey, h.clock).code();
    earlier = await memory.getEnrolment('user-1', pending.enrolmentId);
    const winner = await h.service.confirmEnrolment('user-1', pending.enrolmentId, code);
    expect(winner.ok).toBe(true);
    await expect(h.service.confirmEnrolment('user-1', pending.enrolmentId, code)).rejects.toMatchObject({ code: 'ENROLMENT_NOT_FOUND' });
    expect((await h.service.listFactors('user-1')).filter((f) => f.kind === 'totp')).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'enrolment-failed')).toEqual([]);
  });
});
