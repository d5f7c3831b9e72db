/**
 * Checking a user's answer to a recovery challenge: expiry first, then the signature (armored
 * SSHSIG, or a raw openssl signature for RSA/ECDSA keys) over the challenge text.
 * @module
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { MfaError } from '../errors.js';
import type { SignatureBackend } from '../internal/signatures/index.js';
import type { SshChallenge } from './challenge.js';
import type { SshPublicKey } from './key-types.js';
import { failure, type SshVerificationResult } from './result.js';
import { verifyRawSignature } from './verify-raw.js';
import { verifySshSignature } from './verify-sshsig.js';

/**
 * Options of {@link verifySshChallengeResponse}.
 *
 * @example
 * ```ts
 * const options: VerifySshChallengeResponseOptions = { publicKey: registeredLine };
 * ```
 */
export interface VerifySshChallengeResponseOptions {
  /** The registered key (parsed, or its OpenSSH line). */
  publicKey: SshPublicKey | string;
  /** Clock (default `Date.now`). */
  now?: Clock;
  /** Accept a raw `openssl dgst -sha256 -sign` signature for RSA/ECDSA keys (default true). */
  allowRaw?: boolean;
  /** FIDO keys: also require user verification (default false). */
  requireUserVerification?: boolean;
  /** Signature backend (default `auto`). */
  backend?: SignatureBackend;
}

/**
 * Verifies the response to a challenge from {@link createSshChallenge}: refuses it once expired,
 * then verifies an armored SSH signature (namespace = the challenge's) or, for RSA/ECDSA keys, a
 * raw openssl signature (base64 text or bytes) over the challenge text. Single use is the
 * caller's job: consume the stored challenge atomically before acting on `ok: true`.
 *
 * @throws MfaError as {@link verifySshSignature} / {@link verifyRawSignature}
 * @example
 * ```ts
 * const result = await verifySshChallengeResponse(challenge, pasted, { publicKey: registeredLine });
 * if (result.ok && (await store.consumeOnce(challengeId))) recoverAccount();
 * ```
 */
export async function verifySshChallengeResponse(
  challenge: SshChallenge,
  response: string | Uint8Array,
  options: VerifySshChallengeResponseOptions,
): Promise<SshVerificationResult> {
  if (typeof challenge !== 'object' || challenge === null || typeof challenge.text !== 'string' || typeof challenge.expiresAt !== 'number') {
    throw new MfaError('INVALID_ARGUMENT', 'challenge must come from createSshChallenge');
  }
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options are required');
  const now = (options.now ?? systemClock)();
  if (!(now < challenge.expiresAt)) return failure('expired');
  const common = { publicKey: options.publicKey, message: challenge.text, backend: options.backend ?? 'auto' } as const;
  const armored = typeof response === 'string' && response.includes('-----BEGIN SSH SIGNATURE-----');
  if (armored) {
    return verifySshSignature(response, { ...common, namespace: challenge.namespace, requireUserVerification: options.requireUserVerification ?? false });
  }
  if (options.allowRaw === false) throw new MfaError('INVALID_SSH_SIGNATURE', 'expected an armored SSH signature (-----BEGIN SSH SIGNATURE-----)');
  return verifyRawSignature(response, common);
}
