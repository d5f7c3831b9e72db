/**
 * `mfakit/conformance`: the storage-contract conformance suite for adapter authors. Runner-agnostic:
 * it returns named async cases that reject on failure; register them with your test runner.
 *
 * @example
 * ```ts
 * import { describe, test } from 'vitest';
 * import { storeConformanceCases } from 'mfakit/conformance';
 * import { createMyStore } from './my-store.js';
 *
 * describe('my store conforms', () => {
 *   for (const c of storeConformanceCases(() => createMyStore())) test(c.name, c.run);
 * });
 * ```
 * @module mfakit/conformance
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export { storeConformanceCases, type StoreConformanceOptions } from './suite.js';
export type { ConformanceCase, StoreFactory } from './types.js';
