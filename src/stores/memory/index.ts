/**
 * `mfakit/stores/memory`: the in-memory store, the embedded default.
 * @module
 */
export { MemoryStore, createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
