/**
 * TOTP (RFC 6238): one-shot generation and verification.
 * @module
 */
import { createTotpVerifier, verifyOnce } from './verifier.js';
import type { TotpOptions, TotpVerifyOptions, TotpVerifyResult } from './types.js';

/**
 * The TOTP code for the current time (or `options.now`).
 *
 * @example
 * ```ts
 * const secret = generateSecret();
 * const code = generateTotp(secret, { digits: 6, period: 30 }); // e.g. '492039'
 * ```
 */
export function generateTotp(secret: Uint8Array, options?: TotpOptions): string {
  return createTotpVerifier(secret, options).generate();
}

/**
 * Verifies a typed TOTP code. Spaces and dashes are removed first; the code is compared in
 * constant time against each step of the window (default one step each way). Returns the matched
 * step (store it and pass it as `afterStep` next time: replay protection) and the drift, or a
 * failure reason. Throws `MfaError` only for misuse (bad secret, bad options, non-string code).
 *
 * For many checks against one secret, {@link createTotpVerifier} avoids recomputing the key state.
 *
 * @example
 * ```ts
 * const result = verifyTotp(secret, '492 039', { afterStep: lastStep });
 * if (result.ok) lastStep = result.step;
 * else if (result.reason === 'replayed') console.log('code already used');
 * ```
 */
export function verifyTotp(secret: Uint8Array, code: string, options?: TotpVerifyOptions): TotpVerifyResult {
  return verifyOnce(secret, code, options);
}
