/**
 * Store conformance: a WebAuthn credential id is registered to at most one factor across all
 * accounts (WebAuthn L3 §7.1 step 26).
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase, StoreCaseContext } from './case-context.js';

function webauthnFactor(ctx: StoreCaseContext, accountId: string, credentialId: string) {
  return ctx.factor(accountId, { kind: 'webauthn', name: 'Key', data: { credentialId, publicKey: 'cHVi', backupEligible: false } });
}

/** Adds the credential-id cases. */
export function credentialIdCases(add: AddStoreCase): void {
  add('credential ids: insertFactor refuses a WebAuthn credential id another account holds', async (store, ctx) => {
    const credentialId = uniqueId('cred');
    const [a, b] = [uniqueId('acct'), uniqueId('acct')];
    check(await store.insertFactor(webauthnFactor(ctx, a, credentialId)), 'the first registration is stored');
    const second = webauthnFactor(ctx, b, credentialId);
    check(!(await store.insertFactor(second)), 'the same credential id on another account is refused');
    check((await store.getFactor(b, second.id)) === null, 'nothing stored for the other account');
    const same = webauthnFactor(ctx, a, credentialId);
    check(!(await store.insertFactor(same)), 'the same credential id twice on one account is refused too');
    check(await store.insertFactor(webauthnFactor(ctx, b, uniqueId('cred'))), 'another credential id is fine');
    check(await store.insertFactor(ctx.factor(b, { data: { credentialId } })), 'a non-WebAuthn factor is not a credential');
  });

  add('credential ids: activateEnrolment refuses a taken credential id and leaves the enrolment pending', async (store, ctx) => {
    const credentialId = uniqueId('cred');
    const [a, b] = [uniqueId('acct'), uniqueId('acct')];
    check(await store.insertFactor(webauthnFactor(ctx, a, credentialId)), 'held by account a');
    const pending = ctx.enrolment(b, { kind: 'webauthn', data: { challenge: 'Y2g' } });
    await store.putEnrolment(pending);
    const factor = { ...webauthnFactor(ctx, b, credentialId), id: pending.id };
    const result = await store.activateEnrolment({ accountId: b, enrolmentId: pending.id, factor, backupCodes: ctx.backupCodes(b, 2), now: ctx.T0 });
    checkJsonEqual(result, { activated: false, conflict: 'credential-id' }, 'refused, and says why');
    check((await store.getFactor(b, pending.id)) === null, 'no factor');
    check((await store.countBackupCodes(b)) === 0, 'no backup codes');
    check((await store.getEnrolment(b, pending.id)) !== null, 'the enrolment is still pending');
  });

  add('credential ids: a deleted credential can be registered again, by any account', async (store, ctx) => {
    const credentialId = uniqueId('cred');
    const [a, b, c] = [uniqueId('acct'), uniqueId('acct'), uniqueId('acct')];
    const first = webauthnFactor(ctx, a, credentialId);
    check(await store.insertFactor(first), 'held by a');
    check((await store.deleteFactor(a, first.id)) === 'deleted', 'a removes it');
    check(await store.insertFactor(webauthnFactor(ctx, b, credentialId)), 'b may register it now');
    check((await store.deleteLoginFactors(b)) === 1, 'b disables MFA');
    const pending = ctx.enrolment(c, { kind: 'webauthn', data: { challenge: 'Y2g' } });
    await store.putEnrolment(pending);
    const result = await store.activateEnrolment({ accountId: c, enrolmentId: pending.id, factor: { ...webauthnFactor(ctx, c, credentialId), id: pending.id }, now: ctx.T0 });
    check(result.activated, 'c may register it after that', { result });
  });

  add('race: 10 accounts activating one credential id at once: exactly one holds it', async (store, ctx) => {
    const credentialId = uniqueId('cred');
    const accounts = Array.from({ length: 10 }, () => uniqueId('acct'));
    const pendings = accounts.map((a) => ctx.enrolment(a, { kind: 'webauthn', data: { challenge: 'Y2g' } }));
    for (const p of pendings) await store.putEnrolment(p);
    const results = await concurrently(10, (i) =>
      store.activateEnrolment({ accountId: accounts[i]!, enrolmentId: pendings[i]!.id, factor: { ...webauthnFactor(ctx, accounts[i]!, credentialId), id: pendings[i]!.id }, now: ctx.T0 }),
    );
    const won = results.filter((r) => r.activated).length;
    check(won === 1, 'exactly one activation wins', { won });
    let stored = 0;
    for (let i = 0; i < 10; i++) if ((await store.getFactor(accounts[i]!, pendings[i]!.id)) !== null) stored++;
    check(stored === 1, 'exactly one factor is stored', { stored });
  });
}
