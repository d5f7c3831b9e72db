/**
 * COSE public keys (RFC 9052/9053, RFC 8230) as WebAuthn credentials carry them, turned into the
 * key material and signature scheme of the shared signatures module.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { MfaError } from '../errors.js';
import type { PublicKeyMaterial, SignatureScheme } from '../internal/signatures/index.js';
import { type CborMap, type CborValue, decodeCbor } from './cbor.js';

/**
 * COSE algorithm identifiers mfakit understands (IANA "COSE Algorithms").
 *
 * @example
 * ```ts
 * createWebAuthnRegistrationOptions(rp, user, { algorithms: [CoseAlgorithm.ES256] });
 * ```
 */
export const CoseAlgorithm = {
  /** ECDSA P-256 with SHA-256. */
  ES256: -7,
  /** ECDSA P-384 with SHA-384. */
  ES384: -35,
  /** ECDSA P-521 with SHA-512. */
  ES512: -36,
  /** EdDSA (Ed25519 or, with crv 7, Ed448). */
  EdDSA: -8,
  /** Ed25519 (fully specified). */
  Ed25519: -19,
  /** Ed448 (fully specified). */
  Ed448: -53,
  /** RSASSA-PKCS1-v1_5 with SHA-256. */
  RS256: -257,
  /** RSASSA-PKCS1-v1_5 with SHA-384. */
  RS384: -258,
  /** RSASSA-PKCS1-v1_5 with SHA-512. */
  RS512: -259,
  /** RSASSA-PKCS1-v1_5 with SHA-1: refused unless explicitly allowed. */
  RS1: -65535,
  /** RSASSA-PSS with SHA-256. */
  PS256: -37,
  /** RSASSA-PSS with SHA-384. */
  PS384: -38,
  /** RSASSA-PSS with SHA-512. */
  PS512: -39,
} as const;

/**
 * Ed448 is not in the shared signatures module; WebAuthn verifies it itself (see signature.ts).
 *
 * @example
 * ```ts
 * const key: Ed448KeyMaterial = { kty: 'OKP', crv: 'Ed448', x: publicKey57Bytes };
 * ```
 */
export interface Ed448KeyMaterial {
  kty: 'OKP';
  crv: 'Ed448';
  x: Uint8Array;
}

/**
 * What a COSE key becomes: the algorithm, the key material and the signature scheme to use.
 *
 * @example
 * ```ts
 * const { alg, key, scheme }: CosePublicKey = parseCosePublicKey(coseBytes);
 * ```
 */
export interface CosePublicKey {
  /** COSE algorithm identifier (`alg`, label 3). */
  alg: number;
  key: PublicKeyMaterial | Ed448KeyMaterial;
  /** The scheme, or `{ name: 'Ed448' }` for Ed448 keys. */
  scheme: SignatureScheme | { name: 'Ed448' };
}

/** Smallest RSA modulus accepted, in bits. */
const MIN_RSA_BITS = 2048;

function fail(message: string): never {
  throw new MfaError('INVALID_COSE_KEY', `COSE key: ${message}`);
}

function bytesField(map: CborMap, label: number, name: string): Uint8Array {
  const value = map.get(label);
  if (!(value instanceof Uint8Array)) fail(`${name} (${label}) must be a byte string`);
  return value;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

const EC_CURVES = {
  1: { crv: 'P-256', size: 32, alg: -7, hash: 'SHA-256', curve: p256 },
  2: { crv: 'P-384', size: 48, alg: -35, hash: 'SHA-384', curve: p384 },
  3: { crv: 'P-521', size: 66, alg: -36, hash: 'SHA-512', curve: p521 },
} as const;

const RSA_SCHEMES: Record<number, SignatureScheme> = {
  [-257]: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  [-258]: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  [-259]: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  [-65535]: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  [-37]: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 },
  [-38]: { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 48 },
  [-39]: { name: 'RSA-PSS', hash: 'SHA-512', saltLength: 64 },
};

/**
 * Options for {@link parseCosePublicKey}.
 *
 * @example
 * ```ts
 * parseCosePublicKey(storedKey, { validatePoint: false });
 * ```
 */
export interface ParseCoseKeyOptions {
  /**
   * Check that EC points lie on their curve and Ed25519/Ed448 points decode (default true). The
   * check costs a point decoding; registration does it once so that authentication need not.
   */
  validatePoint?: boolean;
}

/**
 * Parses a COSE_Key (encoded bytes or an already decoded map) into key material and the signature
 * scheme its `alg` names. Algorithm and curve must agree (ES256 is P-256 only, and so on).
 *
 * @throws MfaError `INVALID_COSE_KEY` for malformed keys, `UNSUPPORTED_ALGORITHM` for unknown ones.
 * @example
 * ```ts
 * const { alg, key, scheme } = parseCosePublicKey(credential.publicKeyBytes);
 * ```
 */
