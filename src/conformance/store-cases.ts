/**
 * Store-level conformance cases: each guarantee of the storage contract, races included.
 * @module
 */
import type { Clock } from '../clock.js';
import type { MfaStore } from '../store/contract.js';
import type { MfaFactorRecord } from '../store/records.js';
import { check, checkJsonEqual, checkRejects, concurrently, uniqueId } from './check.js';
import { recordBuilders } from './records.js';
import type { ConformanceCase, StoreFactory } from './types.js';

/** The store-level cases (no service involved). */
export function storeLevelCases(makeStore: StoreFactory, now: Clock): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  // Each case reads the clock once when it starts (T0), so stores that also expire data by
  // wall-clock time (Redis TTLs) agree with the times the case passes in. Within a case, time only
  // moves forward, so stores may delete expired records lazily on read.
  let T0 = 0;
  let b = recordBuilders(0);
  const add = (name: string, body: (store: MfaStore) => Promise<void>): void => {
    cases.push({
      name,
      run: async () => {
        T0 = Math.floor(now());
        b = recordBuilders(T0);
        await body(await makeStore());
      },
    });
  };
  type Builders = ReturnType<typeof recordBuilders>;
  const account: Builders['account'] = (...args) => b.account(...args);
  const factor: Builders['factor'] = (...args) => b.factor(...args);
  const enrolment: Builders['enrolment'] = (...args) => b.enrolment(...args);
  const factorFrom: Builders['factorFrom'] = (...args) => b.factorFrom(...args);
  const backupCodes: Builders['backupCodes'] = (...args) => b.backupCodes(...args);
  const challenge: Builders['challenge'] = (...args) => b.challenge(...args);

  // --- accounts -------------------------------------------------------------------------------
  add('accounts: createAccount inserts once and getAccount returns a copy', async (store) => {
    const id = uniqueId('acct');
    check((await store.getAccount(id)) === null, 'unknown account is null');
    check(await store.createAccount(account(id, { data: { flag: true } })), 'first create inserts');
    check(!(await store.createAccount(account(id, { data: { flag: false } }))), 'second create does not insert');
    const got = await store.getAccount(id);
    checkJsonEqual(got, account(id, { data: { flag: true } }), 'stored account');
    try {
      (got!.data as Record<string, unknown>)['flag'] = 'mutated';
    } catch {
      // A store may hand out frozen records: mutating them throws, which is fine too.
    }
    checkJsonEqual((await store.getAccount(id))!.data, { flag: true }, 'store is not affected by mutating a returned record');
  });

  add('accounts: compareAndSetAccount succeeds only at the expected revision', async (store) => {
    const id = uniqueId('acct');
    await store.createAccount(account(id));
    check(await store.compareAndSetAccount(account(id, { data: { n: 1 }, updatedAt: T0 + 1 }), 0), 'CAS at revision 0');
    check(!(await store.compareAndSetAccount(account(id, { data: { n: 2 } }), 0)), 'stale CAS refused');
    const got = await store.getAccount(id);
    check(got!.revision === 1, 'revision is 1 after one CAS', { revision: got!.revision });
    checkJsonEqual(got!.data, { n: 1 }, 'data after CAS');
    check(!(await store.compareAndSetAccount(account(uniqueId('acct')), 0)), 'CAS on a missing account is refused');
  });

  add('accounts: concurrent compareAndSetAccount at one revision: exactly one wins', async (store) => {
    const id = uniqueId('acct');
    await store.createAccount(account(id));
    const results = await concurrently(20, (i) => store.compareAndSetAccount(account(id, { data: { i } }), 0));
    check(results.filter(Boolean).length === 1, 'exactly one CAS wins', { wins: results.filter(Boolean).length });
  });

  add('accounts: deleteAccount forgets everything bound to the account and nothing else', async (store) => {
    const a = uniqueId('acct');
    const other = uniqueId('acct');
    await store.createAccount(account(a));
    await store.createAccount(account(other));
    const f = factor(a);
    const r = factor(a, { kind: 'ssh-key', role: 'recovery' });
    const keep = factor(other);
    for (const x of [f, r, keep]) await store.insertFactor(x);
    const pending = enrolment(a);
    await store.putEnrolment(pending);
    await store.replaceBackupCodes(a, backupCodes(a, 2));
    const c = challenge(a);
    const otherChallenge = challenge(other);
    await store.putChallenge(c);
    await store.putChallenge(otherChallenge);
    check(await store.deleteAccount(a), 'deleted');
    check((await store.getAccount(a)) === null, 'account gone');
    check((await store.listFactors(a)).length === 0, 'factors and recovery methods gone');
    check((await store.getEnrolment(a, pending.id)) === null, 'enrolment gone');
    check((await store.countBackupCodes(a)) === 0, 'codes gone');
    check((await store.getChallenge(c.id, T0)) === null, 'challenge gone');
    check((await store.getAccount(other)) !== null && (await store.listFactors(other)).length === 1, 'other account kept');
    check((await store.getChallenge(otherChallenge.id, T0)) !== null, 'other challenge kept');
    check(!(await store.deleteAccount(a)), 'second delete: false');
  });

  // --- schema versions ------------------------------------------------------------------------
  add('schema: records with an unknown schema version are refused with STORE_SCHEMA_VERSION', async (store) => {
    const id = uniqueId('acct');
    const future = { ...factor(id), v: 2 } as unknown as MfaFactorRecord;
    await checkRejects(() => store.insertFactor(future), 'STORE_SCHEMA_VERSION', 'insertFactor with v=2');
    await checkRejects(
      () => store.putChallenge({ ...challenge(id), v: 99 } as never),
      'STORE_SCHEMA_VERSION',
      'putChallenge with v=99',
    );
    check((await store.listFactors(id)).length === 0, 'nothing was stored');
  });

  // --- factors --------------------------------------------------------------------------------
  add('factors: insert, get (scoped to the account), list, duplicate id refused', async (store) => {
    const a = uniqueId('acct');
    const b = uniqueId('acct');
    const f = factor(a);
    check(await store.insertFactor(f), 'insert');
    check(!(await store.insertFactor({ ...f, name: 'Other' })), 'duplicate id in the same account refused');
    check(!(await store.insertFactor({ ...f, accountId: b })), 'duplicate id in another account refused');
    checkJsonEqual(await store.getFactor(a, f.id), f, 'round trip keeps every field, nested JSON included');
    check((await store.getFactor(b, f.id)) === null, 'a factor of another account is not found');
    check((await store.listFactors(b)).length === 0, 'other account lists nothing');
    const second = factor(a, { kind: 'ssh-key', role: 'recovery', name: 'laptop key' });
    await store.insertFactor(second);
    const ids = (await store.listFactors(a)).map((x) => x.id).sort();
    checkJsonEqual(ids, [f.id, second.id].sort(), 'list');
  });

  add('factors: compareAndSetFactor replaces name/role/data at the expected revision only, never lastStep', async (store) => {
    const a = uniqueId('acct');
    const f = factor(a);
    await store.insertFactor(f);
    check(await store.advanceFactorStep(a, f.id, 10, T0 + 5), 'advance to 10');
    check(await store.compareAndSetFactor({ ...f, name: 'Renamed', data: { x: 1 }, lastStep: 999, lastUsedAt: 1 }, 0), 'CAS at 0');
    const got = (await store.getFactor(a, f.id))!;
    check(got.name === 'Renamed' && got.revision === 1, 'name and revision updated');
    checkJsonEqual(got.data, { x: 1 }, 'data updated');
    check(got.lastStep === 10 && got.lastUsedAt === T0 + 5, 'lastStep and lastUsedAt untouched by CAS', { got });
    check(!(await store.compareAndSetFactor({ ...f, name: 'Stale' }, 0)), 'stale CAS refused');
    check(!(await store.compareAndSetFactor({ ...f, accountId: uniqueId('acct') }, 1)), 'CAS under another account refused');
  });

  add('factors: advanceFactorStep only moves forward', async (store) => {
    const a = uniqueId('acct');
    const f = factor(a);
    await store.insertFactor(f);
    check(await store.advanceFactorStep(a, f.id, 0, T0), 'from -1 to 0');
    check(!(await store.advanceFactorStep(a, f.id, 0, T0)), 'same step refused');
    check(await store.advanceFactorStep(a, f.id, 57_000_000, T0 + 1), 'forward');
    check(!(await store.advanceFactorStep(a, f.id, 56_999_999, T0 + 2)), 'backward refused');
    const got = (await store.getFactor(a, f.id))!;
    check(got.lastStep === 57_000_000 && got.lastUsedAt === T0 + 1, 'stored step and time');
    check(!(await store.advanceFactorStep(uniqueId('acct'), f.id, 60_000_000, T0)), 'another account cannot advance it');
    check(!(await store.advanceFactorStep(a, uniqueId('factor'), 1, T0)), 'unknown factor: false');
  });

  add('race: 50 concurrent advanceFactorStep with one step: exactly one succeeds', async (store) => {
    const a = uniqueId('acct');
    const f = factor(a);
    await store.insertFactor(f);
    const results = await concurrently(50, () => store.advanceFactorStep(a, f.id, 1000, T0));
    check(results.filter(Boolean).length === 1, 'exactly one advance', { wins: results.filter(Boolean).length });
  });

  add('race: 50 concurrent advanceFactorStep with steps 1..50: the highest step ends stored', async (store) => {
    const a = uniqueId('acct');
    const f = factor(a);
    await store.insertFactor(f);
    await concurrently(50, (i) => store.advanceFactorStep(a, f.id, i + 1, T0));
    check((await store.getFactor(a, f.id))!.lastStep === 50, 'last step is 50');
  });

  add('factors: deleteFactor outcomes and minRemainingLoginFactors', async (store) => {
    const a = uniqueId('acct');
    const one = factor(a);
    const two = factor(a);
    const recovery = factor(a, { kind: 'ssh-key', role: 'recovery' });
    for (const f of [one, two, recovery]) await store.insertFactor(f);
    check((await store.deleteFactor(a, uniqueId('factor'))) === 'not-found', 'unknown id');
    check((await store.deleteFactor(uniqueId('acct'), one.id)) === 'not-found', 'another account cannot delete it');
    check((await store.deleteFactor(a, one.id, { minRemainingLoginFactors: 1 })) === 'deleted', 'one login factor remains');
    check(
      (await store.deleteFactor(a, two.id, { minRemainingLoginFactors: 1 })) === 'too-few-remaining',
      'recovery methods do not count as login factors',
    );
    check((await store.getFactor(a, two.id)) !== null, 'refused delete changed nothing');
    check((await store.deleteFactor(a, two.id)) === 'deleted', 'unconditional delete');
  });

  add('race: two concurrent removals with minRemainingLoginFactors 1 of two factors: one succeeds', async (store) => {
    const a = uniqueId('acct');
    const one = factor(a);
    const two = factor(a);
    await store.insertFactor(one);
    await store.insertFactor(two);
    const outcomes = await Promise.all([
      store.deleteFactor(a, one.id, { minRemainingLoginFactors: 1 }),
      store.deleteFactor(a, two.id, { minRemainingLoginFactors: 1 }),
    ]);
    check(outcomes.filter((o) => o === 'deleted').length === 1, 'exactly one deleted', { outcomes });
    check((await store.listFactors(a)).length === 1, 'one factor left');
  });

  add('factors: deleteLoginFactors removes login factors, backup codes and enrolments, keeps recovery methods', async (store) => {
    const a = uniqueId('acct');
    const other = uniqueId('acct');
    const login = factor(a);
    const recovery = factor(a, { kind: 'phone', role: 'recovery' });
    const untouched = factor(other);
    for (const f of [login, recovery, untouched]) await store.insertFactor(f);
    await store.replaceBackupCodes(a, backupCodes(a, 3));
    await store.replaceBackupCodes(other, backupCodes(other, 2));
    const pending = enrolment(a);
    await store.putEnrolment(pending);
    check((await store.deleteLoginFactors(a)) === 1, 'one login factor deleted');
    checkJsonEqual((await store.listFactors(a)).map((f) => f.id), [recovery.id], 'recovery method kept');
    check((await store.countBackupCodes(a)) === 0, 'backup codes gone');
    check((await store.getEnrolment(a, pending.id)) === null, 'pending enrolment gone');
    check((await store.listFactors(other)).length === 1 && (await store.countBackupCodes(other)) === 2, 'other account untouched');
  });

  // --- enrolments -----------------------------------------------------------------------------
  add('enrolments: put, get (expired too), delete, scoped to the account', async (store) => {
    const a = uniqueId('acct');
    const pending = enrolment(a, { expiresAt: T0 - 1 });
    await store.putEnrolment(pending);
    checkJsonEqual(await store.getEnrolment(a, pending.id), pending, 'an expired enrolment is still returned by getEnrolment');
    check((await store.getEnrolment(uniqueId('acct'), pending.id)) === null, 'another account: null');
    await store.putEnrolment({ ...pending, name: 'Replaced' });
    check((await store.getEnrolment(a, pending.id))!.name === 'Replaced', 'put replaces');
    check(await store.deleteEnrolment(a, pending.id), 'delete');
    check(!(await store.deleteEnrolment(a, pending.id)), 'second delete: false');
  });

  add('enrolments: activateEnrolment creates the factor and stores first backup codes atomically', async (store) => {
    const a = uniqueId('acct');
    const pending = enrolment(a);
    await store.putEnrolment(pending);
    const codes = backupCodes(a, 10);
    const result = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: factorFrom(pending), backupCodes: codes, now: T0 });
    checkJsonEqual(result, { activated: true, backupCodesStored: true }, 'activation result');
    checkJsonEqual(await store.getFactor(a, pending.id), factorFrom(pending), 'factor stored');
    check((await store.getEnrolment(a, pending.id)) === null, 'enrolment consumed');
    check((await store.countBackupCodes(a)) === 10, 'codes stored');
    const second = enrolment(a);
    await store.putEnrolment(second);
    const again = await store.activateEnrolment({ accountId: a, enrolmentId: second.id, factor: factorFrom(second), backupCodes: backupCodes(a, 4), now: T0 });
    checkJsonEqual(again, { activated: true, backupCodesStored: false }, 'codes are not replaced when the account has some');
    check((await store.countBackupCodes(a)) === 10, 'the first set is intact');
  });

  add('enrolments: an expired or unknown enrolment does not activate and changes nothing', async (store) => {
    const a = uniqueId('acct');
    const pending = enrolment(a, { expiresAt: T0 + 10 });
    await store.putEnrolment(pending);
    const late = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: factorFrom(pending), backupCodes: backupCodes(a, 2), now: T0 + 10 });
    check(!late.activated, 'expired enrolment does not activate');
    check((await store.getFactor(a, pending.id)) === null, 'no factor');
    check((await store.countBackupCodes(a)) === 0, 'no codes');
    const ghost = enrolment(a);
    check(!(await store.activateEnrolment({ accountId: a, enrolmentId: ghost.id, factor: factorFrom(ghost), now: T0 })).activated, 'unknown enrolment');
    check((await store.listFactors(a)).length === 0, 'still no factor');
  });

  add('enrolments: replacesFactorId deletes the replaced factor in the same step', async (store) => {
    const a = uniqueId('acct');
    const lost = factor(a, { name: 'Lost phone' });
    await store.insertFactor(lost);
    const pending = enrolment(a, { replacesFactorId: lost.id, name: 'New phone' });
    await store.putEnrolment(pending);
    const result = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: factorFrom(pending), replacesFactorId: lost.id, now: T0 });
    check(result.activated, 'activated');
    checkJsonEqual((await store.listFactors(a)).map((f) => f.name), ['New phone'], 'only the new factor remains');
  });

  add('race: two concurrent activations of one enrolment: activated once', async (store) => {
    const a = uniqueId('acct');
    const pending = enrolment(a);
    await store.putEnrolment(pending);
    const results = await concurrently(2, () =>
      store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: factorFrom(pending), backupCodes: backupCodes(a, 3), now: T0 }),
    );
    check(results.filter((r) => r.activated).length === 1, 'exactly one activation', { results });
    check((await store.listFactors(a)).length === 1, 'one factor');
    check((await store.countBackupCodes(a)) === 3, 'one code set');
  });

  // --- backup codes ---------------------------------------------------------------------------
  add('backup codes: replace kills the old set, get finds by id, consume works once', async (store) => {
    const a = uniqueId('acct');
    const first = backupCodes(a, 5);
    await store.replaceBackupCodes(a, first);
    checkJsonEqual(await store.getBackupCode(a, first[0]!.id), first[0], 'round trip');
    check((await store.getBackupCode(uniqueId('acct'), first[0]!.id)) === null, 'another account: null');
    check(await store.consumeBackupCode(a, first[0]!.id), 'first consume');
    check(!(await store.consumeBackupCode(a, first[0]!.id)), 'second consume refused');
    check((await store.getBackupCode(a, first[0]!.id)) === null, 'used code is gone');
    check((await store.countBackupCodes(a)) === 4, 'four left');
    const second = backupCodes(a, 3);
    await store.replaceBackupCodes(a, second);
    check((await store.getBackupCode(a, first[1]!.id)) === null, 'old set is dead');
    check(!(await store.consumeBackupCode(a, first[1]!.id)), 'old code cannot be consumed');
    check((await store.countBackupCodes(a)) === 3, 'new set counted');
  });

  add('race: 50 concurrent consumeBackupCode of one code: exactly one succeeds', async (store) => {
    const a = uniqueId('acct');
    const codes = backupCodes(a, 3);
    await store.replaceBackupCodes(a, codes);
    const results = await concurrently(50, () => store.consumeBackupCode(a, codes[1]!.id));
    check(results.filter(Boolean).length === 1, 'exactly one consume', { wins: results.filter(Boolean).length });
    check((await store.countBackupCodes(a)) === 2, 'two left');
  });

  add('race: consumes racing a replaceBackupCodes: no old code survives the replace', async (store) => {
    const a = uniqueId('acct');
    const old = backupCodes(a, 10);
    await store.replaceBackupCodes(a, old);
    const fresh = backupCodes(a, 10);
    await Promise.all([...old.map((c) => store.consumeBackupCode(a, c.id)), store.replaceBackupCodes(a, fresh)]);
    for (const c of old) check((await store.getBackupCode(a, c.id)) === null, 'old code survived');
    check((await store.countBackupCodes(a)) === 10, 'fresh set complete');
  });

  // --- challenges -----------------------------------------------------------------------------
  add('challenges: put, get, expiry, consume once with the right purpose only', async (store) => {
    const a = uniqueId('acct');
    const c = challenge(a, { purpose: 'webauthn-login' });
    await store.putChallenge(c);
    checkJsonEqual(await store.getChallenge(c.id, T0), c, 'round trip');
    check((await store.getChallenge(c.id, c.expiresAt - 1)) !== null, 'live until just before expiresAt');
    check((await store.consumeChallenge(c.id, { purpose: 'ssh-recovery', now: T0 })) === null, 'wrong purpose: null');
    check((await store.getChallenge(c.id, T0)) !== null, 'wrong purpose left it alone');
    checkJsonEqual(await store.consumeChallenge(c.id, { purpose: 'webauthn-login', now: T0 }), c, 'consume returns the record');
    check((await store.consumeChallenge(c.id, { purpose: 'webauthn-login', now: T0 })) === null, 'second consume: null');
    const late = challenge(null, { expiresAt: T0 + 5 });
    await store.putChallenge(late);
    check((await store.getChallenge(late.id, T0 + 5)) === null, 'expired at expiresAt');
    check((await store.consumeChallenge(late.id, { purpose: late.purpose, now: T0 + 5 })) === null, 'expired challenge cannot be consumed');
  });

  add('challenges: putChallenge replaces by id (a resent code replaces the previous one)', async (store) => {
    const c = challenge(uniqueId('acct'));
    await store.putChallenge(c);
    await store.putChallenge({ ...c, data: { code: 'second' } });
    checkJsonEqual((await store.getChallenge(c.id, T0))!.data, { code: 'second' }, 'replaced');
  });

  add('race: 50 concurrent consumeChallenge: exactly one gets it', async (store) => {
    const c = challenge(uniqueId('acct'));
    await store.putChallenge(c);
    const results = await concurrently(50, () => store.consumeChallenge(c.id, { purpose: c.purpose, now: T0 }));
    check(results.filter((r) => r !== null).length === 1, 'exactly one winner', { wins: results.filter((r) => r !== null).length });
  });

  add('challenges: compareAndSetChallenge at the expected revision only; deleteChallenges by account and purpose', async (store) => {
    const a = uniqueId('acct');
    const c = challenge(a);
    await store.putChallenge(c);
    check(await store.compareAndSetChallenge({ ...c, data: { attempts: 1 } }, 0, T0), 'CAS at 0');
    check(!(await store.compareAndSetChallenge({ ...c, data: { attempts: 9 } }, 0, T0)), 'stale CAS');
    const got = (await store.getChallenge(c.id, T0))!;
    check(got.revision === 1, 'revision 1');
    checkJsonEqual(got.data, { attempts: 1 }, 'data');
    const concurrent = await concurrently(20, (i) => store.compareAndSetChallenge({ ...c, data: { i } }, 1, T0));
    check(concurrent.filter(Boolean).length === 1, 'exactly one concurrent CAS wins');
    const grant1 = challenge(a, { purpose: 'step-up' });
    const grant2 = challenge(a, { purpose: 'step-up' });
    const otherAccount = challenge(uniqueId('acct'), { purpose: 'step-up' });
    for (const x of [grant1, grant2, otherAccount]) await store.putChallenge(x);
    check((await store.deleteChallenges(a, 'step-up')) === 2, 'two deleted');
    check((await store.getChallenge(c.id, T0)) !== null, 'other purpose kept');
    check((await store.getChallenge(otherAccount.id, T0)) !== null, 'other account kept');
    check(!(await store.compareAndSetChallenge({ ...c, data: {} }, 2, c.expiresAt)), 'CAS on an expired challenge refused');
  });

  // --- counters -------------------------------------------------------------------------------
  add('counters: incrementCounter counts in a fixed window and reports the previous increment time', async (store) => {
    const key = uniqueId('counter');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: T0 }), { count: 1, expiresAt: T0 + 1000, previousAt: null }, 'first');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: T0 + 400 }), { count: 2, expiresAt: T0 + 1000, previousAt: T0 }, 'second');
    checkJsonEqual(await store.getCounter(key, T0 + 500), { count: 2, expiresAt: T0 + 1000, previousAt: T0 + 400 }, 'get');
    check((await store.getCounter(key, T0 + 1000)) === null, 'expired counter reads as absent');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: T0 + 1000 }), { count: 1, expiresAt: T0 + 2000, previousAt: null }, 'new window');
    await store.resetCounter(key);
    check((await store.getCounter(key, T0 + 1000)) === null, 'reset');
    await store.resetCounter(key);
  });

  add('race: 200 concurrent incrementCounter: counts are exactly 1..200', async (store) => {
    const key = uniqueId('counter');
    const states = await concurrently(200, () => store.incrementCounter(key, { ttlMs: 60_000, now: T0 }));
    const counts = states.map((s) => s.count).sort((x, y) => x - y);
    check(counts.every((c, i) => c === i + 1), 'no lost or duplicated increments');
    check((await store.getCounter(key, T0))!.count === 200, 'final count');
  });

  return cases;
}

