/**
 * Store conformance: counters, and attempt records (the login throttle's one record per account
 * and purpose, charged atomically under a rule).
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { MfaAttemptRule } from '../../store/attempts.js';
import type { AddStoreCase } from './case-context.js';

/** Two free attempts, then 1 s, then 1.5 s (capped); locked at four; forgotten 10 s after the last. */
const RULE: MfaAttemptRule = { limit: 4, freeAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1500, memoryMs: 10_000 };

/** Adds the counters cases. */
export function countersCases(add: AddStoreCase): void {
  add('counters: incrementCounter counts in a fixed window and reports the previous increment time', async (store, ctx) => {
    const key = uniqueId('counter');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: ctx.T0 }), { count: 1, expiresAt: ctx.T0 + 1000, previousAt: null }, 'first');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: ctx.T0 + 400 }), { count: 2, expiresAt: ctx.T0 + 1000, previousAt: ctx.T0 }, 'second');
    checkJsonEqual(await store.getCounter(key, ctx.T0 + 500), { count: 2, expiresAt: ctx.T0 + 1000, previousAt: ctx.T0 + 400 }, 'get');
    check((await store.getCounter(key, ctx.T0 + 1000)) === null, 'expired counter reads as absent');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: ctx.T0 + 1000 }), { count: 1, expiresAt: ctx.T0 + 2000, previousAt: null }, 'new window');
  });

  add('race: 200 concurrent incrementCounter: counts are exactly 1..200', async (store, ctx) => {
    const key = uniqueId('counter');
    const states = await concurrently(200, () => store.incrementCounter(key, { ttlMs: 60_000, now: ctx.T0 }));
    const counts = states.map((s) => s.count).sort((x, y) => x - y);
    check(counts.every((c, i) => c === i + 1), 'no lost or duplicated increments');
    check((await store.getCounter(key, ctx.T0))!.count === 200, 'final count');
  });

  add('attempts: chargeAttempts counts free attempts, refuses early ones and past the limit without counting them, forgets after memoryMs', async (store, ctx) => {
    const a = uniqueId('acct');
    const T0 = ctx.T0;
    const charge = async (at: number) => (await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now: at })).charges[0];
    checkJsonEqual(await charge(T0), { allowed: true, count: 1, lastAt: T0, expiresAt: T0 + 10_000 }, 'first');
    checkJsonEqual(await charge(T0), { allowed: true, count: 2, lastAt: T0, expiresAt: T0 + 10_000 }, 'second (free)');
    checkJsonEqual(await charge(T0 + 999), { allowed: false, count: 2, lastAt: T0, expiresAt: T0 + 10_000 }, 'third too early: refused, not counted');
    checkJsonEqual(await charge(T0 + 1000), { allowed: true, count: 3, lastAt: T0 + 1000, expiresAt: T0 + 11_000 }, 'third after 1 s');
    checkJsonEqual(await charge(T0 + 2499), { allowed: false, count: 3, lastAt: T0 + 1000, expiresAt: T0 + 11_000 }, 'fourth needs 1.5 s (capped from 2 s)');
    checkJsonEqual(await charge(T0 + 2500), { allowed: true, count: 4, lastAt: T0 + 2500, expiresAt: T0 + 12_500 }, 'fourth');
    checkJsonEqual(await charge(T0 + 9000), { allowed: false, count: 4, lastAt: T0 + 2500, expiresAt: T0 + 12_500 }, 'at the limit: locked');
    checkJsonEqual(await store.getAttempts(a, 'code', T0 + 9000), { count: 4, lastAt: T0 + 2500, expiresAt: T0 + 12_500 }, 'get');
    check((await store.getAttempts(a, 'code', T0 + 12_500)) === null, 'forgotten at expiresAt');
    checkJsonEqual(await charge(T0 + 12_500), { allowed: true, count: 1, lastAt: T0 + 12_500, expiresAt: T0 + 22_500 }, 'a forgotten record starts again');
    check((await store.getAttempts(uniqueId('acct'), 'code', T0)) === null, 'records are per account');
    check((await store.getAttempts(a, 'other', T0)) === null, 'and per name');
  });

  add('attempts: a free attempt is never refused for its timing (clocks of several processes differ); lastAt never moves back', async (store, ctx) => {
    const a = uniqueId('acct');
    const charge = async (at: number) => (await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now: at })).charges[0];
    checkJsonEqual(await charge(ctx.T0 + 5), { allowed: true, count: 1, lastAt: ctx.T0 + 5, expiresAt: ctx.T0 + 10_005 }, 'first, from a clock ahead');
    checkJsonEqual(await charge(ctx.T0), { allowed: true, count: 2, lastAt: ctx.T0 + 5, expiresAt: ctx.T0 + 10_000 }, 'second, from a clock 5 ms behind');
    checkJsonEqual(await charge(ctx.T0 + 1004), { allowed: false, count: 2, lastAt: ctx.T0 + 5, expiresAt: ctx.T0 + 10_000 }, 'the delay counts from the later time');
  });

  add('attempts: clearAttempts clears in place (named, or all of the account); other accounts keep theirs', async (store, ctx) => {
    const a = uniqueId('acct');
    const b = uniqueId('acct');
    const now = ctx.T0;
    const locking: MfaAttemptRule = { ...RULE, limit: 1, freeAttempts: 1 };
    for (const name of ['code', 'code@203.0.113.7', 'recovery']) await store.chargeAttempts(a, [{ name, rule: locking }], { now });
    await store.chargeAttempts(b, [{ name: 'code', rule: locking }], { now });
    check(!(await store.chargeAttempts(a, [{ name: 'code', rule: locking }], { now })).charges[0]!.allowed, 'locked');
    await store.clearAttempts(a, ['code', 'never-charged']);
    checkJsonEqual(await store.getAttempts(a, 'code', now), { count: 0, lastAt: null, expiresAt: now + 10_000 }, 'cleared in place, expiry kept');
    checkJsonEqual(await store.chargeAttempts(a, [{ name: 'code', rule: locking }], { now }), { factors: null, charges: [{ allowed: true, count: 1, lastAt: now, expiresAt: now + 10_000 }] }, 'allowed again at once');
    check((await store.getAttempts(a, 'recovery', now))!.count === 1, 'an unnamed record is kept');
    await store.clearAttempts(a);
    for (const name of ['code', 'code@203.0.113.7', 'recovery']) check((await store.getAttempts(a, name, now))?.count === 0, `all cleared: ${name}`);
    check((await store.getAttempts(b, 'code', now))?.count === 1, 'another account keeps its record');
    await store.clearAttempts(uniqueId('acct'));
  });

  add('attempts: several charges go in order, each only if the one before was allowed', async (store, ctx) => {
    const a = uniqueId('acct');
    const now = ctx.T0;
    const strict: MfaAttemptRule = { ...RULE, limit: 1, freeAttempts: 1 };
    const both = [{ name: 'code@198.51.100.1', rule: strict }, { name: 'code', rule: RULE }];
    const first = await store.chargeAttempts(a, both, { now });
    check(first.charges.length === 2 && first.charges.every((c) => c?.allowed === true), 'both counted', { first });
    const second = await store.chargeAttempts(a, both, { now });
    check(second.charges[0]?.allowed === false && second.charges[1] === null, 'the first refused: the second not charged', { second });
    check((await store.getAttempts(a, 'code', now))!.count === 1, 'the second record did not move');
  });

  add('attempts: with factors, one call lists the factors and charges; an account without a login factor gets no record', async (store, ctx) => {
    const a = uniqueId('acct');
    const now = ctx.T0;
    const none = await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now, withFactors: true });
    checkJsonEqual(none, { factors: [], charges: [null] }, 'no factor: nothing charged');
    check((await store.getAttempts(a, 'code', now)) === null, 'no record written');
    const f = ctx.factor(a);
    const g = ctx.factor(a, { kind: 'ssh-key', role: 'recovery', name: 'laptop key' });
    await store.insertFactor(g);
    const recoveryOnly = await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now, withFactors: true });
    checkJsonEqual(recoveryOnly, { factors: [g], charges: [null] }, 'a recovery method alone: listed, nothing charged');
    await store.insertFactor(f);
    const charged = await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now, withFactors: true });
    checkJsonEqual([...charged.factors!].sort((x, y) => (x.id < y.id ? -1 : 1)), [f, g].sort((x, y) => (x.id < y.id ? -1 : 1)), 'factors as listFactors returns them');
    checkJsonEqual(charged.charges, [{ allowed: true, count: 1, lastAt: now, expiresAt: now + 10_000 }], 'charged');
  });

  add('attempts: a login\'s charge also reads challenges by id and one backup code with the count, whatever the charge decides', async (store, ctx) => {
    const a = uniqueId('acct');
    const now = ctx.T0;
    const f = ctx.factor(a);
    await store.insertFactor(f);
    const codes = ctx.backupCodes(a, 3);
    await store.replaceBackupCodes(a, codes);
    const live = ctx.challenge(a, { purpose: 'step-up' });
    const expired = ctx.challenge(a, { purpose: 'backup-code-used', expiresAt: now });
    for (const c of [live, expired]) await store.putChallenge(c);
    const missing = uniqueId('challenge');
    const strict: MfaAttemptRule = { ...RULE, limit: 1, freeAttempts: 1 };
    const read = await store.chargeAttempts(a, [{ name: 'code', rule: strict }], {
      now,
      withFactors: true,
      withChallenges: [missing, live.id, expired.id],
      withBackupCode: codes[1]!.id,
    });
    checkJsonEqual(read.factors, [f], 'factors');
    check(read.charges[0]?.allowed === true, 'charged');
    checkJsonEqual(read.challenges, [null, live, null], 'challenges in the order asked: absent and expired read as null');
    checkJsonEqual(read.backupCode, { record: codes[1], count: 3 }, 'the backup code and the count');
    const refused = await store.chargeAttempts(a, [{ name: 'code', rule: strict }], { now, withFactors: true, withChallenges: [live.id], withBackupCode: 'no-such-code' });
    check(refused.charges[0]?.allowed === false, 'refused');
    checkJsonEqual(refused.challenges, [live], 'read even when the charge is refused');
    checkJsonEqual(refused.backupCode, { record: null, count: 3 }, 'an unknown code: null, still counted');
    const plain = await store.chargeAttempts(a, [], { now, withChallenges: [live.id] });
    checkJsonEqual(plain.challenges, [live], 'read with no charge at all');
    const asked = await store.chargeAttempts(a, [{ name: 'other', rule: RULE }], { now });
    check(asked.challenges === undefined && asked.backupCode === undefined, 'nothing read unless asked');
    const b = uniqueId('acct');
    const empty = await store.chargeAttempts(b, [{ name: 'code', rule: RULE }], { now, withFactors: true, withChallenges: [live.id], withBackupCode: codes[0]!.id });
    checkJsonEqual([empty.factors, empty.charges, empty.challenges], [[], [null], [live]], 'another account: no factors, nothing charged, the challenge read');
    checkJsonEqual(empty.backupCode, { record: null, count: 0 }, 'another account: its own (no) codes');
  });

  add('attempts: advanceFactorStep with clearAttempts clears only when it advanced; deleteAccount forgets the records', async (store, ctx) => {
    const a = uniqueId('acct');
    const now = ctx.T0;
    await store.createAccount(ctx.account(a));
    const f = ctx.factor(a);
    await store.insertFactor(f);
    await store.chargeAttempts(a, [{ name: 'code', rule: RULE }, { name: 'code@x', rule: RULE }], { now });
    check(await store.advanceFactorStep(a, f.id, 5, now, { clearAttempts: ['code', 'code@x'] }), 'advanced');
    check((await store.getAttempts(a, 'code', now))?.count === 0 && (await store.getAttempts(a, 'code@x', now))?.count === 0, 'both cleared');
    await store.chargeAttempts(a, [{ name: 'code', rule: RULE }], { now });
    check(!(await store.advanceFactorStep(a, f.id, 5, now, { clearAttempts: ['code'] })), 'same step: not advanced');
    check((await store.getAttempts(a, 'code', now))?.count === 1, 'a replay clears nothing');
    check(await store.deleteAccount(a), 'account deleted');
    check((await store.getAttempts(a, 'code', now)) === null, 'attempt records deleted with the account');
  });

  add('race: 200 concurrent chargeAttempts: exactly the rule\'s allowance is counted', async (store, ctx) => {
    const a = uniqueId('acct');
    const open: MfaAttemptRule = { limit: 50, freeAttempts: 50, baseDelayMs: 0, maxDelayMs: 0, memoryMs: 60_000 };
    const results = await concurrently(200, () => store.chargeAttempts(a, [{ name: 'code', rule: open }], { now: ctx.T0 }));
    const allowed = results.map((r) => r.charges[0]!).filter((c) => c.allowed);
    check(allowed.length === 50, 'exactly limit allowed', { allowed: allowed.length });
    checkJsonEqual(allowed.map((c) => c.count).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i + 1), 'counts 1..50, none lost or repeated');
    check((await store.getAttempts(a, 'code', ctx.T0))!.count === 50, 'final count');
    const b = uniqueId('acct');
    const burst = await concurrently(200, () => store.chargeAttempts(b, [{ name: 'code', rule: RULE }], { now: ctx.T0 }));
    check(burst.filter((r) => r.charges[0]!.allowed).length === 2, 'a burst passes only the free attempts');
    check((await store.getAttempts(b, 'code', ctx.T0))!.count === 2, 'and the refused ones were not counted');
  });

  add('race: 50 advanceFactorStep with clearAttempts among 50 charges: one advance, the record consistent', async (store, ctx) => {
    const a = uniqueId('acct');
    const f = ctx.factor(a);
    await store.insertFactor(f);
    const open: MfaAttemptRule = { limit: 1000, freeAttempts: 1000, baseDelayMs: 0, maxDelayMs: 0, memoryMs: 60_000 };
    const outcomes = await concurrently<boolean | string>(100, (i) =>
      i % 2 === 0
        ? store.advanceFactorStep(a, f.id, 7, ctx.T0, { clearAttempts: ['code'] })
        : store.chargeAttempts(a, [{ name: 'code', rule: open }], { now: ctx.T0 }).then((r) => r.charges[0]!.allowed && 'charged'),
    );
    check(outcomes.filter((o) => o === true).length === 1, 'exactly one advance');
    check(outcomes.filter((o) => o === 'charged').length === 50, 'every charge counted');
    const count = (await store.getAttempts(a, 'code', ctx.T0))!.count;
    check(count >= 0 && count <= 50, 'the count is what the charges after the clear made', { count });
  });
}
