/**
 * Store conformance: `removeLoginFactors`, the one atomic step of disabling MFA and of account
 * recovery (factors, codes and enrolments gone, dependent challenges revoked, the account marked).
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the login-factor removal cases. */
export function loginFactorRemovalCases(add: AddStoreCase): void {
  add('removal: removeLoginFactors removes login factors, codes, enrolments and the revoked challenges; keeps the rest', async (store, ctx) => {
    const a = uniqueId('acct');
    const other = uniqueId('acct');
    const login = ctx.factor(a);
    const recovery = ctx.factor(a, { kind: 'phone', role: 'recovery' });
    const untouched = ctx.factor(other);
    for (const f of [login, recovery, untouched]) await store.insertFactor(f);
    await store.replaceBackupCodes(a, ctx.backupCodes(a, 3));
    await store.replaceBackupCodes(other, ctx.backupCodes(other, 2));
    const pending = ctx.enrolment(a);
    await store.putEnrolment(pending);
    const grant = ctx.challenge(a, { purpose: 'step-up' });
    const recoveryChallenge = ctx.challenge(a, { purpose: 'recovery' });
    const kept = ctx.challenge(a, { purpose: 'webauthn-login' });
    const othersGrant = ctx.challenge(other, { purpose: 'step-up' });
    for (const c of [grant, recoveryChallenge, kept, othersGrant]) await store.putChallenge(c);
    const result = await store.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up', 'recovery'] });
    check(result.removed, 'removed');
    checkJsonEqual(result.removed ? result.factorIds : null, [login.id], 'the removed login factor ids');
    checkJsonEqual((await store.listFactors(a)).map((f) => f.id), [recovery.id], 'recovery method kept');
    check((await store.countBackupCodes(a)) === 0, 'backup codes gone');
    check((await store.getEnrolment(a, pending.id)) === null, 'pending enrolment gone');
    check((await store.getChallenge(grant.id, ctx.T0)) === null, 'step-up grant revoked');
    check((await store.getChallenge(recoveryChallenge.id, ctx.T0)) === null, 'recovery challenge revoked');
    check((await store.getChallenge(kept.id, ctx.T0)) !== null, 'a challenge of another purpose kept');
    check((await store.getChallenge(othersGrant.id, ctx.T0)) !== null, "another account's grant kept");
    check((await store.listFactors(other)).length === 1 && (await store.countBackupCodes(other)) === 2, 'other account untouched');
    const again = await store.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up'] });
    checkJsonEqual(again, { removed: true, factorIds: [] }, 'a second removal finds nothing to remove');
  });

  add('removal: removeLoginFactors writes the account by compare-and-set; a stale revision changes nothing', async (store, ctx) => {
    const a = uniqueId('acct');
    await store.createAccount(ctx.account(a));
    const login = ctx.factor(a);
    await store.insertFactor(login);
    await store.replaceBackupCodes(a, ctx.backupCodes(a, 2));
    const stale = await store.removeLoginFactors({
      accountId: a,
      revokeChallengePurposes: [],
      account: { data: { mark: 'stale' }, updatedAt: ctx.T0 + 1, expectedRevision: 7 },
    });
    check(!stale.removed, 'a stale revision: not removed');
    check((await store.listFactors(a)).length === 1 && (await store.countBackupCodes(a)) === 2, 'a stale revision: nothing removed');
    checkJsonEqual((await store.getAccount(a))!.data, {}, 'a stale revision: the account unchanged');
    const done = await store.removeLoginFactors({
      accountId: a,
      revokeChallengePurposes: [],
      account: { data: { mark: { since: ctx.T0 } }, updatedAt: ctx.T0 + 1, expectedRevision: 0 },
    });
    check(done.removed, 'the current revision: removed');
    const account = (await store.getAccount(a))!;
    check(account.revision === 1 && account.updatedAt === ctx.T0 + 1, 'the account: revision 1, updatedAt written', { account });
    checkJsonEqual(account.data, { mark: { since: ctx.T0 } }, 'the account data written');
    check((await store.listFactors(a)).length === 0, 'the factor removed');
    const missing = await store.removeLoginFactors({
      accountId: uniqueId('acct'),
      revokeChallengePurposes: [],
      account: { data: {}, updatedAt: ctx.T0, expectedRevision: 0 },
    });
    check(!missing.removed, 'an absent account: not removed');
  });

  add('race: 10 concurrent removeLoginFactors with one revision: exactly one writes the account', async (store, ctx) => {
    const a = uniqueId('acct');
    await store.createAccount(ctx.account(a));
    await store.insertFactor(ctx.factor(a));
    const results = await concurrently(10, (i) =>
      store.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up'], account: { data: { i }, updatedAt: ctx.T0 + 1, expectedRevision: 0 } }),
    );
    check(results.filter((r) => r.removed).length === 1, 'exactly one removal wins the compare-and-set', { wins: results.filter((r) => r.removed).length });
    check((await store.getAccount(a))!.revision === 1, 'revision 1');
  });
}
