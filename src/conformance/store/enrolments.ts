/**
 * Store conformance: enrolments.
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the enrolments cases. */
export function enrolmentsCases(add: AddStoreCase): void {
  add('enrolments: put, get (expired too), delete, scoped to the account', async (store, ctx) => {
    const a = uniqueId('acct');
    const pending = ctx.enrolment(a, { expiresAt: ctx.T0 - 1 });
    await store.putEnrolment(pending);
    checkJsonEqual(await store.getEnrolment(a, pending.id), pending, 'an expired enrolment is still returned by getEnrolment');
    check((await store.getEnrolment(uniqueId('acct'), pending.id)) === null, 'another account: null');
    await store.putEnrolment({ ...pending, name: 'Replaced' });
    check((await store.getEnrolment(a, pending.id))!.name === 'Replaced', 'put replaces');
    check(await store.deleteEnrolment(a, pending.id), 'delete');
    check(!(await store.deleteEnrolment(a, pending.id)), 'second delete: false');
  });

  add('enrolments: activateEnrolment creates the factor and stores first backup codes atomically', async (store, ctx) => {
    const a = uniqueId('acct');
    const pending = ctx.enrolment(a);
    await store.putEnrolment(pending);
    const codes = ctx.backupCodes(a, 10);
    const result = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: ctx.factorFrom(pending), backupCodes: codes, now: ctx.T0 });
    checkJsonEqual(result, { activated: true, backupCodesStored: true }, 'activation result');
    checkJsonEqual(await store.getFactor(a, pending.id), ctx.factorFrom(pending), 'factor stored');
    check((await store.getEnrolment(a, pending.id)) === null, 'enrolment consumed');
    check((await store.countBackupCodes(a)) === 10, 'codes stored');
    const second = ctx.enrolment(a);
    await store.putEnrolment(second);
    const again = await store.activateEnrolment({ accountId: a, enrolmentId: second.id, factor: ctx.factorFrom(second), backupCodes: ctx.backupCodes(a, 4), now: ctx.T0 });
    checkJsonEqual(again, { activated: true, backupCodesStored: false }, 'codes are not replaced when the account has some');
    check((await store.countBackupCodes(a)) === 10, 'the first set is intact');
  });

  add('enrolments: an expired or unknown enrolment does not activate and changes nothing', async (store, ctx) => {
    const a = uniqueId('acct');
    const pending = ctx.enrolment(a, { expiresAt: ctx.T0 + 10 });
    await store.putEnrolment(pending);
    const late = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: ctx.factorFrom(pending), backupCodes: ctx.backupCodes(a, 2), now: ctx.T0 + 10 });
    check(!late.activated, 'expired enrolment does not activate');
    check((await store.getFactor(a, pending.id)) === null, 'no factor');
    check((await store.countBackupCodes(a)) === 0, 'no codes');
    const ghost = ctx.enrolment(a);
    check(!(await store.activateEnrolment({ accountId: a, enrolmentId: ghost.id, factor: ctx.factorFrom(ghost), now: ctx.T0 })).activated, 'unknown enrolment');
    check((await store.listFactors(a)).length === 0, 'still no factor');
  });

  add('enrolments: replacesFactorId deletes the replaced factor in the same step', async (store, ctx) => {
    const a = uniqueId('acct');
    const lost = ctx.factor(a, { name: 'Lost phone' });
    await store.insertFactor(lost);
    const pending = ctx.enrolment(a, { replacesFactorId: lost.id, name: 'New phone' });
    await store.putEnrolment(pending);
    const result = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: ctx.factorFrom(pending), replacesFactorId: lost.id, now: ctx.T0 });
    check(result.activated, 'activated');
    checkJsonEqual((await store.listFactors(a)).map((f) => f.name), ['New phone'], 'only the new factor remains');
  });

  add('race: two concurrent activations of one enrolment: activated once', async (store, ctx) => {
    const a = uniqueId('acct');
    const pending = ctx.enrolment(a);
    await store.putEnrolment(pending);
    const results = await concurrently(2, () =>
      store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: ctx.factorFrom(pending), backupCodes: ctx.backupCodes(a, 3), now: ctx.T0 }),
    );
    check(results.filter((r) => r.activated).length === 1, 'exactly one activation', { results });
    check((await store.listFactors(a)).length === 1, 'one factor');
    check((await store.countBackupCodes(a)) === 3, 'one code set');
  });
}
