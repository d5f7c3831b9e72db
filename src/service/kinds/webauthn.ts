/**
 * Security keys, platform authenticators and passkeys (WebAuthn): registered and used through
 * ceremonies of their own (`webauthn-registration-flows.ts`, `webauthn-login-flows.ts`), never by
 * a typed code, so this kind has neither `confirmEnrolment` nor `codeLogin`.
 * @module
 */
import type { FactorKindDefinition } from './kind.js';

/**
 * The `webauthn` kind.
 *
 * @example
 * ```ts
 * webauthnKind.displayName; // 'Security key'
 * ```
 */
export const webauthnKind = {
  kind: 'webauthn',
  displayName: 'Security key',
} satisfies FactorKindDefinition<'webauthn'>;
