/**
 * The key-derivation functions backup codes are hashed with, their default cost and the bounds a
 * stored or configured cost must stay within.
 *
 * Why these bounds: a stored hash names its own parameters, so a tampered or corrupted record could
 * otherwise ask for gigabytes of memory or minutes of CPU. Every parameter is checked against these
 * limits before any work starts; the most expensive accepted cost is about 32 times the scrypt preset.
 * @module
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { MfaError, type MfaErrorCode } from '../errors.js';
import { pbkdf2Sha256 } from './pbkdf2.js';

/**
 * A key-derivation function with its cost parameters, as `@noble/hashes` names them.
 * - `scrypt`: `N` (CPU/memory cost, power of two), `r` (block size), `p` (parallelism); memory is
 *   `128 * N * r` bytes.
 * - `pbkdf2-sha256`: `iterations`.
 * - `argon2id` (version 0x13): `m` (memory in KiB), `t` (passes), `p` (lanes).
 *
 * @example
 * ```ts
 * const kdf: BackupCodeKdf = { algorithm: 'scrypt', N: 2 ** 15, r: 8, p: 1 };
 * await createBackupCodes({ kdf });
 * ```
 */
export type BackupCodeKdf =
  | { algorithm: 'scrypt'; N: number; r: number; p: number }
  | { algorithm: 'pbkdf2-sha256'; iterations: number }
  | { algorithm: 'argon2id'; m: number; t: number; p: number };

/**
 * Default cost for codes with at least 80 secret bits (the default code): PBKDF2-HMAC-SHA256 with
 * 10,000 iterations, through WebCrypto (native and asynchronous in Node, browsers, Bun, Deno and
 * Cloudflare Workers), about 2 ms of CPU per verification on the reference machine
 * (bench/backup-codes.mjs).
 *
 * Why so much cheaper than a password hash: the codes are random. Recovering one 80-bit code from
 * a stolen table takes about 2^79 guesses whatever each guess costs; 10,000 iterations multiply
 * that by 20,000 SHA-256 compressions, far beyond any attacker (docs/security-backup-codes.md has
 * the figures). It is the cost NIST SP 800-63B §5.1.1.2 names for passwords ("typically at least
 * 10,000 iterations"), applied to secrets with twice a password's entropy and more. Codes with
 * fewer secret bits get {@link LOW_ENTROPY_BACKUP_CODE_KDF}; see {@link defaultBackupCodeKdf}.
 * mfakit 0.1's default (scrypt N = 2^14, about 60–70 ms) remains as `BACKUP_CODE_KDF_PRESETS.scrypt`.
 *
 * @example
 * ```ts
 * DEFAULT_BACKUP_CODE_KDF; // { algorithm: 'pbkdf2-sha256', iterations: 10000 }
 * ```
 */
export const DEFAULT_BACKUP_CODE_KDF: Readonly<BackupCodeKdf> = Object.freeze({ algorithm: 'pbkdf2-sha256', iterations: 10_000 });

/**
 * Default cost for codes with fewer than 80 secret bits (`secretBits` set below the default):
 * PBKDF2-HMAC-SHA256 with 100,000 iterations, ten times {@link DEFAULT_BACKUP_CODE_KDF} (about
 * 20 ms of CPU) and the most Cloudflare Workers' WebCrypto accepts. A 60-bit code is 2^20 times
 * easier to search than an 80-bit one, so it gets the cost of a password hash; below that the
 * pepper, not the cost, is what protects a stolen table.
 *
 * @example
 * ```ts
 * defaultBackupCodeKdf(40) === LOW_ENTROPY_BACKUP_CODE_KDF; // true
 * ```
 */
export const LOW_ENTROPY_BACKUP_CODE_KDF: Readonly<BackupCodeKdf> = Object.freeze({ algorithm: 'pbkdf2-sha256', iterations: 100_000 });

/** Secret bits from which {@link DEFAULT_BACKUP_CODE_KDF} applies. */
const FULL_ENTROPY_BITS = 80;

/**
 * The KDF new hashes get when the caller names none, from the secret bits of the code (5 per
 * character after the id group): {@link DEFAULT_BACKUP_CODE_KDF} from 80 bits (the default code),
 * {@link LOW_ENTROPY_BACKUP_CODE_KDF} below.
 *
 * @example
 * ```ts
 * defaultBackupCodeKdf(80); // { algorithm: 'pbkdf2-sha256', iterations: 10000 }
 * defaultBackupCodeKdf(60); // { algorithm: 'pbkdf2-sha256', iterations: 100000 }
 * ```
 */
export function defaultBackupCodeKdf(secretBits: number): Readonly<BackupCodeKdf> {
  return secretBits >= FULL_ENTROPY_BITS ? DEFAULT_BACKUP_CODE_KDF : LOW_ENTROPY_BACKUP_CODE_KDF;
}

/**
 * Named costs for apps that want another algorithm or a higher cost than the default:
 * `pbkdf2-sha256` is {@link DEFAULT_BACKUP_CODE_KDF}; `scrypt` (N = 2^14, r = 8, p = 1, 16 MiB) was
 * mfakit 0.1's default and costs a password hash's 50–100 ms in JavaScript; `argon2id`
 * (m = 8 MiB, t = 2, p = 1) costs about the same.
 *
 * @example
 * ```ts
 * await createBackupCodes({ kdf: BACKUP_CODE_KDF_PRESETS.scrypt }); // password-grade cost
 * ```
 */
export const BACKUP_CODE_KDF_PRESETS: Readonly<Record<BackupCodeKdf['algorithm'], Readonly<BackupCodeKdf>>> = Object.freeze({
  scrypt: Object.freeze({ algorithm: 'scrypt', N: 2 ** 14, r: 8, p: 1 }),
  'pbkdf2-sha256': DEFAULT_BACKUP_CODE_KDF,
  argon2id: Object.freeze({ algorithm: 'argon2id', m: 8192, t: 2, p: 1 }),
});