export function parseCosePublicKey(input: Uint8Array | CborValue, options: ParseCoseKeyOptions = {}): CosePublicKey {
  const map = input instanceof Uint8Array ? decodeCborAsCose(input) : input;
  if (!(map instanceof Map)) fail('must be a CBOR map');
  const kty = map.get(1);
  const alg = map.get(3);
  if (typeof kty !== 'number') fail('kty (1) must be an integer');
  if (typeof alg !== 'number') fail('alg (3) must be an integer');
  const validate = options.validatePoint !== false;

  if (kty === 2) {
    const curve = EC_CURVES[map.get(-1) as 1 | 2 | 3];
    if (curve === undefined) throw new MfaError('UNSUPPORTED_ALGORITHM', 'COSE key: unsupported EC2 curve');
    if (alg !== curve.alg) {
      if (alg === -7 || alg === -35 || alg === -36) fail(`alg ${alg} does not match curve ${curve.crv}`);
      throw new MfaError('UNSUPPORTED_ALGORITHM', `COSE key: unsupported EC2 algorithm ${alg}`);
    }
    const x = bytesField(map, -2, 'x');
    const y = bytesField(map, -3, 'y');
    if (x.length !== curve.size || y.length !== curve.size) fail(`${curve.crv} coordinates must be ${curve.size} bytes`);
    if (validate) {
      try {
        const point = new Uint8Array(1 + 2 * curve.size);
        point[0] = 4;
        point.set(x, 1);
        point.set(y, 1 + curve.size);
        curve.curve.Point.fromBytes(point).assertValidity();
      } catch (cause) {
        throw new MfaError('INVALID_COSE_KEY', 'COSE key: point is not on the curve', { cause });
      }
    }
    return { alg, key: { kty: 'EC', crv: curve.crv, x, y }, scheme: { name: 'ECDSA', hash: curve.hash, encoding: 'der' } };
  }

  if (kty === 1) {
    const crv = map.get(-1);
    const x = bytesField(map, -2, 'x');
    if (crv === 6) {
      if (alg !== -8 && alg !== -19) throw new MfaError('UNSUPPORTED_ALGORITHM', `COSE key: alg ${alg} with Ed25519`);
      if (x.length !== 32) fail('Ed25519 keys are 32 bytes');
      if (validate) decodeEdwards(() => ed25519.Point.fromBytes(x));
      return { alg, key: { kty: 'OKP', crv: 'Ed25519', x }, scheme: { name: 'Ed25519' } };
    }
    if (crv === 7) {
      if (alg !== -8 && alg !== -53) throw new MfaError('UNSUPPORTED_ALGORITHM', `COSE key: alg ${alg} with Ed448`);
      if (x.length !== 57) fail('Ed448 keys are 57 bytes');
      if (validate) decodeEdwards(() => ed448.Point.fromBytes(x));
      return { alg, key: { kty: 'OKP', crv: 'Ed448', x }, scheme: { name: 'Ed448' } };
    }
    throw new MfaError('UNSUPPORTED_ALGORITHM', 'COSE key: unsupported OKP curve');
  }

  if (kty === 3) {
    const scheme = RSA_SCHEMES[alg];
    if (scheme === undefined) throw new MfaError('UNSUPPORTED_ALGORITHM', `COSE key: unsupported RSA algorithm ${alg}`);
    const n = stripLeadingZeros(bytesField(map, -1, 'n'));
    const e = stripLeadingZeros(bytesField(map, -2, 'e'));
    const bits = n.length * 8 - Math.clz32(n[0] ?? 0) + 24;
    if (n.length === 0 || (n[0] === 0) || bits < MIN_RSA_BITS) fail(`RSA modulus must be at least ${MIN_RSA_BITS} bits`);
    if (e.length === 0 || e.length > 8 || ((e[e.length - 1] ?? 0) & 1) === 0 || (e.length === 1 && e[0]! < 3)) {
      fail('RSA exponent must be odd and at least 3');
    }
    if (((n[n.length - 1] ?? 0) & 1) === 0) fail('RSA modulus must be odd');
    return { alg, key: { kty: 'RSA', n, e }, scheme };
  }

  throw new MfaError('UNSUPPORTED_ALGORITHM', `COSE key: unsupported key type ${kty}`);
}

function decodeCborAsCose(bytes: Uint8Array): CborValue {
  try {
    return decodeCbor(bytes, { maxDepth: 4, maxItems: 64 });
  } catch (cause) {
    throw new MfaError('INVALID_COSE_KEY', 'COSE key: not valid CBOR', { cause });
  }
}

function decodeEdwards(decode: () => unknown): void {
  try {
    decode();
  } catch (cause) {
    throw new MfaError('INVALID_COSE_KEY', 'COSE key: not a valid Edwards point', { cause });
  }
}

/**
 * The signature scheme a COSE `alg` selects for attestation statements (where the key comes from a
 * certificate, not a COSE key), or `undefined` when mfakit does not support it.
 *
 * @example
 * ```ts
 * coseAlgorithmScheme(-7); // { name: 'ECDSA', hash: 'SHA-256', encoding: 'der' }
 * ```
 */
export function coseAlgorithmScheme(alg: number): SignatureScheme | { name: 'Ed448' } | undefined {
  if (alg === -7) return { name: 'ECDSA', hash: 'SHA-256', encoding: 'der' };
  if (alg === -35) return { name: 'ECDSA', hash: 'SHA-384', encoding: 'der' };
  if (alg === -36) return { name: 'ECDSA', hash: 'SHA-512', encoding: 'der' };
  if (alg === -8 || alg === -19) return { name: 'Ed25519' };
  if (alg === -53) return { name: 'Ed448' };
  return RSA_SCHEMES[alg];
}

/**
 * Whether a parsed key's algorithm is in an allow-list. EdDSA (-8) with an Ed448 key also needs
 * Ed448 (-53) in the list, so allowing "EdDSA" for Ed25519 never lets Ed448 in by accident.
 *
 * @example
 * ```ts
 * if (!coseAlgorithmAllowed(parseCosePublicKey(bytes), [-8, -7])) refuse();
 * ```
 */
export function coseAlgorithmAllowed(key: CosePublicKey, algorithms: readonly number[]): boolean {
  if (!algorithms.includes(key.alg)) return false;
  return key.key.kty !== 'OKP' || key.key.crv !== 'Ed448' || algorithms.includes(-53);
}
