/**
 * The one place WebAuthn checks a signature: the shared signatures module for every algorithm it
 * has, and @noble/curves' Ed448 for Ed448 credentials (not in the shared module). A signature whose
 * encoding is broken is a wrong signature here (`false`), not malformed input.
 * @module
 */
import { ed448 } from '@noble/curves/ed448.js';
import { MfaError } from '../errors.js';
import {
  type PublicKeyMaterial,
  type SignatureScheme,
  type SignatureVerifier,
  prepareSignatureVerifier,
  verifySignature,
} from '../internal/signatures/index.js';
import type { Ed448KeyMaterial } from './cose.js';

/** Key material WebAuthn can verify with. */
export type WebAuthnKeyMaterial = PublicKeyMaterial | Ed448KeyMaterial;
/** Scheme WebAuthn can verify with. */
export type WebAuthnSignatureScheme = SignatureScheme | { name: 'Ed448' };

/** Verifies `signature` over `data`; `false` for a wrong or undecodable signature. */
export async function verifyWebAuthnSignature(
  key: WebAuthnKeyMaterial,
  scheme: WebAuthnSignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (scheme.name === 'Ed448' || (key.kty === 'OKP' && key.crv === 'Ed448')) {
    if (scheme.name !== 'Ed448' || key.kty !== 'OKP' || key.crv !== 'Ed448') return false;
    try {
      return ed448.verify(signature, data, key.x);
    } catch {
      return false;
    }
  }
  try {
    return await verifySignature(key as PublicKeyMaterial, scheme, signature, data);
  } catch (error) {
    if (error instanceof MfaError && (error.code === 'INVALID_SIGNATURE_ENCODING' || error.code === 'INVALID_PUBLIC_KEY')) return false;
    throw error;
  }
}

/** True when a scheme can be used with a key (ECDSA hash fixed by the curve, as WebAuthn requires). */
export function schemeFitsKey(key: WebAuthnKeyMaterial, scheme: WebAuthnSignatureScheme): boolean {
  switch (scheme.name) {
    case 'ECDSA':
      return key.kty === 'EC';
    case 'Ed25519':
      return key.kty === 'OKP' && key.crv === 'Ed25519';
    case 'Ed448':
      return key.kty === 'OKP' && key.crv === 'Ed448';
    default:
      return key.kty === 'RSA';
  }
}

/**
 * Prepared verifiers for stored credential keys, keyed by the COSE key's base64url. Public data
 * only; bounded, oldest evicted first. Saves the key validation and the WebCrypto import that
 * every login with the same credential would otherwise repeat.
 */
const preparedVerifiers = new Map<string, SignatureVerifier>();
const MAX_PREPARED_VERIFIERS = 1024;

/** Like {@link verifyWebAuthnSignature}, reusing a prepared verifier for a stored credential key. */
export async function verifyWithCredentialKey(
  cacheKey: string,
  key: WebAuthnKeyMaterial,
  scheme: WebAuthnSignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (scheme.name === 'Ed448' || key.kty === 'OKP' && key.crv === 'Ed448') return verifyWebAuthnSignature(key, scheme, signature, data);
  let verifier = preparedVerifiers.get(cacheKey);
  if (verifier === undefined) {
    try {
      verifier = prepareSignatureVerifier(key as PublicKeyMaterial, scheme as SignatureScheme);
    } catch (error) {
      if (error instanceof MfaError && error.code === 'INVALID_PUBLIC_KEY') return false;
      throw error;
    }
    if (preparedVerifiers.size >= MAX_PREPARED_VERIFIERS) preparedVerifiers.delete(preparedVerifiers.keys().next().value!);
    preparedVerifiers.set(cacheKey, verifier);
  }
  return verifier.verify(signature, data);
}
