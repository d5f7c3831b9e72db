/**
 * Store conformance: factors.
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the factors cases. */
export function factorsCases(add: AddStoreCase): void {
  add('factors: insert, get (scoped to the account), list, duplicate id refused', async (store, ctx) => {
    const a = uniqueId('acct');
    const b = uniqueId('acct');
    const f = ctx.factor(a);
    check(await store.insertFactor(f), 'insert');
    check(!(await store.insertFactor({ ...f, name: 'Other' })), 'duplicate id in the same account refused');
    check(!(await store.insertFactor({ ...f, accountId: b })), 'duplicate id in another account refused');
    checkJsonEqual(await store.getFactor(a, f.id), f, 'round trip keeps every field, nested JSON included');
    check((await store.getFactor(b, f.id)) === null, 'a factor of another account is not found');
    check((await store.listFactors(b)).length === 0, 'other account lists nothing');
    const second = ctx.factor(a, { kind: 'ssh-key', role: 'recovery', name: 'laptop key' });
    await store.insertFactor(second);
    const ids = (await store.listFactors(a)).map((x) => x.id).sort();
    checkJsonEqual(ids, [f.id, second.id].sort(), 'list');
  });

  add('factors: compareAndSetFactor replaces name/role/data at the expected revision only, never lastStep', async (store, ctx) => {
    const a = uniqueId('acct');
    const f = ctx.factor(a);
    await store.insertFactor(f);
    check(await store.advanceFactorStep(a, f.id, 10, ctx.T0 + 5), 'advance to 10');
    check(await store.compareAndSetFactor({ ...f, name: 'Renamed', data: { x: 1 }, lastStep: 999, lastUsedAt: 1 }, 0), 'CAS at 0');
    const got = (await store.getFactor(a, f.id))!;
    check(got.name === 'Renamed' && got.revision === 1, 'name and revision updated');
    checkJsonEqual(got.data, { x: 1 }, 'data updated');
    check(got.lastStep === 10 && got.lastUsedAt === ctx.T0 + 5, 'lastStep and lastUsedAt untouched by CAS', { got });
    check(!(await store.compareAndSetFactor({ ...f, name: 'Stale' }, 0)), 'stale CAS refused');
    check(!(await store.compareAndSetFactor({ ...f, accountId: uniqueId('acct') }, 1)), 'CAS under another account refused');
  });

  add('factors: advanceFactorStep only moves forward', async (store, ctx) => {
    const a = uniqueId('acct');
    const f = ctx.factor(a);
    await store.insertFactor(f);
    check(await store.advanceFactorStep(a, f.id, 0, ctx.T0), 'from -1 to 0');
    check(!(await store.advanceFactorStep(a, f.id, 0, ctx.T0)), 'same step refused');
    check(await store.advanceFactorStep(a, f.id, 57_000_000, ctx.T0 + 1), 'forward');
    check(!(await store.advanceFactorStep(a, f.id, 56_999_999, ctx.T0 + 2)), 'backward refused');
    const got = (await store.getFactor(a, f.id))!;
    check(got.lastStep === 57_000_000 && got.lastUsedAt === ctx.T0 + 1, 'stored step and time');
    check(!(await store.advanceFactorStep(uniqueId('acct'), f.id, 60_000_000, ctx.T0)), 'another account cannot advance it');
    check(!(await store.advanceFactorStep(a, uniqueId('factor'), 1, ctx.T0)), 'unknown factor: false');
  });

  add('race: 50 concurrent advanceFactorStep with one step: exactly one succeeds', async (store, ctx) => {
    const a = uniqueId('acct');
    const f = ctx.factor(a);
    await store.insertFactor(f);
    const results = await concurrently(50, () => store.advanceFactorStep(a, f.id, 1000, ctx.T0));
    check(results.filter(Boolean).length === 1, 'exactly one advance', { wins: results.filter(Boolean).length });
  });

  add('race: 50 concurrent advanceFactorStep with steps 1..50: the highest step ends stored', async (store, ctx) => {
    const a = uniqueId('acct');
    const f = ctx.factor(a);
    await store.insertFactor(f);
    await concurrently(50, (i) => store.advanceFactorStep(a, f.id, i + 1, ctx.T0));
    check((await store.getFactor(a, f.id))!.lastStep === 50, 'last step is 50');
  });

  add('factors: deleteFactor outcomes and minRemainingLoginFactors', async (store, ctx) => {
    const a = uniqueId('acct');
    const one = ctx.factor(a);
    const two = ctx.factor(a);
    const recovery = ctx.factor(a, { kind: 'ssh-key', role: 'recovery' });
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

  add('race: two concurrent removals with minRemainingLoginFactors 1 of two factors: one succeeds', async (store, ctx) => {
    const a = uniqueId('acct');
    const one = ctx.factor(a);
    const two = ctx.factor(a);
    await store.insertFactor(one);
    await store.insertFactor(two);
    const outcomes = await Promise.all([
      store.deleteFactor(a, one.id, { minRemainingLoginFactors: 1 }),
      store.deleteFactor(a, two.id, { minRemainingLoginFactors: 1 }),
    ]);
    check(outcomes.filter((o) => o === 'deleted').length === 1, 'exactly one deleted', { outcomes });
    check((await store.listFactors(a)).length === 1, 'one factor left');
  });

  add('factors: deleteLoginFactors removes login factors, backup codes and enrolments, keeps recovery methods', async (store, ctx) => {
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
    check((await store.deleteLoginFactors(a)) === 1, 'one login factor deleted');
    checkJsonEqual((await store.listFactors(a)).map((f) => f.id), [recovery.id], 'recovery method kept');
    check((await store.countBackupCodes(a)) === 0, 'backup codes gone');
    check((await store.getEnrolment(a, pending.id)) === null, 'pending enrolment gone');
    check((await store.listFactors(other)).length === 1 && (await store.countBackupCodes(other)) === 2, 'other account untouched');
  });
}
