/**
 * The HTTP status an app's route would answer for an {@link MfaError}: the one decision every
 * framework integration otherwise writes by hand. A table over every {@link MfaErrorCode}, so a code
 * added later cannot be forgotten (the compiler asks for its status).
 * @module
 */
import { MfaError, type MfaErrorCode } from './errors.js';

/**
 * The statuses {@link mfaErrorStatus} answers.
 *
 * @example
 * ```ts
 * const status: MfaHttpStatus = mfaErrorStatus(error);
 * ```
 */
export type MfaHttpStatus = 400 | 403 | 404 | 409 | 410 | 429 | 500 | 502;

/**
 * A status for each code: 4xx where the request was at fault (bad input, a missing step-up, a
 * policy, too many attempts), 5xx where the server was (its options, keys, store or mail relay).
 */
const STATUS: Readonly<Record<MfaErrorCode, MfaHttpStatus>> = {
  // The request: malformed or unacceptable input.
  INVALID_ARGUMENT: 400,
  INVALID_SECRET: 400,
  SECRET_TOO_SHORT: 400,
  INVALID_BASE32: 400,
  INVALID_CODE: 400,
  INVALID_URI: 400,
  INVALID_URI_SCHEME: 400,
  INVALID_URI_TYPE: 400,
  INVALID_URI_LABEL: 400,
  INVALID_URI_ISSUER: 400,
  INVALID_URI_SECRET: 400,
  INVALID_URI_ALGORITHM: 400,
  INVALID_URI_DIGITS: 400,
  INVALID_URI_PERIOD: 400,
  INVALID_URI_COUNTER: 400,
  INVALID_URI_PARAMETER: 400,
  QR_TOO_LONG: 400,
  INVALID_CBOR: 400,
  INVALID_COSE_KEY: 400,
  INVALID_AUTHENTICATOR_DATA: 400,
  INVALID_CLIENT_DATA: 400,
  INVALID_ATTESTATION: 400,
  UNSUPPORTED_ALGORITHM: 400,
  INVALID_CREDENTIAL: 400,
  INVALID_ASN1: 400,
  INVALID_CERTIFICATE: 400,
  INVALID_SSH_KEY: 400,
  UNSUPPORTED_SSH_KEY: 400,
  INVALID_SSH_SIGNATURE: 400,
  INVALID_PUBLIC_KEY: 400,
  INVALID_SIGNATURE_ENCODING: 400,
  CONFIRMATION_MISMATCH: 400,
  // Raised in the browser by mfakit/webauthn/browser; for a page that forwards them to its server.
  WEBAUTHN_CANCELLED: 400,
  WEBAUTHN_NOT_ALLOWED: 403,
  WEBAUTHN_ALREADY_REGISTERED: 409,
  WEBAUTHN_SECURITY_ERROR: 400,
  WEBAUTHN_UNSUPPORTED: 400,
  WEBAUTHN_ABORTED: 400,
  // Allowed only after a recent second factor, or not by the account's policies.
  STEP_UP_REQUIRED: 403,
  MFA_REQUIRED_BY_POLICY: 403,
  FACTOR_NOT_ALLOWED: 403,
  REMEMBERED_DEVICES_FORBIDDEN: 403,
  POLICY_VIOLATION: 403,
  // Nothing of that id (for this account).
  ACCOUNT_NOT_FOUND: 404,
  FACTOR_NOT_FOUND: 404,
  ENROLMENT_NOT_FOUND: 404,
  CHALLENGE_NOT_FOUND: 404,
  // A name or key the account already has.
  DUPLICATE: 409,
  // Existed, but its time is over: start again.
  ENROLMENT_EXPIRED: 410,
  // The account's MFA changed since the enrolment started (docs/security.md).
  ENROLMENT_STALE: 410,
  CHALLENGE_EXPIRED: 410,
  // Too many attempts or sends: see the error's details.retryAt where given.
  THROTTLED: 429,
  SEND_LIMIT_EXCEEDED: 429,
  // The server: its configuration, keys, stored records or store.
  INVALID_OPTION: 500,
  INTERNAL: 500,
  INVALID_POLICY: 500,
  INVALID_BACKUP_CODE_RECORD: 500,
  UNSUPPORTED_KDF: 500,
  INVALID_OOB_RECORD: 500,
  KEY_NOT_FOUND: 500,
  DECRYPTION_FAILED: 500,
  STORE_ERROR: 500,
  STORE_CORRUPT: 500,
  STORE_MISCONFIGURED: 500,
  STORE_SCHEMA_VERSION: 500,
  CONFORMANCE_FAILURE: 500,
  INVALID_METADATA: 500,
  // The mail or SMS relay the app's sender talks to failed.
  DELIVERY_FAILED: 502,
};

/**
 * The HTTP status for an error mfakit threw: 400, 403, 404, 409, 410, 429, 500 or 502 (see the
 * table in the source); 500 for anything that is not an {@link MfaError}. Answer 5xx errors with
 * a generic message and log them; 4xx errors' `code` is safe to return to the client (messages
 * never contain a secret or a code).
 *
 * @example
 * ```ts
 * try {
 *   await service.regenerateBackupCodes(userId, { stepUpToken });
 * } catch (error) {
 *   const status = mfaErrorStatus(error); // 403 for STEP_UP_REQUIRED
 *   res.status(status).json(status < 500 && isMfaError(error) ? { error: error.code } : { error: 'internal' });
 * }
 * ```
 */
export function mfaErrorStatus(error: unknown): MfaHttpStatus {
  if (!(error instanceof MfaError)) return 500;
  return STATUS[error.code] ?? 500;
}
