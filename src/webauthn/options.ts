/**
 * Ceremony options as JSON-ready objects (WebAuthn L3 `PublicKeyCredentialCreationOptionsJSON`
 * and `PublicKeyCredentialRequestOptionsJSON`): binary fields are base64url strings, so they can be
 * sent as is and fed to `PublicKeyCredential.parseCreationOptionsFromJSON` or mfakit's browser
 * helper.
 * @module
 */
import { MfaError } from '../errors.js';
import { type RandomSource, bytesToBase64Url, secureRandom } from '../internal/bytes.js';
import { type WebAuthnTransport, WEBAUTHN_DEFAULT_ALGORITHMS } from './types.js';

/**
 * A credential to exclude (registration) or allow (authentication).
 *
 * @example
 * ```ts
 * const allowed: WebAuthnCredentialDescriptorJSON = { type: 'public-key', id: credential.id, transports: ['usb'] };
 * ```
 */
export interface WebAuthnCredentialDescriptorJSON {
  type: 'public-key';
  /** Credential ID, base64url. */
  id: string;
  transports?: WebAuthnTransport[];
}

/**
 * `authenticatorSelection` of the creation options.
 *
 * @example
 * ```ts
 * const selection: WebAuthnAuthenticatorSelection = { residentKey: 'required', userVerification: 'required' };
 * ```
 */
export interface WebAuthnAuthenticatorSelection {
  authenticatorAttachment?: 'platform' | 'cross-platform';
  residentKey?: 'discouraged' | 'preferred' | 'required';
  requireResidentKey?: boolean;
  userVerification?: 'discouraged' | 'preferred' | 'required';
}

/**
 * How much of the authenticator's attestation the relying party asks the browser to pass on
 * (WebAuthn `AttestationConveyancePreference`): `none` (the browser may strip it and zero the
 * AAGUID), `indirect` (the browser may anonymise it), `direct` (as the authenticator made it),
 * `enterprise` (uniquely identifying, for managed devices the browser allows it for).
 *
 * @example
 * ```ts
 * const conveyance: WebAuthnAttestationConveyance = 'direct';
 * ```
 */
export type WebAuthnAttestationConveyance = 'none' | 'indirect' | 'direct' | 'enterprise';

/**
 * Creation options, JSON form.
 *
 * @example
 * ```ts
 * const options: WebAuthnCreationOptionsJSON = createWebAuthnRegistrationOptions(rp, user);
 * res.json(options);
 * ```
 */
export interface WebAuthnCreationOptionsJSON {
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  challenge: string;
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout: number;
  excludeCredentials: WebAuthnCredentialDescriptorJSON[];
  authenticatorSelection: WebAuthnAuthenticatorSelection;
  attestation: WebAuthnAttestationConveyance;
  hints?: ('security-key' | 'client-device' | 'hybrid')[];
  extensions?: Record<string, unknown>;
}

/**
 * Request options, JSON form.
 *
 * @example
 * ```ts
 * const options: WebAuthnRequestOptionsJSON = createWebAuthnAuthenticationOptions('example.org');
 * res.json(options);
 * ```
 */
export interface WebAuthnRequestOptionsJSON {
  challenge: string;
  timeout: number;
  rpId: string;
  allowCredentials: WebAuthnCredentialDescriptorJSON[];
  userVerification: 'discouraged' | 'preferred' | 'required';
  hints?: ('security-key' | 'client-device' | 'hybrid')[];
  extensions?: Record<string, unknown>;
}

/** Default ceremony timeout: 300 s, as the security requirements ask. */
const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_CHALLENGE_BYTES = 32;

/**
 * A credential the user already has, to exclude or allow.
 *
 * @example
 * ```ts
 * const existing: WebAuthnExistingCredential = { id: stored.id, transports: stored.transports };
 * ```
 */
