/**
 * A small LRU cache of TOTP verifiers, keyed by factor id: opening a sealed secret (AES-GCM
 * through WebCrypto) costs more than checking a code, so hot factors keep their precomputed
 * verifier. An entry also remembers the account and the sealed ciphertext it was opened from, and
 * is served only for exactly those, so a re-sealed or replaced secret is never served stale.
 * @module
 */
import type { TotpVerifier } from '../otp/index.js';

interface Entry {
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

/** LRU of verifiers. @internal */
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
    // Most recently used last: re-insert.
    this.entries.delete(source.id);
    this.entries.set(source.id, found);
    return found.verifier;
  }

  set(source: VerifierSource, verifier: TotpVerifier): void {
    if (this.capacity === 0) return;
    this.entries.delete(source.id);
    this.entries.set(source.id, { accountId: source.accountId, kid: source.kid, ct: source.ct, verifier });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Drops the entry of a factor (removed, disabled). */
  forget(factorId: string): void {
    this.entries.delete(factorId);
  }
}
