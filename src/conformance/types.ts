/**
 * Shapes of the conformance suite.
 * @module
 */
import type { MfaStore } from '../store/contract.js';

/**
 * One named conformance case: `run` resolves when the store conforms and rejects with
 * `MfaError('CONFORMANCE_FAILURE')` (or the store's own error) when it does not.
 *
 * @example
 * ```ts
 * for (const c of storeConformanceCases(() => createMemoryStore())) test(c.name, c.run);
 * ```
 */
export interface ConformanceCase {
  /** What the case checks, prefixed with its area (for example `accounts: …`); use it as the test name. */
  readonly name: string;
  /** Runs the case on a store from the factory; resolves when the store conforms. */
  readonly run: () => Promise<void>;
}

/**
 * Makes the store a case runs against. It may return a fresh store per case, or the same one: every
 * case uses its own random account ids and keys, so cases never see each other's data.
 *
 * @example
 * ```ts
 * const makeStore: StoreFactory = () => createMemoryStore();
 * ```
 */
export type StoreFactory = () => MfaStore | Promise<MfaStore>;