/**
 * Accepted parameter ranges, for configuration and for stored hashes alike.
 *
 * @example
 * ```ts
 * BACKUP_CODE_KDF_LIMITS.scrypt.maxLog2N; // 20
 * ```
 */
export const BACKUP_CODE_KDF_LIMITS = Object.freeze({
  scrypt: Object.freeze({ minLog2N: 10, maxLog2N: 20, maxR: 32, maxP: 16, maxMemoryBytes: 2 ** 28, maxNrp: 2 ** 22 }),
  'pbkdf2-sha256': Object.freeze({ minIterations: 1_000, maxIterations: 2_000_000 }),
  argon2id: Object.freeze({ minM: 64, maxM: 2 ** 18, maxT: 16, maxP: 8, maxMt: 2 ** 19 }),
  saltBytes: Object.freeze({ min: 16, max: 64 }),
  hashBytes: Object.freeze({ min: 16, max: 64 }),
});

type KdfErrorCode = Extract<MfaErrorCode, 'INVALID_OPTION' | 'INVALID_BACKUP_CODE_RECORD'>;

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Checks a KDF description against {@link BACKUP_CODE_KDF_LIMITS}; returns a clean copy.
 * @internal
 */
export function checkKdf(kdf: unknown, code: KdfErrorCode): BackupCodeKdf {
  const fail = (message: string): never => {
    throw new MfaError(code, message, { details: { kdf } });
  };
  if (typeof kdf !== 'object' || kdf === null) return fail('kdf must be an object');
  const k = kdf as Record<string, unknown>;
  switch (k.algorithm) {
    case 'scrypt': {
      const L = BACKUP_CODE_KDF_LIMITS.scrypt;
      const { N, r, p } = k;
      if (!isInt(N, 2 ** L.minLog2N, 2 ** L.maxLog2N) || (N & (N - 1)) !== 0) {
        return fail(`scrypt N must be a power of two from 2^${L.minLog2N} to 2^${L.maxLog2N}`);
      }
      if (!isInt(r, 1, L.maxR)) return fail(`scrypt r must be an integer from 1 to ${L.maxR}`);
      if (!isInt(p, 1, L.maxP)) return fail(`scrypt p must be an integer from 1 to ${L.maxP}`);
      if (128 * N * r > L.maxMemoryBytes) return fail('scrypt memory (128·N·r) exceeds 256 MiB');
      if (N * r * p > L.maxNrp) return fail('scrypt cost (N·r·p) exceeds 2^22');
      return { algorithm: 'scrypt', N, r, p };
    }
    case 'pbkdf2-sha256': {
      const L = BACKUP_CODE_KDF_LIMITS['pbkdf2-sha256'];
      if (!isInt(k.iterations, L.minIterations, L.maxIterations)) {
        return fail(`pbkdf2 iterations must be an integer from ${L.minIterations} to ${L.maxIterations}`);
      }
      return { algorithm: 'pbkdf2-sha256', iterations: k.iterations };
    }
    case 'argon2id': {
      const L = BACKUP_CODE_KDF_LIMITS.argon2id;
      const { m, t, p } = k;
      if (!isInt(p, 1, L.maxP)) return fail(`argon2id p must be an integer from 1 to ${L.maxP}`);
      if (!isInt(m, Math.max(L.minM, 8 * p), L.maxM)) return fail(`argon2id m must be an integer from max(${L.minM}, 8·p) to ${L.maxM} KiB`);
      if (!isInt(t, 1, L.maxT)) return fail(`argon2id t must be an integer from 1 to ${L.maxT}`);
      if (m * t > L.maxMt) return fail('argon2id cost (m·t) exceeds 2^19');
      return { algorithm: 'argon2id', m, t, p };
    }
    default:
      throw new MfaError('UNSUPPORTED_KDF', 'unknown key-derivation algorithm', { details: { algorithm: String(k.algorithm).slice(0, 40) } });
  }
}

/** True when `stored` is weaker than `current` (other algorithm, or any lower cost). @internal */
export function kdfBelow(stored: BackupCodeKdf, current: BackupCodeKdf): boolean {
  if (stored.algorithm !== current.algorithm) return true;
  switch (stored.algorithm) {
    case 'scrypt': {
      const c = current as typeof stored;
      return stored.N < c.N || stored.r < c.r || stored.N * stored.r * stored.p < c.N * c.r * c.p;
    }
    case 'pbkdf2-sha256':
      return stored.iterations < (current as typeof stored).iterations;
    case 'argon2id': {
      const c = current as typeof stored;
      return stored.m < c.m || stored.t < c.t || stored.m * stored.t * stored.p < c.m * c.t * c.p;
    }
  }
}

/** Runs the KDF (asynchronously, yielding to the event loop). Parameters must be checked. @internal */
export function deriveBackupCodeKey(kdf: BackupCodeKdf, password: Uint8Array, salt: Uint8Array, dkLen: number): Promise<Uint8Array> {
  switch (kdf.algorithm) {
    case 'scrypt':
      return scryptAsync(password, salt, {
        N: kdf.N,
        r: kdf.r,
        p: kdf.p,
        dkLen,
        maxmem: BACKUP_CODE_KDF_LIMITS.scrypt.maxMemoryBytes * 2,
      });
    case 'pbkdf2-sha256':
      return pbkdf2Sha256(password, salt, kdf.iterations, dkLen);
    case 'argon2id':
      return argon2idAsync(password, salt, { m: kdf.m, t: kdf.t, p: kdf.p, dkLen, version: 0x13 });
  }
}
