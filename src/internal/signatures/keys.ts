/**
 * Validation of public key material, shared by both backends so they refuse the same keys with the
 * same error. Internal.
 * @module
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { MfaError } from '../../errors.js';
import { concatBytes } from '../bytes.js';
import { bigIntToBytes, bytesToBigInt } from './rsa.js';
import type { EcCurveName, PublicKeyMaterial, ValidatedKey } from './types.js';

/** Coordinate width and group order of each NIST curve. */
export const EC_CURVES = {
  'P-256': { width: 32, curve: p256 },
  'P-384': { width: 48, curve: p384 },
  'P-521': { width: 66, curve: p521 },
} as const satisfies Record<EcCurveName, unknown>;

/** RSA moduli accepted: 2048 to 16384 bits (below 2048 is too weak; above only costs time). */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 16384;

function invalid(message: string, cause?: unknown): MfaError {
  return new MfaError('INVALID_PUBLIC_KEY', message, cause === undefined ? {} : { cause });
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/**
 * Checks key material and returns the normalised form. EC points must lie on the curve (fixed-width
 * coordinates), Ed25519 keys must be a canonical 32-byte point encoding, RSA moduli odd and 2048 to
 * 16384 bits, exponents odd, at least 3 and at most 64 bits (bounds the portable modpow cost).
 * @throws MfaError `INVALID_PUBLIC_KEY`
 */
export function validatePublicKey(key: PublicKeyMaterial): ValidatedKey {
  if (typeof key !== 'object' || key === null) throw invalid('public key must be an object');
  switch (key.kty) {
    case 'EC': {
      const spec = EC_CURVES[key.crv as EcCurveName];
      if (spec === undefined) throw invalid('unknown EC curve');
      if (!isBytes(key.x) || !isBytes(key.y) || key.x.length !== spec.width || key.y.length !== spec.width) {
        throw invalid(`${key.crv} coordinates must be ${spec.width} bytes each`);
      }
      const uncompressed = concatBytes(new Uint8Array([4]), key.x, key.y);
      try {
        spec.curve.Point.fromBytes(uncompressed).assertValidity();
      } catch (cause) {
        throw invalid(`not a point on ${key.crv}`, cause);
      }
      return { kty: 'EC', crv: key.crv, x: key.x, y: key.y, width: spec.width, orderBytes: bigIntToBytes(spec.curve.Point.CURVE().n, spec.width), uncompressed };
    }
    case 'OKP': {
      if (key.crv !== 'Ed25519') throw invalid('unknown OKP curve');
      if (!isBytes(key.x) || key.x.length !== 32) throw invalid('Ed25519 public key must be 32 bytes');
      try {
        ed25519.Point.fromBytes(key.x, false); // strict: canonical y, valid x
      } catch (cause) {
        throw invalid('not an Ed25519 point encoding', cause);
      }
      return { kty: 'OKP', crv: 'Ed25519', x: key.x };
    }
    case 'RSA': {
      if (!isBytes(key.n) || !isBytes(key.e)) throw invalid('RSA n and e must be bytes');
      const n = stripLeadingZeros(key.n);
      const e = stripLeadingZeros(key.e);
      const bits = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
      if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) throw invalid(`RSA modulus must be ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits`);
      if ((n[n.length - 1]! & 1) === 0) throw invalid('RSA modulus must be odd');
      if (e.length === 0 || e.length > 8 || (e[e.length - 1]! & 1) === 0) throw invalid('RSA exponent must be odd and at most 64 bits');
      const eBig = bytesToBigInt(e);
      if (eBig < 3n) throw invalid('RSA exponent must be at least 3');
      return { kty: 'RSA', n, e, nBig: bytesToBigInt(n), eBig, k: n.length };
    }
    default:
      throw invalid('unknown key type');
  }
}
