/**
 * `mfakit/stores/memory`: the in-memory store, the embedded default.
 * @module mfakit/stores/memory
 */
export { MemoryStore, createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
