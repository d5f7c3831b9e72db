import { describe, expect, test } from 'vitest';
import type { PolicyHook } from '../../src/index.js';
import { enrolApp, harness, stepUp } from './helpers.js';

describe('step-up', () => {
  test('a verification grants a step-up for 10 minutes, for its own account only', async () => {
    const h = harness();
    const a = await enrolApp(h, 'user-a');
    await enrolApp(h, 'user-b');
    const token = await stepUp(h, 'user-a', a.app);
    expect(await h.service.hasRecentStepUp('user-a', token)).toBe(true);
    expect(await h.service.hasRecentStepUp('user-b', token)).toBe(false);
    await expect(h.service.regenerateBackupCodes('user-b', { stepUpToken: token })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    h.clock.advance(600_000);
    expect(await h.service.hasRecentStepUp('user-a', token)).toBe(false);
    await expect(h.service.regenerateBackupCodes('user-a', { stepUpToken: token })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
  });

  test('the grant of verify is minted when read: the same token every read, in spreads and JSON, and fixed at verification', async () => {
    const h = harness();
    const a = await enrolApp(h, 'user-a');
    const result = await h.service.verify('user-a', a.app.code());
    if (!result.ok) throw new Error('expected a match');
    expect(Object.keys(result)).toContain('stepUp');
    // Read late: the expiry still counts from the verification, not from the read.
    h.clock.advance(60_000);
    const grant = result.stepUp;
    expect(grant.expiresAt).toBe(h.clock() - 60_000 + 600_000);
    expect(result.stepUp).toBe(grant);
    expect({ ...result }.stepUp).toBe(grant);
    expect(JSON.parse(JSON.stringify(result)).stepUp).toEqual({ token: grant.token, expiresAt: grant.expiresAt });
    expect(await h.service.hasRecentStepUp('user-a', grant.token)).toBe(true);

    // A grant first read after the account's grants were revoked is revoked too.
    h.clock.advance(30_000);
    const unread = await h.service.verify('user-a', a.app.code());
    if (!unread.ok) throw new Error('expected a match');
    expect(await h.store.deleteChallenges('user-a', 'step-up')).toBe(1);
    expect(await h.service.hasRecentStepUp('user-a', unread.stepUp.token)).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', grant.token)).toBe(false);
  });

  test('a token is MACed: a tampered or forged token is refused, and the store holds no token', async () => {
    const h = harness();
    const a = await enrolApp(h, 'user-a');
    await enrolApp(h, 'user-b');
    const result = await h.service.verify('user-a', a.app.code());
    const token = result.ok ? result.stepUp.token : '';
    const [prefix, kid, expiry, generation, tag] = token.split('.');
    expect(prefix).toBe('su2');
    // The account is bound by the MAC: the same token is worthless for another account.
    expect(await h.service.hasRecentStepUp('user-b', token)).toBe(false);
    // A later expiry (or any other changed field) breaks the MAC.
    const later = (parseInt(expiry!, 36) + 3_600_000).toString(36);
    expect(await h.service.hasRecentStepUp('user-a', `${prefix}.${kid}.${later}.${generation}.${tag}`)).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', `${prefix}.${kid}.${expiry}.${generation}A.${tag}`)).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', `${token.slice(0, -2)}AA`)).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', `${token}.x`)).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', 'su2.x.y.z.w')).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', 'su1.x.y.z')).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', token)).toBe(true);
    expect(JSON.stringify(h.events)).not.toContain(token);
    expect(JSON.stringify(h.events)).not.toContain(tag!);
  });

  test('deleting the account\'s step-up challenges revokes every token (what disable and recovery do)', async () => {
    const h = harness();
    const a = await enrolApp(h, 'user-a');
    const first = await stepUp(h, 'user-a', a.app);
    const second = await stepUp(h, 'user-a', a.app);
    expect(await h.store.deleteChallenges('user-a', 'step-up')).toBe(1);
    expect(await h.service.hasRecentStepUp('user-a', first)).toBe(false);
    expect(await h.service.hasRecentStepUp('user-a', second)).toBe(false);
    const third = await stepUp(h, 'user-a', a.app);
    expect(await h.service.hasRecentStepUp('user-a', third)).toBe(true);
  });
});

