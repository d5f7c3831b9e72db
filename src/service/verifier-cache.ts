/**
 * A small cache of TOTP verifiers, keyed by factor id: opening a sealed secret (AES-GCM
 * through WebCrypto) costs more than checking a code, so hot factors keep their precomputed
 * verifier. An entry also remembers the account and the sealed ciphertext it was opened from, and
 * is served only for exactly those, so a re-sealed or replaced secret is never served stale.
 * @module
 */
import type { TotpVerifier } from '../otp/index.js';

interface Entry {
  /** Hit since the eviction hand last passed it (second-chance / CLOCK eviction). */
  used: boolean;
  readonly accountId: string;
  readonly kid: string;
  readonly ct: string;
  readonly verifier: TotpVerifier;
}

/** What a cached verifier was opened from. @internal */
export interface VerifierSource {
  readonly id: string;
  readonly accountId: string;
  readonly kid: string;
  readonly ct: string;
}

/**
 * Verifiers with second-chance eviction, an approximation of LRU: a hit only sets a flag (no map
 * mutation on the hot path); eviction walks from the oldest entry, giving each flagged entry
 * another round (flag cleared, moved to the back) and dropping the first unflagged one.
 * @internal
 */
export class VerifierCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get(source: VerifierSource): TotpVerifier | undefined {
    const found = this.entries.get(source.id);
    if (found === undefined) return undefined;
    if (found.accountId !== source.accountId || found.kid !== source.kid || found.ct !== source.ct) {
      this.entries.delete(source.id);
      return undefined;
    }
    found.used = true;
    return found.verifier;
  }

  set(source: VerifierSource, verifier: TotpVerifier): void {
    if (this.capacity === 0) return;
    this.entries.delete(source.id);
    this.entries.set(source.id, { used: true, accountId: source.accountId, kid: source.kid, ct: source.ct, verifier });
    // A new entry starts flagged, so it is not the first to go. Bounded: after one full pass every
    // flag is cleared, so the walk ends within size + 1 steps.
    while (this.entries.size > this.capacity) {
      const [oldestId, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestId);
      if (oldest.used) {
        oldest.used = false;
        this.entries.set(oldestId, oldest);
      }
    }
  }

  /** Drops the entry of a factor (removed, disabled). */
  forget(factorId: string): void {
    this.entries.delete(factorId);
  }
}
