/**
 * Store conformance: backup codes.
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the backup codes cases. */
export function backupCodesCases(add: AddStoreCase): void {
  add('backup codes: replace kills the old set, get finds by id, consume works once', async (store, ctx) => {
    const a = uniqueId('acct');
    const first = ctx.backupCodes(a, 5);
    await store.replaceBackupCodes(a, first);
    checkJsonEqual(await store.getBackupCode(a, first[0]!.id), first[0], 'round trip');
    check((await store.getBackupCode(uniqueId('acct'), first[0]!.id)) === null, 'another account: null');
    check(await store.consumeBackupCode(a, first[0]!.id), 'first consume');
    check(!(await store.consumeBackupCode(a, first[0]!.id)), 'second consume refused');
    check((await store.getBackupCode(a, first[0]!.id)) === null, 'used code is gone');
    check((await store.countBackupCodes(a)) === 4, 'four left');
    const second = ctx.backupCodes(a, 3);
    await store.replaceBackupCodes(a, second);
    check((await store.getBackupCode(a, first[1]!.id)) === null, 'old set is dead');
    check(!(await store.consumeBackupCode(a, first[1]!.id)), 'old code cannot be consumed');
    check((await store.countBackupCodes(a)) === 3, 'new set counted');
  });

  add('backup codes: consumeBackupCode with clearAttempts and a tombstone: both only by the call that used the code', async (store, ctx) => {
    const a = uniqueId('acct');
    const now = ctx.T0;
    const codes = ctx.backupCodes(a, 3);
    await store.replaceBackupCodes(a, codes);
    const rule = { limit: 10, freeAttempts: 10, baseDelayMs: 0, maxDelayMs: 0, memoryMs: 60_000 };
    await store.chargeAttempts(a, [{ name: 'code', rule }, { name: 'code@x', rule }], { now });
    const tombstone = ctx.challenge(a, { purpose: 'backup-code-used', data: { hash: codes[0]!.hash } });
    check(await store.consumeBackupCode(a, codes[0]!.id, { clearAttempts: ['code'], tombstone }), 'used');
    check((await store.getAttempts(a, 'code', now))?.count === 0, 'the named record cleared');
    check((await store.getAttempts(a, 'code@x', now))?.count === 1, 'another record kept');
    checkJsonEqual(await store.getChallenge(tombstone.id, now), tombstone, 'the tombstone stored');
    check((await store.countBackupCodes(a)) === 2, 'two left');
    await store.chargeAttempts(a, [{ name: 'code', rule }], { now });
    const second = ctx.challenge(a, { purpose: 'backup-code-used', data: { hash: 'other' } });
    check(!(await store.consumeBackupCode(a, codes[0]!.id, { clearAttempts: ['code'], tombstone: second })), 'a second use refused');
    check((await store.getAttempts(a, 'code', now))?.count === 1, 'a refused use clears nothing');
    checkJsonEqual(await store.getChallenge(tombstone.id, now), tombstone, 'the first tombstone kept');
  });

  add('race: 50 concurrent consumeBackupCode with clearAttempts of one code: exactly one succeeds', async (store, ctx) => {
    const a = uniqueId('acct');
    const codes = ctx.backupCodes(a, 3);
    await store.replaceBackupCodes(a, codes);
    const results = await concurrently(50, () => store.consumeBackupCode(a, codes[2]!.id, { clearAttempts: ['code'] }));
    check(results.filter(Boolean).length === 1, 'exactly one consume', { wins: results.filter(Boolean).length });
    check((await store.countBackupCodes(a)) === 2, 'two left');
  });

  add('race: 50 concurrent consumeBackupCode of one code: exactly one succeeds', async (store, ctx) => {
    const a = uniqueId('acct');
    const codes = ctx.backupCodes(a, 3);
    await store.replaceBackupCodes(a, codes);
    const results = await concurrently(50, () => store.consumeBackupCode(a, codes[1]!.id));
    check(results.filter(Boolean).length === 1, 'exactly one consume', { wins: results.filter(Boolean).length });
    check((await store.countBackupCodes(a)) === 2, 'two left');
  });

  add('race: consumes racing a replaceBackupCodes: no old code survives the replace', async (store, ctx) => {
    const a = uniqueId('acct');
    const old = ctx.backupCodes(a, 10);
    await store.replaceBackupCodes(a, old);
    const fresh = ctx.backupCodes(a, 10);
    await Promise.all([...old.map((c) => store.consumeBackupCode(a, c.id)), store.replaceBackupCodes(a, fresh)]);
    for (const c of old) check((await store.getBackupCode(a, c.id)) === null, 'old code survived');
    check((await store.countBackupCodes(a)) === 10, 'fresh set complete');
  });
}
