/**
 * The storage-contract conformance suite (built `mfakit/conformance`) against the in-memory store
 * (built `mfakit/stores/memory`) in a real browser: every operation's guarantee and the race tests
 * (concurrent consumes, advances, increments, logins with one code), each case one check.
 */
import { storeConformanceCases } from 'mfakit/conformance';
import { createMemoryStore } from 'mfakit/stores/memory';

export const checks: { name: string; run: () => void | Promise<void> }[] = storeConformanceCases(() => createMemoryStore());
