/**
 * Results of SSH signature verification. A wrong or unacceptable signature is a result, never an
 * exception; malformed input throws `MfaError`.
 * @module
 */
import type { SshKeyType } from './key-types.js';

/**
 * Why a well-formed signature was not accepted.
 * - `namespace-mismatch`: signed for another namespace (`-n`)
 * - `unsupported-hash`: SSHSIG message hash other than sha256/sha512
 * - `key-mismatch`: the key inside the signature is not the registered key
 * - `weak-algorithm`: `ssh-rsa` (RSA with SHA-1)
 * - `algorithm-mismatch`: signature algorithm does not belong to the key type
 * - `user-presence-missing` / `user-verification-missing`: FIDO flags not set
 * - `bad-signature`: the cryptographic check failed (wrong key, tampered message)
 * - `expired`: the challenge's lifetime is over
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'namespace-mismatch') hint('sign with -n ' + challenge.namespace);
 * ```
 */
export type SshVerificationFailureReason =
  | 'namespace-mismatch'
  | 'unsupported-hash'
  | 'key-mismatch'
  | 'weak-algorithm'
  | 'algorithm-mismatch'
  | 'user-presence-missing'
  | 'user-verification-missing'
  | 'bad-signature'
  | 'expired';

/**
 * FIDO authenticator data from an `sk-` signature. Store `counter` if you track clones.
 *
 * @example
 * ```ts
 * if (result.ok && result.authenticator) console.log(result.authenticator.counter);
 * ```
 */
export interface SshAuthenticatorData {
  readonly flags: number;
  readonly counter: number;
  readonly userPresent: boolean;
  readonly userVerified: boolean;
}

/**
 * A verified SSH signature.
 *
 * @example
 * ```ts
 * if (result.ok) audit(`recovered with ${result.keyType} ${result.fingerprint} (${result.format})`);
 * ```
 */
export interface SshVerificationSuccess {
  readonly ok: true;
  /** `sshsig` for `ssh-keygen -Y sign`, `raw` for an `openssl dgst -sign` signature. */
  readonly format: 'sshsig' | 'raw';
  readonly keyType: SshKeyType;
  /** Fingerprint of the registered key that verified. */
  readonly fingerprint: string;
  /** e.g. `ssh-ed25519`, `rsa-sha2-512`; for raw: `rsa-pkcs1-sha256` / `ecdsa-sha256`. */
  readonly signatureAlgorithm: string;
  /** The message hash: SSHSIG `hash_algorithm`, or the `openssl dgst` digest. */
  readonly hashAlgorithm: 'sha256' | 'sha512';
  /** Present for FIDO (`sk-`) keys. */
  readonly authenticator: SshAuthenticatorData | undefined;
}

/**
 * `{ ok: true, … }` or `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * const result: SshVerificationResult = await verifySshSignature(armored, { publicKey, namespace, message });
 * ```
 */
export type SshVerificationResult = SshVerificationSuccess | { readonly ok: false; readonly reason: SshVerificationFailureReason };

/** A failure result. */
export function failure(reason: SshVerificationFailureReason): { readonly ok: false; readonly reason: SshVerificationFailureReason } {
  return { ok: false, reason };
}
