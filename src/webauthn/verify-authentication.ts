/**
 * Authentication ceremony verification (WebAuthn L3 §7.2).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { bytesToBase64Url } from '../internal/bytes.js';
import { parseAuthenticatorData } from './authenticator-data.js';
import { type WebAuthnCeremonyFailure, checkAuthenticatorFlags, checkClientData, matchRpId, responseBytes } from './ceremony.js';
import { parseClientDataJSON } from './client-data.js';
import { coseAlgorithmAllowed, parseCosePublicKey } from './cose.js';
import { verifyWithCredentialKey } from './signature.js';
import { type WebAuthnAuthenticationResponseJSON, type WebAuthnExpectations, WEBAUTHN_DEFAULT_ALGORITHMS } from './types.js';

/**
 * The stored credential a response is checked against (what registration returned).
 *
 * @example
 * ```ts
 * const credential: WebAuthnStoredCredential = { id, publicKey, counter: 0, userHandle };
 * ```
 */
export interface WebAuthnStoredCredential {
  /** Credential ID, base64url. */
  id: string;
  /** COSE_Key bytes, base64url (as registration returned) or raw. */
  publicKey: string | Uint8Array;
  /** The last stored signature counter. */
  counter: number;
  /** The user handle the credential was created for (base64url), to compare with the response's. */
  userHandle?: string;
  /** BE at registration; when given, a response with a different BE flag is refused. */
  backupEligible?: boolean;
}

/**
 * Options of {@link verifyWebAuthnAuthentication}.
 *
 * @example
 * ```ts
 * const options: VerifyWebAuthnAuthenticationOptions = {
 *   expectedChallenge: issued,
 *   expectedOrigin: 'https://example.org',
 *   expectedRpId: 'example.org',
 *   onCounterRegression: 'accept',
 * };
 * ```
 */
export interface VerifyWebAuthnAuthenticationOptions extends WebAuthnExpectations {
  /**
   * What to do when the counter does not increase (a possibly cloned authenticator): `reject`
   * (default) refuses the login, `accept` lets it through; both report `possibleClone`.
   */
  onCounterRegression?: 'reject' | 'accept';
  /** Refuse responses without a user handle (usernameless login needs it); default false. */
  requireUserHandle?: boolean;
}

/**
 * Why an authentication response was refused.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'counter-regression') alertSecurityTeam(credential.id);
 * ```
 */
export type WebAuthnAuthenticationFailure =
  | WebAuthnCeremonyFailure
  | 'credential-id-mismatch'
  | 'user-handle-mismatch'
  | 'user-handle-missing'
  | 'algorithm-not-allowed'
  | 'backup-eligibility-changed'
  | 'signature-invalid'
  | 'counter-regression';

/**
 * The result of {@link verifyWebAuthnAuthentication}.
 *
 * @example
 * ```ts
 * const result: WebAuthnAuthenticationResult = await verifyWebAuthnAuthentication(response, credential, options);
 * if (result.ok) await db.updateCounter(credential.id, result.counter);
 * ```
 */
export type WebAuthnAuthenticationResult =
  | {
      ok: true;
      credentialId: string;
      /** Store this as the credential's counter. */
      counter: number;
      userVerified: boolean;
      backupEligible: boolean;
      /** BS: store it; it may change from login to login. */
      backedUp: boolean;
      /** True when the counter did not increase and `onCounterRegression` was `accept`. */
      possibleClone: boolean;
      /** The response's user handle (base64url), when it had one. */
      userHandle?: string;
      /** The expected RP ID the response was made for (one of `expectedRpId`). */
      rpId: string;
      authenticatorAttachment?: 'platform' | 'cross-platform';
    }
  | { ok: false; reason: WebAuthnAuthenticationFailure; possibleClone?: boolean };

/**
 * Verifies an authentication (assertion) response against a stored credential. A wrong response
 * gives `{ ok: false, reason }`; malformed input throws `MfaError`. On success, store `counter`
 * and `backedUp`.
 *
 * @example
 * ```ts
 * const credential = await db.findCredential(response.id);
 * const result = await verifyWebAuthnAuthentication(response, credential, {
 *   expectedChallenge: (challenge) => challenges.consume(challenge),
 *   expectedOrigin: 'https://example.org',
 *   expectedRpId: 'example.org',
 * });
 * if (result.ok) await db.updateCounter(credential.id, result.counter);
 * ```
 */
