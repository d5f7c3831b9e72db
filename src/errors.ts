/**
 * The one error type mfakit throws.
 *
 * mfakit has two failure channels that are never mixed:
 * - malformed input, misuse and broken state throw an {@link MfaError} with a {@link MfaErrorCode};
 * - a wrong credential (a code that does not match, an expired challenge) is a normal outcome and
 *   comes back as a result object `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * import { MfaError, decodeBase32Secret } from 'mfakit';
 * try {
 *   decodeBase32Secret('not base32!');
 * } catch (error) {
 *   if (error instanceof MfaError && error.code === 'INVALID_BASE32') console.log('bad secret');
 * }
 * ```
 * @module
 */

/**
 * Every code an {@link MfaError} can carry. Grouped by the module that throws it; `switch` on it.
 *
 * @example
 * ```ts
 * // For HTTP statuses use mfaErrorStatus(error); a code also picks what to tell the user:
 * function explain(code: MfaErrorCode): string {
 *   switch (code) {
 *     case 'STEP_UP_REQUIRED':
 *       return 'Confirm it is you with a second factor first.';
 *     case 'SEND_LIMIT_EXCEEDED':
 *       return 'Too many codes were sent; try again later.';
 *     default:
 *       return 'Something went wrong.';
 *   }
 * }
 * ```
 */
export type MfaErrorCode =
  // --- general -----------------------------------------------------------------------------
  | 'INVALID_ARGUMENT'
  | 'INVALID_OPTION'
  | 'INTERNAL'
  // --- otp: secrets, base32, codes, key URIs, QR --------------------------------------------
  | 'INVALID_SECRET'
  | 'SECRET_TOO_SHORT'
  | 'INVALID_BASE32'
  | 'INVALID_CODE'
  | 'INVALID_URI'
  | 'INVALID_URI_SCHEME'
  | 'INVALID_URI_TYPE'
  | 'INVALID_URI_LABEL'
  | 'INVALID_URI_ISSUER'
  | 'INVALID_URI_SECRET'
  | 'INVALID_URI_ALGORITHM'
  | 'INVALID_URI_DIGITS'
  | 'INVALID_URI_PERIOD'
  | 'INVALID_URI_COUNTER'
  | 'INVALID_URI_PARAMETER'
  | 'QR_TOO_LONG'
  // --- backup codes and out-of-band (email/SMS) codes ---------------------------------------
  | 'INVALID_BACKUP_CODE_RECORD'
  | 'UNSUPPORTED_KDF'
  | 'INVALID_OOB_RECORD'
  | 'SEND_LIMIT_EXCEEDED'
  | 'DELIVERY_FAILED'
  // --- webauthn ------------------------------------------------------------------------------
  | 'INVALID_CBOR'
  | 'INVALID_COSE_KEY'
  | 'INVALID_AUTHENTICATOR_DATA'
  | 'INVALID_CLIENT_DATA'
  | 'INVALID_ATTESTATION'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_CREDENTIAL'
  | 'INVALID_ASN1'
  | 'INVALID_CERTIFICATE'
  | 'INVALID_METADATA'
  // browser helper (mfakit/webauthn/browser): what navigator.credentials refused, cause = DOMException
  | 'WEBAUTHN_CANCELLED'
  | 'WEBAUTHN_NOT_ALLOWED'
  | 'WEBAUTHN_ALREADY_REGISTERED'
  | 'WEBAUTHN_SECURITY_ERROR'
  | 'WEBAUTHN_UNSUPPORTED'
  | 'WEBAUTHN_ABORTED'
  // --- ssh -----------------------------------------------------------------------------------
  | 'INVALID_SSH_KEY'
  | 'UNSUPPORTED_SSH_KEY'
  | 'INVALID_SSH_SIGNATURE'
  // --- signatures (shared by webauthn and ssh) -----------------------------------------------
  | 'INVALID_PUBLIC_KEY'
  | 'INVALID_SIGNATURE_ENCODING'
  // --- policy --------------------------------------------------------------------------------
  | 'INVALID_POLICY'
  | 'POLICY_VIOLATION'
  // --- service and flows ---------------------------------------------------------------------
  | 'ACCOUNT_NOT_FOUND'
  | 'FACTOR_NOT_FOUND'
  | 'ENROLMENT_NOT_FOUND'
  | 'ENROLMENT_EXPIRED'
  | 'ENROLMENT_STALE'
  | 'CHALLENGE_NOT_FOUND'
  | 'CHALLENGE_EXPIRED'
  | 'STEP_UP_REQUIRED'
  | 'CONFIRMATION_MISMATCH'
  | 'MFA_REQUIRED_BY_POLICY'
  | 'FACTOR_NOT_ALLOWED'
  | 'REMEMBERED_DEVICES_FORBIDDEN'
  | 'THROTTLED'
  | 'DUPLICATE'
  | 'KEY_NOT_FOUND'
  | 'DECRYPTION_FAILED'
  // --- storage -------------------------------------------------------------------------------
  | 'STORE_ERROR'
  | 'STORE_CORRUPT'
  | 'STORE_MISCONFIGURED'
  | 'STORE_SCHEMA_VERSION'
  | 'CONFORMANCE_FAILURE';

/**
 * Options for {@link MfaError}.
 *
 * @example
 * ```ts
 * throw new MfaError('SEND_LIMIT_EXCEEDED', 'try again later', { details: { retryAt }, cause: error });
 * ```
 */
export interface MfaErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Structured details for programs (for example the field of a key URI, or blocking owners). */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The single error class of mfakit. Check `code`, not the message: messages may change.
 *
 * @example
 * ```ts
 * throw new MfaError('INVALID_ARGUMENT', 'digits must be an integer from 6 to 8');
 * ```
 */
export class MfaError extends Error {
  /** Machine-readable reason, stable across versions. */
  readonly code: MfaErrorCode;
  /** Structured details, when the code alone is not enough. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code What went wrong, for programs.
   * @param message What went wrong, for people; never put a secret or a code in it.
   * @param options The `cause` (kept as the standard `Error.cause`) and `details`.
   */
  constructor(code: MfaErrorCode, message: string, options: MfaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MfaError';
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True when `value` is an {@link MfaError}, optionally with the given code. Works across bundle
 * copies of mfakit (checks the name and code, not only the prototype).
 *
 * @example
 * ```ts
 * if (isMfaError(error, 'THROTTLED')) retryLater();
 * ```
 */
export function isMfaError(value: unknown, code?: MfaErrorCode): value is MfaError {
  if (!(value instanceof Error) || value.name !== 'MfaError') return false;
  return code === undefined || (value as MfaError).code === code;
}
