/**
 * Checks both ceremonies share (WebAuthn L3 §7.1 steps 7–17, §7.2 steps 11–21): client data type,
 * challenge, origin and top origin; RP ID hash and the UP/UV/BE/BS flags.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { base64ToBytes, equalBytes, timingSafeEqual, utf8ToBytes } from '../internal/bytes.js';
import type { AuthenticatorData } from './authenticator-data.js';
import type { CollectedClientData } from './client-data.js';
import type { WebAuthnChallengeExpectation, WebAuthnExpectations } from './types.js';

/**
 * Failures both ceremonies can report.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'challenge-mismatch') restartCeremony();
 * ```
 */
export type WebAuthnCeremonyFailure =
  | 'type-mismatch'
  | 'challenge-mismatch'
  | 'origin-mismatch'
  | 'cross-origin-not-allowed'
  | 'top-origin-mismatch'
  | 'rp-id-mismatch'
  | 'user-not-present'
  | 'user-not-verified'
  | 'backup-state-invalid';

/** Decodes a base64url field of a response; malformed input is `INVALID_CREDENTIAL`. */
export function responseBytes(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string') throw new MfaError('INVALID_CREDENTIAL', `${name} must be a base64url string`);
  return base64ToBytes(value, 'INVALID_CREDENTIAL');
}

function tryBase64Url(text: string): Uint8Array | undefined {
  try {
    return base64ToBytes(text, 'INVALID_CLIENT_DATA');
  } catch {
    return undefined;
  }
}

async function challengeMatches(expected: WebAuthnChallengeExpectation, actual: string): Promise<boolean> {
  if (typeof expected === 'function') return (await expected(actual)) === true;
  const expectedBytes = typeof expected === 'string' ? base64ToBytes(expected, 'INVALID_ARGUMENT') : expected;
  if (!(expectedBytes instanceof Uint8Array) || expectedBytes.length < 16) {
    throw new MfaError('INVALID_ARGUMENT', 'expectedChallenge must be at least 16 bytes');
  }
  const actualBytes = tryBase64Url(actual);
  return actualBytes !== undefined && timingSafeEqual(actualBytes, expectedBytes);
}

/** The client data checks; `undefined` when all pass. */
export async function checkClientData(
  clientData: CollectedClientData,
  type: 'webauthn.create' | 'webauthn.get',
  expectations: WebAuthnExpectations,
): Promise<WebAuthnCeremonyFailure | undefined> {
  if (clientData.type !== type) return 'type-mismatch';
  if (!(await challengeMatches(expectations.expectedChallenge, clientData.challenge))) return 'challenge-mismatch';
  const origins = typeof expectations.expectedOrigin === 'string' ? [expectations.expectedOrigin] : expectations.expectedOrigin;
  if (!origins.includes(clientData.origin)) return 'origin-mismatch';
  if (clientData.crossOrigin === true) {
    if (expectations.allowCrossOrigin !== true) return 'cross-origin-not-allowed';
    const allowed = expectations.allowedTopOrigins;
    if (allowed !== undefined && (clientData.topOrigin === undefined || !allowed.includes(clientData.topOrigin))) {
      return 'top-origin-mismatch';
    }
  } else if (clientData.topOrigin !== undefined && clientData.topOrigin !== clientData.origin) {
    // A top origin different from the origin means a cross-origin call that did not say so.
    return 'top-origin-mismatch';
  }
  return undefined;
}

const rpIdHashes = new Map<string, Uint8Array>();

/** SHA-256 of the RP ID, memoised (an app has a handful of RP IDs). */
export function rpIdHash(rpId: string): Uint8Array {
  if (typeof rpId !== 'string' || rpId.length === 0) throw new MfaError('INVALID_ARGUMENT', 'expectedRpId must be a non-empty string');
  let hash = rpIdHashes.get(rpId);
  if (hash === undefined) {
    hash = sha256(utf8ToBytes(rpId));
    if (rpIdHashes.size < 64) rpIdHashes.set(rpId, hash);
  }
  return hash;
}

/** The expected RP IDs as a list (one or several); an empty list is misuse. */
export function expectedRpIds(expected: string | readonly string[]): readonly string[] {
  const list = typeof expected === 'string' ? [expected] : expected;
  if (!Array.isArray(list) || list.length === 0) throw new MfaError('INVALID_ARGUMENT', 'expectedRpId must be a non-empty string or a non-empty list of them');
  return list;
}

/** The expected RP ID whose SHA-256 is the authenticator data's rpIdHash, or `undefined`. */
export function matchRpId(authData: AuthenticatorData, expected: string | readonly string[]): string | undefined {
  let matched: string | undefined;
  // Hash every candidate (no early exit): the work does not depend on which one matches.
  for (const rpId of expectedRpIds(expected)) {
    if (equalBytes(authData.rpIdHash, rpIdHash(rpId)) && matched === undefined) matched = rpId;
  }
  return matched;
}

/** The authenticator data checks; `undefined` when all pass. */
export function checkAuthenticatorFlags(authData: AuthenticatorData, expectations: WebAuthnExpectations): WebAuthnCeremonyFailure | undefined {
  if (matchRpId(authData, expectations.expectedRpId) === undefined) return 'rp-id-mismatch';
  if (!authData.flags.userPresent) return 'user-not-present';
  if (expectations.requireUserVerification === true && !authData.flags.userVerified) return 'user-not-verified';
  if (authData.flags.backedUp && !authData.flags.backupEligible) return 'backup-state-invalid';
  return undefined;
}

/** Formats a 16-byte AAGUID as a UUID string. */
export function formatAaguid(aaguid: Uint8Array): string {
  let hex = '';
  for (const b of aaguid) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
