/**
 * JSON shapes exchanged with the browser (WebAuthn L3 §5.1 `toJSON()`: every binary field is a
 * base64url string), and the expectations both ceremonies share.
 * @module
 */

/**
 * Transport hints a credential may report.
 *
 * @example
 * ```ts
 * const transports: WebAuthnTransport[] = ['usb', 'nfc'];
 * ```
 */
export type WebAuthnTransport = 'usb' | 'nfc' | 'ble' | 'smart-card' | 'hybrid' | 'internal' | (string & {});

/**
 * A registration response as `PublicKeyCredential.toJSON()` (or mfakit's browser helper) makes it.
 *
 * @example
 * ```ts
 * const response: WebAuthnRegistrationResponseJSON = await request.json();
 * ```
 */
export interface WebAuthnRegistrationResponseJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    attestationObject: string;
    transports?: WebAuthnTransport[];
    authenticatorData?: string;
    publicKey?: string;
    publicKeyAlgorithm?: number;
  };
  authenticatorAttachment?: 'platform' | 'cross-platform' | null;
  clientExtensionResults?: Record<string, unknown>;
}

/**
 * An authentication response as `PublicKeyCredential.toJSON()` (or mfakit's browser helper) makes it.
 *
 * @example
 * ```ts
 * const response: WebAuthnAuthenticationResponseJSON = await request.json();
 * ```
 */
export interface WebAuthnAuthenticationResponseJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | null;
  };
  authenticatorAttachment?: 'platform' | 'cross-platform' | null;
  clientExtensionResults?: Record<string, unknown>;
}

/**
 * The challenge a response must carry: the issued bytes (or their base64url), or a function that
 * receives the response's challenge (base64url) and says whether it is an outstanding one. The
 * function form is where single use is enforced: have it consume the challenge from your store
 * atomically, so that a second response to the same challenge fails.
 *
 * @example
 * ```ts
 * const expectedChallenge: WebAuthnChallengeExpectation = (challenge) => store.consumeOnce(`webauthn:${challenge}`);
 * ```
 */
export type WebAuthnChallengeExpectation = string | Uint8Array | ((challenge: string) => boolean | Promise<boolean>);

/**
 * What both ceremonies check against.
 *
 * @example
 * ```ts
 * const expectations: WebAuthnExpectations = {
 *   expectedChallenge: issuedChallenge,
 *   expectedOrigin: 'https://example.org',
 *   expectedRpId: 'example.org',
 * };
 * ```
 */
export interface WebAuthnExpectations {
  expectedChallenge: WebAuthnChallengeExpectation;
  /** The allowed origins (`https://example.org`, `android:apk-key-hash:…`). */
  expectedOrigin: string | readonly string[];
  /**
   * The RP ID the credential is scoped to, or several (related origins, WebAuthn L3 §5.11: one
   * credential used from sites with different RP IDs, or a site that moved to a new domain). The
   * authenticator data's rpIdHash must be SHA-256 of one of them; results name the one matched.
   */
  expectedRpId: string | readonly string[];
  /** Refuse responses without the UV flag (default false: UP alone suffices for a second factor). */
  requireUserVerification?: boolean;
  /** Accept responses from cross-origin iframes (`crossOrigin: true`); default false. */
  allowCrossOrigin?: boolean;
  /** When cross-origin responses are allowed, the accepted `topOrigin` values (default: any). */
  allowedTopOrigins?: readonly string[];
  /** COSE algorithms accepted (default {@link WEBAUTHN_DEFAULT_ALGORITHMS}). */
  algorithms?: readonly number[];
}

/**
 * Default COSE algorithms, in order of preference: Ed25519 (-8), ES256 (-7), RS256 (-257).
 *
 * @example
 * ```ts
 * const algorithms = [...WEBAUTHN_DEFAULT_ALGORITHMS, -35]; // also ES384
 * ```
 */
export const WEBAUTHN_DEFAULT_ALGORITHMS: readonly number[] = Object.freeze([-8, -7, -257]);
