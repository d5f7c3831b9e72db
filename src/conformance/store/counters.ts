/**
 * Store conformance: counters.
 * @module
 */
import { check, checkJsonEqual, concurrently, uniqueId } from '../check.js';
import type { AddStoreCase } from './case-context.js';

/** Adds the counters cases. */
export function countersCases(add: AddStoreCase): void {
  add('counters: incrementCounter counts in a fixed window and reports the previous increment time', async (store, ctx) => {
    const key = uniqueId('counter');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: ctx.T0 }), { count: 1, expiresAt: ctx.T0 + 1000, previousAt: null }, 'first');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: ctx.T0 + 400 }), { count: 2, expiresAt: ctx.T0 + 1000, previousAt: ctx.T0 }, 'second');
    checkJsonEqual(await store.getCounter(key, ctx.T0 + 500), { count: 2, expiresAt: ctx.T0 + 1000, previousAt: ctx.T0 + 400 }, 'get');
    check((await store.getCounter(key, ctx.T0 + 1000)) === null, 'expired counter reads as absent');
    checkJsonEqual(await store.incrementCounter(key, { ttlMs: 1000, now: ctx.T0 + 1000 }), { count: 1, expiresAt: ctx.T0 + 2000, previousAt: null }, 'new window');
    await store.resetCounter(key);
    check((await store.getCounter(key, ctx.T0 + 1000)) === null, 'reset');
    await store.resetCounter(key);
  });

  add('race: 200 concurrent incrementCounter: counts are exactly 1..200', async (store, ctx) => {
    const key = uniqueId('counter');
    const states = await concurrently(200, () => store.incrementCounter(key, { ttlMs: 60_000, now: ctx.T0 }));
    const counts = states.map((s) => s.count).sort((x, y) => x - y);
    check(counts.every((c, i) => c === i + 1), 'no lost or duplicated increments');
    check((await store.getCounter(key, ctx.T0))!.count === 200, 'final count');
  });
}
