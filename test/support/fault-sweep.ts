/**
 * What the fault sweeps share (test/faults/recovery.test.ts, test/faults/disable-recovery.test.ts):
 * the service options both services of a sweep use, and one service call made with the store's
 * connection cut before its k-th request.
 */
import { expect } from 'vitest';
import type { MfaEvent } from '../../src/service/events.js';
import { guardProcess } from '../faults/process-guard.js';
import type { StoresBehindProxy } from './stores-behind-proxy.js';

/** Service options of a sweep (no store): a fixed key ring, a cheap backup-code KDF, no verifier cache, events pushed to `events`. */
export function faultSweepServiceOptions(now: () => number, events: MfaEvent[]) {
  return {
    issuer: 'Faults',
    now,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(3) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256' as const, iterations: 1000 }, count: 4 },
    verifierCacheSize: 0,
    events: (event: MfaEvent) => void events.push(event),
  };
}

/** How a call ended: its result, or what it threw. */
export type CallOutcome<T> = { ok: true; result: T } | { ok: false; error: unknown };

/**
 * Makes `call` with the proxy armed to cut the connection just before the request after the first
 * `skip` ones, and expects that nothing reached the process uncaught meanwhile. Returns how the call
 * ended and whether the cut happened (`false`: the call completed untouched, the sweep is over).
 */
export async function callWithConnectionCut<T>(stores: StoresBehindProxy, skip: number, call: () => Promise<T>): Promise<{ outcome: CallOutcome<T>; cut: boolean }> {
  const guard = guardProcess();
  try {
    const fired = stores.proxy.firedCount;
    void stores.proxy.arm({ kind: 'cut-before', match: stores.isRequest, skip });
    const outcome = await call().then(
      (result): CallOutcome<T> => ({ ok: true, result }),
      (error: unknown): CallOutcome<T> => ({ ok: false, error }),
    );
    const cut = stores.proxy.firedCount > fired;
    stores.proxy.disarm();
    await new Promise((r) => setTimeout(r, 20));
    expect(guard.escaped, `k=${skip}: nothing escaped`).toEqual([]);
    return { outcome, cut };
  } finally {
    guard.stop();
  }
}
