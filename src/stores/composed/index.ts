/**
 * `mfakit/stores/composed`: one store made of several, so counters and challenges can live in
 * Redis while accounts, factors, enrolments and backup codes live in PostgreSQL. Portable (no
 * driver, no Node API); it only delegates.
 *
 * @example
 * ```ts
 * import { composeStores } from 'mfakit/stores/composed';
 * const store = composeStores({ counters: redisStore, challenges: redisStore, durable: postgresStore });
 * ```
 * @module mfakit/stores/composed
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { composeStores, type ComposedStoreParts } from './compose-stores.js';
