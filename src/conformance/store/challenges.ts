/**
 * Store conformance: challenges.
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the challenges cases. */
export function challengesCases(add: AddStoreCase): void {
  add('challenges: put, get, expiry, consume once with the right purpose only', async (store, ctx) => {
    const a = uniqueId('acct');
    const c = ctx.challenge(a, { purpose: 'webauthn-login' });
    await store.putChallenge(c);
    checkJsonEqual(await store.getChallenge(c.id, ctx.T0), c, 'round trip');
    check((await store.getChallenge(c.id, c.expiresAt - 1)) !== null, 'live until just before expiresAt');
    check((await store.consumeChallenge(c.id, { purpose: 'ssh-recovery', now: ctx.T0 })) === null, 'wrong purpose: null');
    check((await store.getChallenge(c.id, ctx.T0)) !== null, 'wrong purpose left it alone');
    checkJsonEqual(await store.consumeChallenge(c.id, { purpose: 'webauthn-login', now: ctx.T0 }), c, 'consume returns the record');
    check((await store.consumeChallenge(c.id, { purpose: 'webauthn-login', now: ctx.T0 })) === null, 'second consume: null');
    const late = ctx.challenge(null, { expiresAt: ctx.T0 + 5 });
    await store.putChallenge(late);
    check((await store.getChallenge(late.id, ctx.T0 + 5)) === null, 'expired at expiresAt');
    check((await store.consumeChallenge(late.id, { purpose: late.purpose, now: ctx.T0 + 5 })) === null, 'expired challenge cannot be consumed');
  });

  add('challenges: putChallenge replaces by id (a resent code replaces the previous one)', async (store, ctx) => {
    const c = ctx.challenge(uniqueId('acct'));
    await store.putChallenge(c);
    await store.putChallenge({ ...c, data: { code: 'second' } });
    checkJsonEqual((await store.getChallenge(c.id, ctx.T0))!.data, { code: 'second' }, 'replaced');
  });

  add('race: 50 concurrent consumeChallenge: exactly one gets it', async (store, ctx) => {
    const c = ctx.challenge(uniqueId('acct'));
    await store.putChallenge(c);
    const results = await concurrently(50, () => store.consumeChallenge(c.id, { purpose: c.purpose, now: ctx.T0 }));
    check(results.filter((r) => r !== null).length === 1, 'exactly one winner', { wins: results.filter((r) => r !== null).length });
  });

  add('challenges: listChallenges returns the live challenges of one account and purpose, and a deletion shows at once', async (store, ctx) => {
    const a = uniqueId('acct');
    const other = uniqueId('acct');
    const first = ctx.challenge(a, { purpose: 'remembered-device' });
    const second = ctx.challenge(a, { purpose: 'remembered-device' });
    const soon = ctx.challenge(a, { purpose: 'remembered-device', expiresAt: ctx.T0 + 60_000 });
    const otherPurpose = ctx.challenge(a, { purpose: 'step-up' });
    const otherAccount = ctx.challenge(other, { purpose: 'remembered-device' });
    for (const c of [first, second, soon, otherPurpose, otherAccount]) await store.putChallenge(c);
    const ids = async (now: number) => (await store.listChallenges(a, 'remembered-device', now)).map((c) => c.id).sort();
    checkJsonEqual(await ids(ctx.T0), [first.id, second.id, soon.id].sort(), 'the three of this account and purpose');
    checkJsonEqual(await ids(ctx.T0 + 60_000), [first.id, second.id].sort(), 'an expired one is left out');
    const listed = (await store.listChallenges(a, 'remembered-device', ctx.T0)).find((c) => c.id === first.id);
    checkJsonEqual(listed, first, 'records come back whole');
    check((await store.consumeChallenge(first.id, { purpose: 'remembered-device', now: ctx.T0 })) !== null, 'consumed one');
    checkJsonEqual(await ids(ctx.T0 + 60_000), [second.id], 'a consumed one is gone at once');
    await store.deleteChallenges(a, 'remembered-device');
    checkJsonEqual(await ids(ctx.T0), [], 'deleteChallenges empties the list at once');
    check((await store.listChallenges(other, 'remembered-device', ctx.T0)).length === 1, 'the other account keeps its own');
    check((await store.listChallenges(uniqueId('acct'), 'remembered-device', ctx.T0)).length === 0, 'unknown account: empty');
  });

  add('challenges: compareAndSetChallenge at the expected revision only; deleteChallenges by account and purpose', async (store, ctx) => {
    const a = uniqueId('acct');
    const c = ctx.challenge(a);
    await store.putChallenge(c);
    check(await store.compareAndSetChallenge({ ...c, data: { attempts: 1 } }, 0, ctx.T0), 'CAS at 0');
    check(!(await store.compareAndSetChallenge({ ...c, data: { attempts: 9 } }, 0, ctx.T0)), 'stale CAS');
    const got = (await store.getChallenge(c.id, ctx.T0))!;
    check(got.revision === 1, 'revision 1');
    checkJsonEqual(got.data, { attempts: 1 }, 'data');
    const concurrent = await concurrently(20, (i) => store.compareAndSetChallenge({ ...c, data: { i } }, 1, ctx.T0));
    check(concurrent.filter(Boolean).length === 1, 'exactly one concurrent CAS wins');
    const grant1 = ctx.challenge(a, { purpose: 'step-up' });
    const grant2 = ctx.challenge(a, { purpose: 'step-up' });
    const otherAccount = ctx.challenge(uniqueId('acct'), { purpose: 'step-up' });
    for (const x of [grant1, grant2, otherAccount]) await store.putChallenge(x);
    check((await store.deleteChallenges(a, 'step-up')) === 2, 'two deleted');
    check((await store.getChallenge(c.id, ctx.T0)) !== null, 'other purpose kept');
    check((await store.getChallenge(otherAccount.id, ctx.T0)) !== null, 'other account kept');
    check(!(await store.compareAndSetChallenge({ ...c, data: {} }, 2, c.expiresAt)), 'CAS on an expired challenge refused');
  });
}
