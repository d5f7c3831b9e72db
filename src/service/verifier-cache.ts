/**
 * A small LRU cache of TOTP verifiers, keyed by factor and sealed ciphertext: opening a sealed
 * secret (AES-GCM through WebCrypto) costs more than checking a code, so hot factors keep their
 * precomputed verifier. Keyed by the ciphertext too, so a re-sealed or replaced secret is never
 * served from a stale entry.
 * @module
 */
import type { TotpVerifier } from '../otp/index.js';

/** LRU of verifiers. @internal */
export class VerifierCache {
  private readonly entries = new Map<string, TotpVerifier>();

  constructor(private readonly capacity: number) {}

  get(key: string): TotpVerifier | undefined {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, verifier: TotpVerifier): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    this.entries.set(key, verifier);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Drops every entry of a factor (removed, disabled). */
  forget(factorId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${factorId}\u0000`)) this.entries.delete(key);
  }
}
