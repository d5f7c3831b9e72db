/**
 * WebAuthn factors in the MFA service: register a security key or platform authenticator as a
 * named factor (several per account), log in with it, or with a passkey without a username. The
 * flows live in `webauthn-registration-flows.ts` and `webauthn-login-flows.ts`; what they share in
 * `webauthn-factor.ts`.
 * @module
 */
export type { WebAuthnServiceSettings } from './webauthn-factor.js';
export {
  finishWebAuthnRegistrationFlow,
  startWebAuthnRegistrationFlow,
  type StartWebAuthnRegistrationOptions,
  type WebAuthnRegistrationFinish,
  type WebAuthnRegistrationStart,
} from './webauthn-registration-flows.js';
export {
  finishWebAuthnLoginFlow,
  startWebAuthnLoginFlow,
  type StartWebAuthnLoginOptions,
  type WebAuthnLoginFailure,
  type WebAuthnLoginFinish,
  type WebAuthnLoginStart,
} from './webauthn-login-flows.js';
