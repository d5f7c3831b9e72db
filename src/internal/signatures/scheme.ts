/**
 * Scheme checks shared by both backends: does the scheme fit the key, and the signature's shape
 * (length, ECDSA DER -> raw, ECDSA scalar range), so WebCrypto and the portable path refuse the same
 * inputs for the same reasons. Internal.
 * @module
 */
import { MfaError } from '../../errors.js';
import { derToRawEcdsa } from './der.js';
import type { HashName, SignatureScheme, ValidatedKey } from './types.js';

/** A scheme after validation (ECDSA signatures are handed on as raw `r || s`). */
export type NormalisedScheme =
  | { name: 'ECDSA'; hash: Exclude<HashName, 'SHA-1'>; encoding: 'der' | 'raw' }
  | { name: 'Ed25519' }
  | { name: 'RSASSA-PKCS1-v1_5'; hash: HashName }
  | { name: 'RSA-PSS'; hash: Exclude<HashName, 'SHA-1'>; saltLength: number };

const HASH_NAMES: readonly string[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

function unsupported(message: string): MfaError {
  return new MfaError('UNSUPPORTED_ALGORITHM', message);
}

/**
 * Checks that the scheme is well formed and fits the key type.
 * @throws MfaError `UNSUPPORTED_ALGORITHM` (unknown scheme or hash), `INVALID_ARGUMENT` (key type mismatch)
 */
export function checkScheme(key: ValidatedKey, scheme: SignatureScheme): NormalisedScheme {
  if (typeof scheme !== 'object' || scheme === null) throw unsupported('scheme must be an object');
  const needs = (kty: ValidatedKey['kty']): void => {
    if (key.kty !== kty) throw new MfaError('INVALID_ARGUMENT', `${scheme.name} needs a ${kty} key, got ${key.kty}`);
  };
  switch (scheme.name) {
    case 'ECDSA':
      if (scheme.hash === ('SHA-1' as string) || !HASH_NAMES.includes(scheme.hash)) throw unsupported('ECDSA hash must be SHA-256, SHA-384 or SHA-512');
      if (scheme.encoding !== 'der' && scheme.encoding !== 'raw') throw unsupported('ECDSA encoding must be der or raw');
      needs('EC');
      return { name: 'ECDSA', hash: scheme.hash, encoding: scheme.encoding };
    case 'Ed25519':
      needs('OKP');
      return { name: 'Ed25519' };
    case 'RSASSA-PKCS1-v1_5':
      if (!HASH_NAMES.includes(scheme.hash)) throw unsupported('unknown RSA hash');
      needs('RSA');
      return { name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash };
    case 'RSA-PSS':
      if (scheme.hash === ('SHA-1' as string) || !HASH_NAMES.includes(scheme.hash)) throw unsupported('RSA-PSS hash must be SHA-256, SHA-384 or SHA-512');
      if (!Number.isSafeInteger(scheme.saltLength) || scheme.saltLength < 0 || scheme.saltLength > 1024) {
        throw new MfaError('INVALID_ARGUMENT', 'RSA-PSS saltLength must be an integer from 0 to 1024');
      }
      needs('RSA');
      return { name: 'RSA-PSS', hash: scheme.hash, saltLength: scheme.saltLength };
    default:
      throw unsupported(`unknown signature scheme ${(scheme as { name?: unknown }).name}`);
  }
}

/** 1 <= value < order, both big-endian of the same width (compared as bytes: no BigInt per call). */
function inScalarRange(value: Uint8Array, order: Uint8Array): boolean {
  let nonZero = 0;
  for (const byte of value) nonZero |= byte;
  if (nonZero === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (value[i]! !== order[i]!) return value[i]! < order[i]!;
  }
  return false; // equal to the order
}

/**
 * Normalises the signature bytes for the backends, or returns null when it cannot be valid:
 * ECDSA becomes raw `r || s` with 1 <= r, s < n; Ed25519 must be 64 bytes; RSA exactly k bytes.
 */
export function normaliseSignature(key: ValidatedKey, scheme: NormalisedScheme, signature: Uint8Array): Uint8Array | null {
  if (!(signature instanceof Uint8Array)) return null;
  switch (key.kty) {
    case 'EC': {
      const width = key.width;
      const raw = scheme.name === 'ECDSA' && scheme.encoding === 'der' ? derToRawEcdsa(signature, width) : signature;
      if (raw === null || raw.length !== width * 2) return null;
      const r = raw.subarray(0, width);
      const s = raw.subarray(width);
      if (!inScalarRange(r, key.orderBytes) || !inScalarRange(s, key.orderBytes)) return null;
      return raw;
    }
    case 'OKP':
      return signature.length === 64 ? signature : null;
    case 'RSA':
      // RFC 8017 §8.2.2 step 1: a signature of any other length is invalid (no implicit padding).
      return signature.length === key.k ? signature : null;
  }
}
