/**
 * OTP secrets: generation from the platform CSPRNG and the base32 text form authenticator apps
 * use (RFC 4648 §6).
 * @module
 */
import { MfaError } from '../errors.js';
import { base32ToBytes, bytesToBase32 } from '../internal/base32.js';
import { integerOption, optionsObject } from '../internal/assert.js';
import { secureRandom, type RandomSource } from '../internal/bytes.js';
import {
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
  RECOMMENDED_MIN_SECRET_BYTES,
  invalidOption,
} from './options.js';

/**
 * Options of {@link generateSecret}.
 *
 * @example
 * ```ts
 * generateSecret({ bytes: 32 });
 * ```
 */
export interface GenerateSecretOptions {
  /** Secret length in bytes; default 20 (160 bits, RFC 4226 R6), at least 16 unless `allowShortSecret`. */
  bytes?: number;
  /** Source of random bytes; default `crypto.getRandomValues`. Inject one only in tests. */
  random?: RandomSource;
  /** Allow 10 to 15 bytes (80 to 120 bits), for systems that cannot take more. */
  allowShortSecret?: boolean;
}

/**
 * Options of {@link decodeBase32Secret}.
 *
 * @example
 * ```ts
 * decodeBase32Secret('JBSWY3DPEHPK3PXP', { allowShortSecret: true });
 * ```
 */
export interface DecodeSecretOptions {
  /**
   * Accept secrets of 80 to 127 bits (legacy tokens, e.g. 16-character base32 secrets). Without it
   * such a secret throws `MfaError('SECRET_TOO_SHORT')`. Nothing under 80 bits is ever accepted.
   */
  allowShortSecret?: boolean;
}

/** Longest base32 text accepted (a 1024-byte secret, plus separators). */
const MAX_BASE32_INPUT_LENGTH = 4096;

function shortSecretAllowed(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidOption('allowShortSecret', 'a boolean', value);
  return value;
}

/**
 * Checks a secret you hold as bytes (an import, a migration) against the same length rule
 * `decodeBase32Secret` applies: at least 128 bits, or 80 with `allowShortSecret`; at most 1024
 * bytes. Throws `SECRET_TOO_SHORT` or `INVALID_SECRET`.
 *
 * @example
 * ```ts
 * assertSecretLength(legacySecret, { allowShortSecret: true }); // an 80-bit secret from an old system
 * ```
 */
export function assertSecretLength(secret: Uint8Array, options: { readonly allowShortSecret?: boolean } = {}): void {
  if (!(secret instanceof Uint8Array)) throw new MfaError('INVALID_SECRET', 'secret must be a Uint8Array');
  checkSecretLength(secret.length, shortSecretAllowed(options?.allowShortSecret));
}

/** Checks a decoded or generated secret's length against the policy. Internal. */
export function checkSecretLength(length: number, allowShortSecret: boolean): void {
  if (length < MIN_SECRET_BYTES || (!allowShortSecret && length < RECOMMENDED_MIN_SECRET_BYTES)) {
    throw new MfaError(
      'SECRET_TOO_SHORT',
      allowShortSecret
        ? `secret has ${length * 8} bits; at least ${MIN_SECRET_BYTES * 8} are required`
        : `secret has ${length * 8} bits; at least ${RECOMMENDED_MIN_SECRET_BYTES * 8} are required (allowShortSecret accepts ${MIN_SECRET_BYTES * 8})`,
      { details: { bits: length * 8 } },
    );
  }
  if (length > MAX_SECRET_BYTES) {
    throw new MfaError('INVALID_SECRET', `secret must be at most ${MAX_SECRET_BYTES} bytes`);
  }
}

/**
 * Generates a new OTP secret from `crypto.getRandomValues`: 20 bytes (160 bits) by default.
 *
 * @example
 * ```ts
 * const secret = generateSecret();           // 20 random bytes
 * const text = encodeBase32Secret(secret);   // 32 base32 characters for the key URI
 * ```
 */
