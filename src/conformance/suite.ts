/**
 * The whole conformance suite.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { securityCases } from './security-cases.js';
import { serviceLevelCases } from './service-cases.js';
import { storeLevelCases } from './store-cases.js';
import type { ConformanceCase, StoreFactory } from './types.js';

/**
 * Options of {@link storeConformanceCases}.
 *
 * @example
 * ```ts
 * const cases = storeConformanceCases(makeStore, { only: (name) => name.startsWith('race:') });
 * ```
 */
export interface StoreConformanceOptions {
  /** Keep only the cases whose name passes this filter. */
  readonly only?: (name: string) => boolean;
  /** The clock each case reads once when it starts (default `systemClock`). */
  readonly now?: Clock;
}

/**
 * Every conformance case for a store: each operation's guarantee, and race tests, both on the
 * store alone (50 concurrent consumes of one challenge or backup code, 50 concurrent advances of one
 * TOTP step, 200 concurrent increments, concurrent activations of one enrolment) and through the
 * MFA service (50 concurrent logins with one TOTP code or one backup code: exactly one succeeds;
 * 200 parallel wrong guesses with a limit of 7: at most 7 evaluated; two concurrent confirmations
 * of one enrolment: activated once). Each case rejects with
 * `MfaError('CONFORMANCE_FAILURE')` when the store breaks the contract.
 *
 * @example
 * ```ts
 * import { test } from 'vitest';
 * import { storeConformanceCases } from 'mfakit/conformance';
 * import { createMemoryStore } from 'mfakit/stores/memory';
 * for (const c of storeConformanceCases(() => createMemoryStore())) test(c.name, c.run);
 * ```
 */
export function storeConformanceCases(makeStore: StoreFactory, options: StoreConformanceOptions = {}): ConformanceCase[] {
  const now = options.now ?? systemClock;
  const cases = [...storeLevelCases(makeStore, now), ...serviceLevelCases(makeStore, now), ...securityCases(makeStore, now)];
  return options.only === undefined ? cases : cases.filter((c) => options.only!(c.name));
}