export interface WebAuthnExistingCredential {
  /** Credential ID, base64url. */
  id: string;
  transports?: readonly WebAuthnTransport[];
}

/**
 * Options of {@link createWebAuthnRegistrationOptions}.
 *
 * @example
 * ```ts
 * const options: CreateWebAuthnRegistrationOptions = { algorithms: [-7, -8], attestation: 'direct' };
 * ```
 */
export interface CreateWebAuthnRegistrationOptions {
  /** COSE algorithms, most preferred first (default Ed25519, ES256, RS256). */
  algorithms?: readonly number[];
  /** The user's existing credentials, so the same authenticator is not registered twice. */
  excludeCredentials?: readonly WebAuthnExistingCredential[];
  authenticatorSelection?: WebAuthnAuthenticatorSelection;
  /** Attestation conveyance (default `none`). */
  attestation?: WebAuthnAttestationConveyance;
  hints?: ('security-key' | 'client-device' | 'hybrid')[];
  extensions?: Record<string, unknown>;
  /** Milliseconds (default 300000). */
  timeout?: number;
  /** Challenge length in bytes, at least 16 (default 32). */
  challengeBytes?: number;
  random?: RandomSource;
}

function checkTimeout(timeout: number): number {
  if (!Number.isSafeInteger(timeout) || timeout <= 0) throw new MfaError('INVALID_OPTION', 'timeout must be a positive integer of milliseconds');
  return timeout;
}

