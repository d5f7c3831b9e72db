/**
 * mfakit/otp: authenticator-app one-time passwords. HOTP (RFC 4226) and TOTP (RFC 6238) over
 * `@noble/hashes`, secrets and their base32 form, `otpauth://` key URIs. Pure and synchronous;
 * Web APIs only. QR codes are in `mfakit/otp/qr`, so verifying a code never loads the QR encoder.
 *
 * @example
 * ```ts
 * import { generateSecret, buildKeyUri, verifyTotp } from 'mfakit/otp';
 * import { renderQrSvg } from 'mfakit/otp/qr';
 * const secret = generateSecret();
 * const svg = renderQrSvg(buildKeyUri({ secret, accountName: 'ada@example.com', issuer: 'ACME' }));
 * const result = verifyTotp(secret, '123456', { afterStep: lastStep });
 * ```
 * @module mfakit/otp
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export type { OtpAlgorithm } from './options.js';
export type {
  TotpOptions,
  TotpWindow,
  TotpCheckOptions,
  TotpVerifyOptions,
  TotpMatch,
  TotpFailure,
  TotpFailureReason,
  TotpVerifyResult,
} from './types.js';
export { generateTotp, verifyTotp } from './totp.js';
export { createTotpVerifier, type TotpVerifier, type TotpVerifierOptions } from './verifier.js';
export { totpTimeStep, type TotpTimeStepOptions } from './time-step.js';
export {
  generateHotp,
  verifyHotp,
  resyncHotp,
  type HotpOptions,
  type HotpVerifyOptions,
  type HotpResyncOptions,
  type HotpMatch,
  type HotpFailure,
  type HotpVerifyResult,
} from './hotp.js';
export { normaliseOtpCode } from './normalise.js';
export {
  generateSecret,
  encodeBase32Secret,
  decodeBase32Secret,
  assertSecretLength,
  type GenerateSecretOptions,
  type DecodeSecretOptions,
} from './secret.js';
export { buildKeyUri, parseKeyUri, type KeyUriParams, type ParsedKeyUri, type ParseKeyUriOptions } from './key-uri.js';
