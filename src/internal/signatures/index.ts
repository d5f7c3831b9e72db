/**
 * Signature verification shared by the webauthn and ssh modules: ECDSA (P-256/384/521, DER or raw,
 * high-S accepted), Ed25519 (RFC 8032 strict), RSASSA-PKCS1-v1_5 and RSA-PSS.
 *
 * Verification goes through WebCrypto when the runtime has the algorithm (detected once per
 * algorithm) and through the portable path otherwise (`@noble/curves`, BigInt RSA). Both paths see
 * the same validated key and the same normalised signature, and are tested on the same Wycheproof
 * vectors. Malformed key material throws `MfaError('INVALID_PUBLIC_KEY')`; a malformed signature
 * is simply not valid (`false`). Wycheproof "acceptable" cases (RSA DigestInfo without the NULL
 * parameter) are refused by both paths. RSA moduli must be 2048 to 16384 bits. Internal: not part
 * of the public API.
 * @module
 */
import { MfaError } from '../../errors.js';
import { validatePublicKey } from './keys.js';
import { verifyPortable } from './portable.js';
import { checkScheme, normaliseSignature, type NormalisedScheme } from './scheme.js';
import { getSubtle, importVerifyKey, verifyParams, verifyWebCrypto, webCryptoSupports } from './webcrypto.js';
import type { PublicKeyMaterial, SignatureBackend, SignatureScheme, ValidatedKey } from './types.js';

export type { PublicKeyMaterial, SignatureBackend, SignatureScheme } from './types.js';
export { derToRawEcdsa, rawToDerEcdsa } from './der.js';
export { emsaPkcs1v15Encode } from './rsa.js';

/** Options of {@link verifySignature} and {@link prepareSignatureVerifier}. */
export interface VerifySignatureOptions {
  /** `auto` (default): WebCrypto when available for the algorithm, portable otherwise. */
  backend?: SignatureBackend;
}

/** A verifier bound to one key and scheme; reuses the validated key and the imported CryptoKey. */
export interface SignatureVerifier {
  /** Resolves true only for a valid signature over `data`. Never throws for a bad signature. */
  verify(signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

/**
 * Validates `key` and `scheme` once and returns a verifier for repeated checks with that key
 * (the WebCrypto key is imported on first use and kept).
 *
 * @throws MfaError `INVALID_PUBLIC_KEY` (malformed key), `UNSUPPORTED_ALGORITHM` (unknown scheme,
 *   or `backend: 'webcrypto'` on a runtime without the algorithm), `INVALID_ARGUMENT` (key/scheme mismatch)
 * @example
 * ```ts
 * const verifier = prepareSignatureVerifier({ kty: 'OKP', crv: 'Ed25519', x: publicKey }, { name: 'Ed25519' });
 * if (await verifier.verify(signature, message)) accept();
 * ```
 */
export function prepareSignatureVerifier(key: PublicKeyMaterial, scheme: SignatureScheme, options: VerifySignatureOptions = {}): SignatureVerifier {
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'webcrypto' && backend !== 'portable') {
    throw new MfaError('INVALID_OPTION', 'backend must be auto, webcrypto or portable');
  }
  const validated = validatePublicKey(key);
  const normalised = checkScheme(validated, scheme);
  let chosen: Promise<CryptoKey | null> | undefined;
  // Once the backend is known, later calls go straight to it: no async wrapper, no extra await.
  let resolved: { key: CryptoKey | null } | undefined;
  const params = verifyParams(normalised);
  const check = (cryptoKey: CryptoKey | null, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean> => {
    const normalisedSignature = normaliseSignature(validated, normalised, signature);
    if (normalisedSignature === null) return false;
    if (cryptoKey === null) return verifyPortable(validated, normalised, normalisedSignature, data);
    return verifyWebCrypto(getSubtle()!, cryptoKey, params, normalisedSignature, data);
  };
  const first = async (signature: Uint8Array, data: Uint8Array): Promise<boolean> => {
    chosen ??= chooseBackend(validated, normalised, backend);
    // The backend choice and import run before the signature is looked at, so a malformed
    // signature costs the same as a wrong one and a forced-but-missing backend always throws.
    let cryptoKey: CryptoKey | null;
    try {
      cryptoKey = await chosen;
    } catch (error) {
      chosen = undefined;
      throw error;
    }
    resolved = { key: cryptoKey };
    return check(cryptoKey, signature, data);
  };
  return {
    verify(signature, data) {
      if (!(data instanceof Uint8Array)) return Promise.reject(new MfaError('INVALID_ARGUMENT', 'data must be a Uint8Array'));
      if (resolved === undefined) return first(signature, data);
      try {
        const result = check(resolved.key, signature, data);
        return typeof result === 'boolean' ? Promise.resolve(result) : result;
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/** Resolves the CryptoKey to use, or null for the portable path. */
async function chooseBackend(key: ValidatedKey, scheme: NormalisedScheme, backend: SignatureBackend): Promise<CryptoKey | null> {
  if (backend === 'portable') return null;
  const supported = await webCryptoSupports(key, scheme);
  if (!supported) {
    if (backend === 'webcrypto') throw new MfaError('UNSUPPORTED_ALGORITHM', `this runtime's WebCrypto cannot verify ${scheme.name}`);
    return null;
  }
  return importVerifyKey(getSubtle()!, key, scheme);
}

/**
 * Verifies one signature. Resolves `true` only when it is valid; a malformed signature encoding
 * (non-canonical DER, wrong length, out-of-range scalar) resolves `false`.
 *
 * @throws MfaError `INVALID_PUBLIC_KEY` (malformed key material), `UNSUPPORTED_ALGORITHM`,
 *   `INVALID_ARGUMENT` (scheme does not fit the key)
 * @example
 * ```ts
 * const ok = await verifySignature(
 *   { kty: 'EC', crv: 'P-256', x, y },
 *   { name: 'ECDSA', hash: 'SHA-256', encoding: 'der' },
 *   derSignature,
 *   data,
 * );
 * ```
 */
export function verifySignature(
  key: PublicKeyMaterial,
  scheme: SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  options: VerifySignatureOptions = {},
): Promise<boolean> {
  try {
    return prepareSignatureVerifier(key, scheme, options).verify(signature, data);
  } catch (error) {
    return Promise.reject(error);
  }
}