export async function verifyWebAuthnAuthentication(
  response: WebAuthnAuthenticationResponseJSON,
  credential: WebAuthnStoredCredential,
  options: VerifyWebAuthnAuthenticationOptions,
): Promise<WebAuthnAuthenticationResult> {
  if (typeof response !== 'object' || response === null || typeof response.response !== 'object' || response.response === null) {
    throw new MfaError('INVALID_CREDENTIAL', 'authentication response must be an object with a response member');
  }
  if (response.type !== 'public-key') throw new MfaError('INVALID_CREDENTIAL', 'credential type must be public-key');
  if (typeof credential !== 'object' || credential === null || typeof credential.id !== 'string' || !Number.isSafeInteger(credential.counter) || credential.counter < 0) {
    throw new MfaError('INVALID_ARGUMENT', 'credential must have an id and a non-negative integer counter');
  }
  const clientDataBytes = responseBytes(response.response.clientDataJSON, 'clientDataJSON');
  const authDataBytes = responseBytes(response.response.authenticatorData, 'authenticatorData');
  const signature = responseBytes(response.response.signature, 'signature');
  const rawId = responseBytes(response.rawId, 'rawId');
  const rawIdText = bytesToBase64Url(rawId);
  if (response.id !== rawIdText || rawIdText !== credential.id) return { ok: false, reason: 'credential-id-mismatch' };

  const userHandleValue = response.response.userHandle;
  let userHandle: string | undefined;
  if (userHandleValue !== undefined && userHandleValue !== null && userHandleValue !== '') {
    userHandle = bytesToBase64Url(responseBytes(userHandleValue, 'userHandle'));
    if (credential.userHandle !== undefined && userHandle !== credential.userHandle) return { ok: false, reason: 'user-handle-mismatch' };
  } else if (options.requireUserHandle === true) {
    return { ok: false, reason: 'user-handle-missing' };
  }

  const clientData = parseClientDataJSON(clientDataBytes);
  const clientFailure = await checkClientData(clientData, 'webauthn.get', options);
  if (clientFailure !== undefined) return { ok: false, reason: clientFailure };

  const authData = parseAuthenticatorData(authDataBytes);
  const flagFailure = checkAuthenticatorFlags(authData, options);
  if (flagFailure !== undefined) return { ok: false, reason: flagFailure };
  if (credential.backupEligible !== undefined && credential.backupEligible !== authData.flags.backupEligible) {
    return { ok: false, reason: 'backup-eligibility-changed' };
  }

  const publicKeyText = typeof credential.publicKey === 'string' ? credential.publicKey : bytesToBase64Url(credential.publicKey);
  const publicKeyBytes = typeof credential.publicKey === 'string' ? responseBytes(credential.publicKey, 'credential.publicKey') : credential.publicKey;
  // Registration validated the point; the key comes from the app's own store.
  const key = parseCosePublicKey(publicKeyBytes, { validatePoint: false });
  const algorithms = options.algorithms ?? WEBAUTHN_DEFAULT_ALGORITHMS;
  if (!coseAlgorithmAllowed(key, algorithms)) return { ok: false, reason: 'algorithm-not-allowed' };

  const signed = new Uint8Array(authDataBytes.length + 32);
  signed.set(authDataBytes);
  signed.set(sha256(clientDataBytes), authDataBytes.length);
  if (!(await verifyWithCredentialKey(publicKeyText, key.key, key.scheme, signature, signed))) {
    return { ok: false, reason: 'signature-invalid' };
  }

  // §7.2 step 22: a counter that does not increase (when either side is non-zero) may be a clone.
  const counter = authData.signCount;
  const possibleClone = (counter !== 0 || credential.counter !== 0) && counter <= credential.counter;
  if (possibleClone && options.onCounterRegression !== 'accept') return { ok: false, reason: 'counter-regression', possibleClone: true };

  const result: WebAuthnAuthenticationResult = {
    ok: true,
    credentialId: rawIdText,
    counter: Math.max(counter, credential.counter),
    userVerified: authData.flags.userVerified,
    backupEligible: authData.flags.backupEligible,
    backedUp: authData.flags.backedUp,
    possibleClone,
    rpId: matchRpId(authData, options.expectedRpId)!,
  };
  if (userHandle !== undefined) result.userHandle = userHandle;
  const attachment = response.authenticatorAttachment;
  if (attachment === 'platform' || attachment === 'cross-platform') result.authenticatorAttachment = attachment;
  return result;
}
