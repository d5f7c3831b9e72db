/**
 * Store conformance: accounts.
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the accounts cases. */
export function accountsCases(add: AddStoreCase): void {
  add('accounts: createAccount inserts once and getAccount returns a copy', async (store, ctx) => {
    const id = uniqueId('acct');
    check((await store.getAccount(id)) === null, 'unknown account is null');
    check(await store.createAccount(ctx.account(id, { data: { flag: true } })), 'first create inserts');
    check(!(await store.createAccount(ctx.account(id, { data: { flag: false } }))), 'second create does not insert');
    const got = await store.getAccount(id);
    checkJsonEqual(got, ctx.account(id, { data: { flag: true } }), 'stored account');
    try {
      (got!.data as Record<string, unknown>)['flag'] = 'mutated';
    } catch {
      // A store may hand out frozen records: mutating them throws, which is fine too.
    }
    checkJsonEqual((await store.getAccount(id))!.data, { flag: true }, 'store is not affected by mutating a returned record');
  });

  add('accounts: compareAndSetAccount succeeds only at the expected revision', async (store, ctx) => {
    const id = uniqueId('acct');
    await store.createAccount(ctx.account(id));
    check(await store.compareAndSetAccount(ctx.account(id, { data: { n: 1 }, updatedAt: ctx.T0 + 1 }), 0), 'CAS at revision 0');
    check(!(await store.compareAndSetAccount(ctx.account(id, { data: { n: 2 } }), 0)), 'stale CAS refused');
    const got = await store.getAccount(id);
    check(got!.revision === 1, 'revision is 1 after one CAS', { revision: got!.revision });
    checkJsonEqual(got!.data, { n: 1 }, 'data after CAS');
    check(!(await store.compareAndSetAccount(ctx.account(uniqueId('acct')), 0)), 'CAS on a missing account is refused');
  });

  add('accounts: concurrent compareAndSetAccount at one revision: exactly one wins', async (store, ctx) => {
    const id = uniqueId('acct');
    await store.createAccount(ctx.account(id));
    const results = await concurrently(20, (i) => store.compareAndSetAccount(ctx.account(id, { data: { i } }), 0));
    check(results.filter(Boolean).length === 1, 'exactly one CAS wins', { wins: results.filter(Boolean).length });
  });

  add('accounts: deleteAccount forgets everything bound to the account and nothing else', async (store, ctx) => {
    const a = uniqueId('acct');
    const other = uniqueId('acct');
    await store.createAccount(ctx.account(a));
    await store.createAccount(ctx.account(other));
    const f = ctx.factor(a);
    const r = ctx.factor(a, { kind: 'ssh-key', role: 'recovery' });
    const keep = ctx.factor(other);
    for (const x of [f, r, keep]) await store.insertFactor(x);
    const pending = ctx.enrolment(a);
    await store.putEnrolment(pending);
    await store.replaceBackupCodes(a, ctx.backupCodes(a, 2));
    const c = ctx.challenge(a);
    const otherChallenge = ctx.challenge(other);
    await store.putChallenge(c);
    await store.putChallenge(otherChallenge);
    check(await store.deleteAccount(a), 'deleted');
    check((await store.getAccount(a)) === null, 'account gone');
    check((await store.listFactors(a)).length === 0, 'factors and recovery methods gone');
    check((await store.getEnrolment(a, pending.id)) === null, 'enrolment gone');
    check((await store.countBackupCodes(a)) === 0, 'codes gone');
    check((await store.getChallenge(c.id, ctx.T0)) === null, 'challenge gone');
    check((await store.getAccount(other)) !== null && (await store.listFactors(other)).length === 1, 'other account kept');
    check((await store.getChallenge(otherChallenge.id, ctx.T0)) !== null, 'other challenge kept');
    check(!(await store.deleteAccount(a)), 'second delete: false');
  });
}
