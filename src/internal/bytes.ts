/**
 * Byte helpers shared by every core module. `Uint8Array` and Web APIs only (no `Buffer`).
 * Internal: not part of the public API.
 * @module
 */
import { MfaError } from '../errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 encode a string. */
export function utf8ToBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 decode bytes; throws `MfaError` (`INVALID_ARGUMENT` by default) on invalid UTF-8. */
export function bytesToUtf8(bytes: Uint8Array, code: 'INVALID_ARGUMENT' | 'INVALID_CLIENT_DATA' | 'INVALID_SSH_SIGNATURE' = 'INVALID_ARGUMENT'): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    throw new MfaError(code, 'bytes are not valid UTF-8', { cause });
  }
}

/** Concatenate byte arrays into a new one. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Constant-time equality of two byte arrays. The length is not secret (it is a property of the
 * format), so arrays of different lengths return false at once.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Constant-time equality of two strings of the same length (compares UTF-16 code units). */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Plain (not constant-time) equality, for public data such as key blobs and ids. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A source of cryptographically secure random bytes; inject one in tests. */
export type RandomSource = (length: number) => Uint8Array;

/** `crypto.getRandomValues`, in chunks of at most 65536 bytes (the Web API's limit). */
export const secureRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
  }
  return out;
};

const HEX = '0123456789abcdef';

/** Lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte >> 4]! + HEX[byte & 15]!;
  return out;
}

/** Parse hex (either case); throws `MfaError('INVALID_ARGUMENT')` on bad input. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new MfaError('INVALID_ARGUMENT', 'expected an even-length hex string');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = B64.slice(0, 62) + '-_';
const B64_LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) table[B64.charCodeAt(i)] = i;
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

function encodeBase64Core(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** Standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  return encodeBase64Core(bytes, B64, true);
}

/** base64url without padding (RFC 4648 §5), as WebAuthn uses. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return encodeBase64Core(bytes, B64URL, false);
}

/**
 * Decode base64 or base64url, padded or not. Strict: any other character, or impossible length,
 * throws `MfaError` with the given code.
 */
export function base64ToBytes(text: string, code: 'INVALID_ARGUMENT' | 'INVALID_CLIENT_DATA' | 'INVALID_CREDENTIAL' | 'INVALID_SSH_KEY' | 'INVALID_SSH_SIGNATURE' = 'INVALID_ARGUMENT'): Uint8Array {
  if (typeof text !== 'string') throw new MfaError(code, 'expected a base64 string');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */ && text.length - end < 2) end--;
  if (end % 4 === 1) throw new MfaError(code, 'invalid base64 length');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  // Four characters -> three bytes per turn; an invalid character maps to -1, whose sign bit
  // survives the OR, so one test per group catches it.
  const full = end - (end % 4);
  let o = 0;
  let invalid = 0;
  for (let i = 0; i < full; i += 4) {
    const a = sextet(text.charCodeAt(i));
    const b = sextet(text.charCodeAt(i + 1));
    const c = sextet(text.charCodeAt(i + 2));
    const d = sextet(text.charCodeAt(i + 3));
    invalid |= a | b | c | d;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = n >> 16;
    out[o + 1] = n >> 8;
    out[o + 2] = n;
    o += 3;
  }
  if (invalid < 0) throw new MfaError(code, 'invalid base64 character');
  const rest = end - full;
  if (rest > 0) {
    const a = sextet(text.charCodeAt(full));
    const b = sextet(text.charCodeAt(full + 1));
    const c = rest === 3 ? sextet(text.charCodeAt(full + 2)) : 0;
    if ((a | b | c) < 0) throw new MfaError(code, 'invalid base64 character');
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = n >> 8;
    // Non-zero leftover bits mean a non-canonical encoding.
    if ((rest === 2 ? n & 0xffff : n & 0xff) !== 0) throw new MfaError(code, 'non-canonical base64');
  }
  return out;
}

function sextet(charCode: number): number {
  return charCode < 128 ? B64_LOOKUP[charCode]! : -1;
}