function newChallenge(options: { challengeBytes?: number; random?: RandomSource }): string {
  const length = options.challengeBytes ?? DEFAULT_CHALLENGE_BYTES;
  if (!Number.isSafeInteger(length) || length < 16 || length > 1024) throw new MfaError('INVALID_OPTION', 'challengeBytes must be from 16 to 1024');
  const bytes = (options.random ?? secureRandom)(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new MfaError('INVALID_OPTION', 'random must return the requested number of bytes');
  return bytesToBase64Url(bytes);
}

function descriptors(credentials: readonly WebAuthnExistingCredential[] | undefined): WebAuthnCredentialDescriptorJSON[] {
  return (credentials ?? []).map((c) => {
    if (typeof c?.id !== 'string' || c.id.length === 0) throw new MfaError('INVALID_OPTION', 'credential ids must be base64url strings');
    const out: WebAuthnCredentialDescriptorJSON = { type: 'public-key', id: c.id };
    if (c.transports !== undefined) out.transports = [...c.transports];
    return out;
  });
}

/**
 * Options for `navigator.credentials.create()`. Keep `challenge` (server-side, single use, with an
 * expiry) to verify the response.
 *
 * @param rp The relying party: `id` is the RP ID (a registrable domain), `name` is shown to users.
 * @param user `id` is the user handle (up to 64 bytes, no personal data; bytes or base64url),
 *   `name` and `displayName` are shown.
 * @example
 * ```ts
 * const options = createWebAuthnRegistrationOptions(
 *   { id: 'example.org', name: 'Example' },
 *   { id: userHandleBytes, name: 'alice@example.org', displayName: 'Alice' },
 *   { excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })) },
 * );
 * await challenges.save(options.challenge);
 * ```
 */
export function createWebAuthnRegistrationOptions(
  rp: { id: string; name: string },
  user: { id: Uint8Array | string; name: string; displayName?: string },
  options: CreateWebAuthnRegistrationOptions = {},
): WebAuthnCreationOptionsJSON {
  if (typeof rp?.id !== 'string' || rp.id.length === 0 || typeof rp.name !== 'string') throw new MfaError('INVALID_ARGUMENT', 'rp needs an id and a name');
  if (typeof user?.name !== 'string' || user.name.length === 0) throw new MfaError('INVALID_ARGUMENT', 'user needs a name');
  const handle = typeof user.id === 'string' ? user.id : bytesToBase64Url(user.id);
  const handleLength = typeof user.id === 'string' ? Math.floor((user.id.length * 3) / 4) : user.id.length;
  if (handleLength === 0 || handleLength > 64) throw new MfaError('INVALID_ARGUMENT', 'user.id must be 1 to 64 bytes');
  const algorithms = options.algorithms ?? WEBAUTHN_DEFAULT_ALGORITHMS;
  if (algorithms.length === 0 || algorithms.some((a) => !Number.isSafeInteger(a))) throw new MfaError('INVALID_OPTION', 'algorithms must be a non-empty list of COSE identifiers');
  const out: WebAuthnCreationOptionsJSON = {
    rp: { id: rp.id, name: rp.name },
    user: { id: handle, name: user.name, displayName: user.displayName ?? user.name },
    challenge: newChallenge(options),
    pubKeyCredParams: algorithms.map((alg) => ({ type: 'public-key', alg })),
    timeout: checkTimeout(options.timeout ?? DEFAULT_TIMEOUT_MS),
    excludeCredentials: descriptors(options.excludeCredentials),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred', ...options.authenticatorSelection },
    attestation: options.attestation ?? 'none',
  };
  if (options.hints !== undefined) out.hints = [...options.hints];
  if (options.extensions !== undefined) out.extensions = { ...options.extensions };
  return out;
}

/**
 * Options of {@link createWebAuthnAuthenticationOptions}.
 *
 * @example
 * ```ts
 * const options: CreateWebAuthnAuthenticationOptions = { userVerification: 'required' };
 * ```
 */
export interface CreateWebAuthnAuthenticationOptions {
  /**
   * The user's credentials (second-factor login). Omit for discoverable credentials: the
   * authenticator then picks one and returns its user handle (usernameless passkey login).
   */
  allowCredentials?: readonly WebAuthnExistingCredential[];
  /** Default `preferred`; use `required` for passkey (single-factor) login. */
  userVerification?: 'discouraged' | 'preferred' | 'required';
  hints?: ('security-key' | 'client-device' | 'hybrid')[];
  extensions?: Record<string, unknown>;
  /** Milliseconds (default 300000). */
  timeout?: number;
  /** Challenge length in bytes, at least 16 (default 32). */
  challengeBytes?: number;
  random?: RandomSource;
}

/**
 * Options for `navigator.credentials.get()`. Keep `challenge` (server-side, single use, with an
 * expiry) to verify the response.
 *
 * @example
 * ```ts
 * // Second factor for a known user:
 * const options = createWebAuthnAuthenticationOptions('example.org', { allowCredentials: credentials });
 * // Usernameless passkey login:
 * const passkey = createWebAuthnAuthenticationOptions('example.org', { userVerification: 'required' });
 * ```
 */
export function createWebAuthnAuthenticationOptions(rpId: string, options: CreateWebAuthnAuthenticationOptions = {}): WebAuthnRequestOptionsJSON {
  if (typeof rpId !== 'string' || rpId.length === 0) throw new MfaError('INVALID_ARGUMENT', 'rpId must be a non-empty string');
  const out: WebAuthnRequestOptionsJSON = {
    challenge: newChallenge(options),
    timeout: checkTimeout(options.timeout ?? DEFAULT_TIMEOUT_MS),
    rpId,
    allowCredentials: descriptors(options.allowCredentials),
    userVerification: options.userVerification ?? 'preferred',
  };
  if (options.hints !== undefined) out.hints = [...options.hints];
  if (options.extensions !== undefined) out.extensions = { ...options.extensions };
  return out;
}

/**
 * A random user handle (WebAuthn L3 §14.6.1: random, 64 bytes, no personal data), base64url.
 *
 * @example
 * ```ts
 * const userHandle = createWebAuthnUserHandle(); // store it with the account
 * ```
 */
export function createWebAuthnUserHandle(options: { random?: RandomSource } = {}): string {
  return bytesToBase64Url((options.random ?? secureRandom)(64));
}
