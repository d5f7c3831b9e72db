/**
 * The WebCrypto backend (`crypto.subtle`, in Node, browsers, Deno, Bun and workers). Whether the
 * runtime has an algorithm is detected once per algorithm (import a known key, verify a dummy
 * signature) and cached. Internal.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { MfaError } from '../../errors.js';
import { bytesToBase64Url } from '../bytes.js';
import { EC_CURVES } from './keys.js';
import type { NormalisedScheme } from './scheme.js';
import type { EcCurveName, ValidatedKey } from './types.js';

/** `crypto.subtle` if this runtime has it. */
export function getSubtle(): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c !== undefined && typeof c.subtle === 'object' && c.subtle !== null ? c.subtle : undefined;
}

type ImportParams = RsaHashedImportParams | EcKeyImportParams | Algorithm;
export type VerifyParams = EcdsaParams | RsaPssParams | Algorithm;

/** The cache key of an algorithm: a CryptoKey is bound to it (RSA keys to their hash too). */
export function algorithmId(key: ValidatedKey, scheme: NormalisedScheme): string {
  switch (scheme.name) {
    case 'ECDSA':
      return `ECDSA:${(key as { crv: string }).crv}`;
    case 'Ed25519':
      return 'Ed25519';
    default:
      return `${scheme.name}:${scheme.hash}`;
  }
}

function importParams(key: ValidatedKey, scheme: NormalisedScheme): ImportParams {
  switch (scheme.name) {
    case 'ECDSA':
      return { name: 'ECDSA', namedCurve: (key as { crv: EcCurveName }).crv };
    case 'Ed25519':
      return { name: 'Ed25519' };
    default:
      return { name: scheme.name, hash: scheme.hash };
  }
}

/** The `subtle.verify` parameters of `scheme` (a verifier computes them once). */
export function verifyParams(scheme: NormalisedScheme): VerifyParams {
  switch (scheme.name) {
    case 'ECDSA':
      return { name: 'ECDSA', hash: scheme.hash };
    case 'RSA-PSS':
      return { name: 'RSA-PSS', saltLength: scheme.saltLength };
    default:
      return { name: scheme.name };
  }
}

/** Imports a validated public key for verification with `scheme`. */
export async function importVerifyKey(subtle: SubtleCrypto, key: ValidatedKey, scheme: NormalisedScheme): Promise<CryptoKey> {
  const params = importParams(key, scheme);
  try {
    switch (key.kty) {
      case 'EC':
        return await subtle.importKey('raw', key.uncompressed as Uint8Array<ArrayBuffer>, params, false, ['verify']);
      case 'OKP':
        return await subtle.importKey('raw', key.x as Uint8Array<ArrayBuffer>, params, false, ['verify']);
      case 'RSA':
        return await subtle.importKey('jwk', { kty: 'RSA', n: bytesToBase64Url(key.n), e: bytesToBase64Url(key.e), ext: true }, params, false, ['verify']);
    }
  } catch (cause) {
    throw new MfaError('INVALID_PUBLIC_KEY', 'WebCrypto refused the public key', { cause });
  }
}

/** Verifies with an imported key; a signature WebCrypto cannot even process is simply not valid. */
export function verifyWebCrypto(subtle: SubtleCrypto, cryptoKey: CryptoKey, params: VerifyParams, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return subtle.verify(params, cryptoKey, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>).catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** A known-good key of each algorithm family, used only to probe support. */
function probeKey(key: ValidatedKey): ValidatedKey {
  switch (key.kty) {
    case 'EC': {
      const base = EC_CURVES[key.crv].curve.Point.BASE.toBytes(false);
      const w = key.width;
      return { ...key, x: base.subarray(1, 1 + w), y: base.subarray(1 + w), uncompressed: base };
    }
    case 'OKP':
      return { kty: 'OKP', crv: 'Ed25519', x: ed25519.Point.BASE.toBytes() };
    case 'RSA': {
      const n = new Uint8Array(256).fill(0xff);
      return { kty: 'RSA', n, e: new Uint8Array([1, 0, 1]), nBig: (1n << 2048n) - 1n, eBig: 65537n, k: 256 };
    }
  }
}

const support = new Map<string, Promise<boolean>>();

/** True when this runtime's WebCrypto verifies `scheme` with keys like `key` (detected once, cached). */
export function webCryptoSupports(key: ValidatedKey, scheme: NormalisedScheme): Promise<boolean> {
  const id = algorithmId(key, scheme);
  let known = support.get(id);
  if (known === undefined) {
    known = probe(key, scheme);
    support.set(id, known);
  }
  return known;
}

async function probe(key: ValidatedKey, scheme: NormalisedScheme): Promise<boolean> {
  const subtle = getSubtle();
  if (subtle === undefined) return false;
  try {
    const probeWith = probeKey(key);
    const cryptoKey = await importVerifyKey(subtle, probeWith, scheme);
    const length = probeWith.kty === 'EC' ? probeWith.width * 2 : probeWith.kty === 'OKP' ? 64 : probeWith.k;
    const result = await subtle.verify(verifyParams(scheme), cryptoKey, new Uint8Array(length), new Uint8Array(1));
    return typeof result === 'boolean';
  } catch {
    return false;
  }
}
