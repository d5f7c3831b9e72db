/**
 * Portable RSA verification with BigInt: PKCS#1 v1.5 (RFC 8017 §8.2.2) and PSS (§8.1.2).
 *
 * PKCS#1 v1.5 rebuilds the whole expected encoded block `00 01 FF..FF 00 || DigestInfo || H(m)` and
 * compares it byte for byte with `s^e mod n`. The block is never parsed: parsing is how Bleichenbacher
 * style forgeries (CVE-2006-4339 and its many descendants) get in. Internal.
 * @module
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { concatBytes, equalBytes } from '../bytes.js';
import type { HashName } from './types.js';

/** The hash functions, by WebCrypto name. */
export const HASHES: Record<HashName, (data: Uint8Array) => Uint8Array> = {
  'SHA-1': (d) => sha1(d),
  'SHA-256': (d) => sha256(d),
  'SHA-384': (d) => sha384(d),
  'SHA-512': (d) => sha512(d),
};

const HASH_LENGTHS: Record<HashName, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** DER of `DigestInfo { AlgorithmIdentifier { oid, NULL }, OCTET STRING }` up to the digest (RFC 8017 §9.2 note 1). */
const DIGEST_INFO_PREFIX: Record<HashName, Uint8Array> = {
  'SHA-1': hex('3021300906052b0e03021a05000414'),
  'SHA-256': hex('3031300d060960864801650304020105000420'),
  'SHA-384': hex('3041300d060960864801650304020205000430'),
  'SHA-512': hex('3051300d060960864801650304020305000440'),
};

function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Big-endian unsigned bytes to BigInt. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** BigInt to exactly `length` big-endian bytes (the caller ensures it fits). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** `base^exponent mod modulus`, left-to-right square and multiply (public exponent: timing is public). */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  for (let bit = BigInt(exponent.toString(2).length - 1); bit >= 0n; bit--) {
    result = (result * result) % modulus;
    if ((exponent >> bit) & 1n) result = (result * base) % modulus;
  }
  return result;
}

/** RSAVP1: `s^e mod n` as k bytes, or null when the signature is not a k-byte integer below n. */
function openSignature(n: bigint, e: bigint, k: number, signature: Uint8Array): Uint8Array | null {
  if (signature.length !== k) return null;
  const s = bytesToBigInt(signature);
  if (s >= n) return null;
  return bigIntToBytes(modPow(s, e, n), k);
}

/** The EMSA-PKCS1-v1_5 encoding of `data` for a k-byte modulus, or null if k is too small. */
export function emsaPkcs1v15Encode(data: Uint8Array, hash: HashName, k: number): Uint8Array | null {
  const t = concatBytes(DIGEST_INFO_PREFIX[hash], HASHES[hash](data));
  if (k < t.length + 11) return null;
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - t.length - 1] = 0x00;
  em.set(t, k - t.length);
  return em;
}

/** RSASSA-PKCS1-v1_5 verification: rebuild the encoded block and compare it whole. */
export function verifyRsaPkcs1v15(n: bigint, e: bigint, k: number, hash: HashName, signature: Uint8Array, data: Uint8Array): boolean {
  const opened = openSignature(n, e, k, signature);
  if (opened === null) return false;
  const expected = emsaPkcs1v15Encode(data, hash, k);
  return expected !== null && equalBytes(opened, expected);
}

function mgf1(seed: Uint8Array, length: number, hash: HashName): Uint8Array {
  const out = new Uint8Array(length);
  const counter = new Uint8Array(4);
  for (let offset = 0, i = 0; offset < length; i++) {
    counter[0] = i >>> 24;
    counter[1] = (i >>> 16) & 0xff;
    counter[2] = (i >>> 8) & 0xff;
    counter[3] = i & 0xff;
    const block = HASHES[hash](concatBytes(seed, counter));
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
    offset += block.length;
  }
  return out;
}

/** RSASSA-PSS verification with MGF1 over the same hash (RFC 8017 §8.1.2, §9.1.2). */
export function verifyRsaPss(n: bigint, e: bigint, k: number, hash: HashName, saltLength: number, signature: Uint8Array, data: Uint8Array): boolean {
  const opened = openSignature(n, e, k, signature);
  if (opened === null) return false;
  const modBits = n.toString(2).length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // When modBits - 1 is a multiple of 8 the encoded message is one byte shorter than k.
  if (emLen < k && opened[0] !== 0) return false;
  const em = opened.subarray(k - emLen);
  const hLen = HASH_LENGTHS[hash];
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return false;
  const db = mgf1(h, maskedDb.length, hash);
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= topMask;
  const psLength = emLen - hLen - saltLength - 2;
  for (let i = 0; i < psLength; i++) if (db[i] !== 0) return false;
  if (db[psLength] !== 0x01) return false;
  const salt = db.subarray(db.length - saltLength);
  const mPrime = concatBytes(new Uint8Array(8), HASHES[hash](data), salt);
  return equalBytes(HASHES[hash](mPrime), h);
}