describe('regenerating backup codes', () => {
  test('needs a step-up; the old set dies, the new one works', async () => {
    const h = harness();
    const { app, confirmed } = await enrolApp(h, 'user-1');
    const old = confirmed.ok ? confirmed.backupCodes! : [];
    await expect(h.service.regenerateBackupCodes('user-1', { stepUpToken: '' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    const token = await stepUp(h, 'user-1', app);
    const { backupCodes: codes } = await h.service.regenerateBackupCodes('user-1', { stepUpToken: token });
    expect(codes).toHaveLength(10);
    expect(codes.some((c) => old.includes(c))).toBe(false);
    expect(await h.service.verify('user-1', old[0]!)).toEqual({ ok: false, reason: 'mismatch' });
    expect((await h.service.verify('user-1', codes[0]!)).ok).toBe(true);
    expect(h.events.map((e) => e.type)).toContain('backup-codes-regenerated');
  });

  test('a regenerated set takes the tombstones of used old codes with it', async () => {
    const h = harness();
    const { app, confirmed } = await enrolApp(h, 'user-1');
    const old = confirmed.ok ? confirmed.backupCodes! : [];
    expect((await h.service.verify('user-1', old[0]!)).ok).toBe(true);
    expect(await h.service.verify('user-1', old[0]!)).toEqual({ ok: false, reason: 'replayed' });
    const token = await stepUp(h, 'user-1', app);
    await h.service.regenerateBackupCodes('user-1', { stepUpToken: token });
    // The old set is dead: its used code is now as wrong as its unused ones.
    expect(await h.service.verify('user-1', old[0]!)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await h.service.verify('user-1', old[1]!)).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('removing factors and disabling MFA', () => {
  test('remove one of two factors with a step-up; its codes stop working', async () => {
    const h = harness();
    const phone = await enrolApp(h, 'user-1', { name: 'Phone' });
    const token = await stepUp(h, 'user-1', phone.app);
    const tablet = await enrolApp(h, 'user-1', { name: 'Tablet', stepUpToken: token });
    await expect(h.service.removeFactor('user-1', phone.factorId, { stepUpToken: 'nope' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    const removed = await h.service.removeFactor('user-1', phone.factorId, { stepUpToken: token });
    expect(removed).toMatchObject({ ok: true, mfaDisabled: false, removed: { id: phone.factorId, name: 'Phone' } });
    expect((await h.service.verify('user-1', phone.app.code())).ok).toBe(false);
    expect((await h.service.verify('user-1', tablet.app.code())).ok).toBe(true);
    await expect(h.service.removeFactor('user-1', phone.factorId, { stepUpToken: token })).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    expect(h.events.find((e) => e.type === 'factor-removed')).toMatchObject({ factorId: phone.factorId, name: 'Phone' });
  });

  test('removing the last factor is disabling MFA: it needs the confirmation', async () => {
    const h = harness();
    const { app, factorId } = await enrolApp(h, 'user-1');
    const token = await stepUp(h, 'user-1', app);
    expect(await h.service.removeFactor('user-1', factorId, { stepUpToken: token })).toEqual({ ok: false, reason: 'confirmation-mismatch' });
    expect(await h.service.listFactors('user-1')).toHaveLength(2);
    const removed = await h.service.removeFactor('user-1', factorId, { stepUpToken: token, confirmation: 'Disable' });
    expect(removed.ok && removed.mfaDisabled).toBe(true);
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect((await h.service.loginRequirement('user-1')).mfaRequired).toBe(false);
  });

  test('disable takes the tombstones of used backup codes with the set; a new set starts clean', async () => {
    const h = harness();
    const { app, confirmed } = await enrolApp(h, 'user-1');
    const old = confirmed.ok ? confirmed.backupCodes! : [];
    expect((await h.service.verify('user-1', old[0]!)).ok).toBe(true);
    expect((await h.service.verify('user-1', old[1]!)).ok).toBe(true);
    const token = await stepUp(h, 'user-1', app);
    await h.service.disable('user-1', { confirmation: 'disable', stepUpToken: token });
    // Nothing of the old set is left in the store (deleting again finds no tombstone).
    expect(await h.store.deleteChallenges('user-1', 'backup-code-used')).toBe(0);
    expect(await h.store.countBackupCodes('user-1')).toBe(0);
    await enrolApp(h, 'user-1');
    expect(await h.service.verify('user-1', old[0]!)).toEqual({ ok: false, reason: 'mismatch' });
  });

  test('disable: "disable" in any case, trimmed; wrong text is a result, a missing step-up an error: nothing changes', async () => {
    const h = harness();
    const { app, confirmed } = await enrolApp(h, 'user-1');
    const codes = confirmed.ok ? confirmed.backupCodes! : [];
    const token = await stepUp(h, 'user-1', app);
    for (const confirmation of ['', 'disabled', 'dis able', 'yes']) {
      expect(await h.service.disable('user-1', { confirmation, stepUpToken: token })).toEqual({ ok: false, reason: 'confirmation-mismatch' });
    }
    for (const confirmation of [undefined, 42]) {
      await expect(h.service.disable('user-1', { confirmation: confirmation as never, stepUpToken: token })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(h.service.disable('user-1', { confirmation: 'DISABLE', stepUpToken: 'x' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    expect(await h.service.listFactors('user-1')).toHaveLength(2);
    expect(await h.service.disable('user-1', { confirmation: '  DiSaBlE \n', stepUpToken: token })).toEqual({ ok: true, factorsRemoved: 1 });
    expect(await h.service.listFactors('user-1')).toEqual([]);
    await expect(h.service.verify('user-1', codes[1]!)).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    // Every step-up grant is revoked.
    expect(await h.service.hasRecentStepUp('user-1', token)).toBe(false);
    expect(h.events.at(-1)).toMatchObject({ type: 'mfa-disabled', details: { factorsRemoved: 1 } });
  });

  test('a policy can refuse disabling and removing, naming what blocks it; enrolling a forbidden kind is refused', async () => {
    const seen: string[] = [];
    const policy: PolicyHook = {
      check(action, context) {
        seen.push(`${action.type}:${context.factors.map((f) => f.kind).join('+')}`);
        if (action.type === 'disable' || action.type === 'remove-factor') {
          return { allowed: false, code: 'MFA_REQUIRED_BY_POLICY', owners: [{ id: 'org-2', name: 'Beta' }, { id: 'org-1', name: 'Acme' }], message: 'Acme and Beta enforce MFA' };
        }
        if (action.type === 'enrol' && action.kind === 'sms') {
          return { allowed: false, code: 'FACTOR_NOT_ALLOWED', owners: [{ id: 'org-1', name: 'Acme' }], message: 'Acme does not allow SMS' };
        }
        return { allowed: true };
      },
    };
    const h = harness({ policy });
    const phone = await enrolApp(h, 'user-1', { name: 'Phone' });
    const token = await stepUp(h, 'user-1', phone.app);
    const tablet = await enrolApp(h, 'user-1', { name: 'Tablet', stepUpToken: token });
    const refusal = await h.service.disable('user-1', { confirmation: 'disable', stepUpToken: token }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'MFA_REQUIRED_BY_POLICY', details: { owners: [{ id: 'org-2', name: 'Beta' }, { id: 'org-1', name: 'Acme' }] } });
    await expect(h.service.removeFactor('user-1', tablet.factorId, { stepUpToken: token })).rejects.toMatchObject({ code: 'MFA_REQUIRED_BY_POLICY' });
    await expect(h.service.startOobEnrolment('user-1', { channel: 'sms', destination: '+41790000000', stepUpToken: token })).rejects.toMatchObject({ code: 'FACTOR_NOT_ALLOWED' });
    expect(await h.service.listFactors('user-1')).toHaveLength(3);
    expect(seen).toContain('enrol:');
    expect(seen).toContain('disable:totp+totp+backup-codes');
    expect(h.events.filter((e) => e.type === 'policy-refused')).toHaveLength(3);
  });

  test('loginRequirement passes on the policy deadline', async () => {
    const deadline = Date.UTC(2026, 5, 1);
    const h = harness({ policy: { check: (action) => (action.type === 'login' ? { allowed: true, enrolmentRequiredBy: deadline } : { allowed: true }) } });
    expect(await h.service.loginRequirement('new-user')).toEqual({ mfaRequired: false, factors: [], enrolmentRequiredBy: deadline });
  });

  test('deleteAccount forgets the account', async () => {
    const h = harness();
    await enrolApp(h, 'user-1');
    expect(await h.service.deleteAccount('user-1')).toBe(true);
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect(await h.store.getAccount('user-1')).toBeNull();
  });
});
