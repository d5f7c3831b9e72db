/**
 * mfakit: multi-factor authentication for Node and browser apps.
 *
 * The root entry re-exports the portable core (OTP, backup codes, out-of-band codes, WebAuthn and
 * SSH verification, policies), the MFA service and the in-memory store. Storage adapters and the
 * SMTP sender live in their own subpaths (`mfakit/adapters/*`) so importing the core never loads a
 * driver. Each module is also importable alone (`mfakit/otp`, …) for the smallest bundles.
 * @module mfakit
 */
export * from './errors.js';
export { mfaErrorStatus, type MfaHttpStatus } from './http-status.js';
export * from './clock.js';
export * from './otp/index.js';
export * from './otp/qr.js';
export * from './backup-codes/index.js';
export * from './oob/index.js';
export * from './webauthn/index.js';
export * from './ssh/index.js';
export * from './policy/index.js';
export * from './service/index.js';
export * from './stores/memory/index.js';
