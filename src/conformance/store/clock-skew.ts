/**
 * Store conformance: the app's clock disagrees with the store server's. Times reach the store from
 * the app (`now`, `expiresAt`); a store that also expires data on its own (Redis TTLs) must set
 * those expiries relative to the durations it was given, never as absolute times of the app's
 * clock on the server's: with the app's clock behind, an absolute expiry lies in the server's past
 * and a live record is deleted as it is written; ahead, records linger (harmless: reads compare
 * with the app's clock). Each case runs with the app's clock a day behind and a day ahead.
 * @module
 */
import { check, uniqueId } from '../check.js';
import { recordBuilders } from '../records.js';
import type { AddStoreCase } from './case-context.js';

const DAY_MS = 86_400_000;

/** Adds the clock-skew cases. */
export function clockSkewCases(add: AddStoreCase): void {
  for (const [label, skew] of [['a day behind', -DAY_MS], ['a day ahead of', DAY_MS]] as const) {
    add(`clock skew: app clock ${label} the store's: a 5-minute challenge lives 5 minutes, on the app's clock`, async (store, ctx) => {
      const t = ctx.T0 + skew;
      const b = recordBuilders(t);
      const a = uniqueId('acct');
      const c = b.challenge(a, { purpose: 'step-up', expiresAt: t + 300_000 });
      await store.putChallenge(c);
      check((await store.getChallenge(c.id, t + 1)) !== null, 'the challenge is there after it was written');
      check(await store.compareAndSetChallenge({ ...c, data: { attempts: 1 } }, 0, t + 2), 'compare-and-set on the live challenge');
      check((await store.getChallenge(c.id, t + 3)) !== null, 'still there after the compare-and-set');
      const d = b.challenge(a, { purpose: 'step-up', expiresAt: t + 300_000 });
      await store.putChallenge(d);
      check((await store.consumeChallenge(d.id, { purpose: 'step-up', now: t + 1 })) !== null, 'consumed while live');
      await store.putChallenge(b.challenge(a, { purpose: 'step-up', expiresAt: t + 300_000 }));
      check((await store.deleteChallenges(a, 'step-up')) === 2, "the account's index lists its live challenges");
      const e = b.challenge(a, { expiresAt: t + 300_000 });
      await store.putChallenge(e);
      check((await store.getChallenge(e.id, t + 300_000)) === null, 'expired at expiresAt on the app clock');
    });

    add(`clock skew: app clock ${label} the store's: a 24-hour counter counts on for 24 hours`, async (store, ctx) => {
      const t = ctx.T0 + skew;
      const key = uniqueId('skew-attempts');
      const first = await store.incrementCounter(key, { ttlMs: DAY_MS, now: t });
      check(first.count === 1 && first.expiresAt === t + DAY_MS, 'the window starts at the app time', { first });
      const second = await store.incrementCounter(key, { ttlMs: DAY_MS, now: t + 1 });
      check(second.count === 2, 'the second attempt counts on (the counter was not expired by the server)', { second });
      check((await store.getCounter(key, t + 2))?.count === 2, 'getCounter sees it');
      check((await store.getCounter(key, t + DAY_MS)) === null, 'expired at the end of the window on the app clock');
    });

    add(`clock skew: app clock ${label} the store's: a pending enrolment lives until it expires`, async (store, ctx) => {
      const t = ctx.T0 + skew;
      const b = recordBuilders(t);
      const a = uniqueId('acct');
      const pending = b.enrolment(a, { expiresAt: t + 600_000 });
      await store.putEnrolment(pending);
      check((await store.getEnrolment(a, pending.id)) !== null, 'the enrolment is there after it was written');
      const activated = await store.activateEnrolment({ accountId: a, enrolmentId: pending.id, factor: b.factorFrom(pending), now: t + 1 });
      check(activated.activated, 'activated while live');
    });
  }
}