export function generateSecret(options?: GenerateSecretOptions): Uint8Array {
  const o = optionsObject(options);
  const allowShort = shortSecretAllowed(o.allowShortSecret);
  const bytes = integerOption('bytes', o.bytes, { fallback: 20, min: MIN_SECRET_BYTES, max: MAX_SECRET_BYTES });
  checkSecretLength(bytes, allowShort);
  if (o.random !== undefined && typeof o.random !== 'function') throw invalidOption('random', 'a function', o.random);
  const random = o.random ?? secureRandom;
  const secret = random(bytes);
  if (!(secret instanceof Uint8Array) || secret.length !== bytes) {
    throw new MfaError('INVALID_OPTION', `random must return a Uint8Array of ${bytes} bytes`, { details: { option: 'random' } });
  }
  return secret;
}

/**
 * Encodes a secret as RFC 4648 base32 without padding, the form authenticator apps and key URIs
 * use.
 *
 * @example
 * ```ts
 * encodeBase32Secret(new Uint8Array([0x48, 0x65, 0x6c, 0x6c, 0x6f])); // 'JBSWY3DP'
 * ```
 */
export function encodeBase32Secret(secret: Uint8Array): string {
  if (!(secret instanceof Uint8Array)) throw new MfaError('INVALID_SECRET', 'secret must be a Uint8Array');
  if (secret.length > MAX_SECRET_BYTES) throw new MfaError('INVALID_SECRET', `secret must be at most ${MAX_SECRET_BYTES} bytes`);
  return bytesToBase32(secret);
}

const BASE32_CHARS = /^[A-Z2-7]*$/;
/** Valid lengths of unpadded base32 modulo 8 (1, 3 and 6 cannot end a byte string). */
const VALID_TAIL = [true, false, true, false, true, true, false, true];
/** Padding that must follow a tail of each length when padding is present. */
const PADDING_FOR_TAIL = [0, -1, 6, -1, 4, 3, -1, 1];

/**
 * Decodes a base32 secret as people paste it: lowercase, spaces (and dashes) between groups and
 * missing padding are accepted; anything else (other characters, wrong padding, impossible
 * length, non-zero trailing bits) throws `MfaError('INVALID_BASE32')`. Secrets under 128 bits
 * throw `MfaError('SECRET_TOO_SHORT')` unless `allowShortSecret` is set.
 *
 * @example
 * ```ts
 * const secret = decodeBase32Secret('jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp');
 * const legacy = decodeBase32Secret('JBSWY3DPEHPK3PXP', { allowShortSecret: true }); // 80 bits
 * ```
 */
export function decodeBase32Secret(text: string, options?: DecodeSecretOptions): Uint8Array {
  const o = optionsObject(options);
  const allowShort = shortSecretAllowed(o.allowShortSecret);
  const bytes = decodeBase32(text);
  checkSecretLength(bytes.length, allowShort);
  return bytes;
}

/** Strict, forgiving-of-formatting base32 decoding with no length policy. Internal. */
export function decodeBase32(text: string): Uint8Array {
  if (typeof text !== 'string') throw new MfaError('INVALID_BASE32', 'base32 secret must be a string');
  if (text.length > MAX_BASE32_INPUT_LENGTH) {
    throw new MfaError('INVALID_BASE32', `base32 secret must be at most ${MAX_BASE32_INPUT_LENGTH} characters`);
  }
  const compact = text.replace(/[\s-]+/g, '').toUpperCase();
  const firstPad = compact.indexOf('=');
  const data = firstPad < 0 ? compact : compact.slice(0, firstPad);
  const padding = firstPad < 0 ? 0 : compact.length - firstPad;
  if (!BASE32_CHARS.test(data)) throw new MfaError('INVALID_BASE32', 'base32 secret may contain only A-Z and 2-7');
  const tail = data.length % 8;
  if (!VALID_TAIL[tail]) throw new MfaError('INVALID_BASE32', 'base32 secret has an impossible length');
  if (padding > 0 && (!/^=+$/.test(compact.slice(firstPad)) || padding !== PADDING_FOR_TAIL[tail])) {
    throw new MfaError('INVALID_BASE32', 'base32 secret has wrong padding');
  }
  // Canonical form only: the bits after the last whole byte must be zero, so each secret has
  // exactly one spelling (and decode then encode gives the input back).
  if (tail !== 0) {
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(data[data.length - 1]!);
    const unusedBits = (tail * 5) % 8;
    if ((last & ((1 << unusedBits) - 1)) !== 0) throw new MfaError('INVALID_BASE32', 'base32 secret has non-zero trailing bits');
  }
  return base32ToBytes(data);
}
