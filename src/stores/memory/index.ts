/**
 * `mfakit/stores/memory`: the in-memory store, the embedded default.
 * @module mfakit/stores/memory
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { MemoryStore, createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
