/**
 * Types of the shared signature verifier (used by webauthn and ssh). Internal.
 * @module
 */

/** Public key material, as big-endian unsigned bytes (EC coordinates fixed-width). */
export type PublicKeyMaterial =
  | { kty: 'EC'; crv: 'P-256' | 'P-384' | 'P-521'; x: Uint8Array; y: Uint8Array }
  | { kty: 'OKP'; crv: 'Ed25519'; x: Uint8Array }
  | { kty: 'RSA'; n: Uint8Array; e: Uint8Array };

/** A signature algorithm with its parameters. ECDSA `encoding`: ASN.1 DER or raw `r || s`. */
export type SignatureScheme =
  | { name: 'ECDSA'; hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; encoding: 'der' | 'raw' }
  | { name: 'Ed25519' }
  | { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' }
  | { name: 'RSA-PSS'; hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; saltLength: number };

/**
 * Which implementation verifies: `webcrypto` (`crypto.subtle`), `portable` (`@noble/curves` and
 * BigInt RSA), or `auto` (WebCrypto when the runtime has the algorithm, portable otherwise).
 */
export type SignatureBackend = 'auto' | 'webcrypto' | 'portable';

/** Hash names the schemes use. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Named curves for ECDSA. */
export type EcCurveName = 'P-256' | 'P-384' | 'P-521';

/** A key after validation: normalised bytes both backends share. */
export type ValidatedKey =
  | { kty: 'EC'; crv: EcCurveName; x: Uint8Array; y: Uint8Array; width: number; orderBytes: Uint8Array; uncompressed: Uint8Array }
  | { kty: 'OKP'; crv: 'Ed25519'; x: Uint8Array }
  | { kty: 'RSA'; n: Uint8Array; e: Uint8Array; nBig: bigint; eBig: bigint; k: number };
