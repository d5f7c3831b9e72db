/**
 * Secrets at rest: TOTP secrets are sealed with AES-256-GCM (WebCrypto) under a key ring the app
 * supplies. Each sealed value names its key id, so keys can rotate: the newest key seals, every key
 * in the ring opens, and a value sealed under an older key is re-sealed the next time it is used.
 * The additional authenticated data binds a ciphertext to its account and factor, so a sealed
 * secret copied onto another factor row does not open.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToBase64Url, secureRandom, utf8ToBytes, type RandomSource } from '../internal/bytes.js';

/**
 * The app's encryption keys: 32 random bytes each, by key id. `currentKeyId` seals new values; the
 * others stay to open older values until every record has been re-sealed. Keep the keys out of
 * the database (environment, KMS).
 *
 * @example
 * ```ts
 * const keyRing: MfaKeyRing = {
 *   currentKeyId: '2026-05',
 *   keys: { '2026-05': newKeyBytes, '2025-11': oldKeyBytes },
 * };
 * ```
 */
export interface MfaKeyRing {
  readonly currentKeyId: string;
  readonly keys: Readonly<Record<string, Uint8Array>>;
}

/**
 * A sealed secret as stored (JSON): algorithm, key id, 96-bit nonce and ciphertext with its tag,
 * base64url.
 *
 * @example
 * ```ts
 * const sealed: SealedSecret = { alg: 'A256GCM', kid: '2026-05', iv: 'q1…', ct: 'Zx…' };
 * ```
 */
export interface SealedSecret {
  readonly alg: 'A256GCM';
  readonly kid: string;
  readonly iv: string;
  readonly ct: string;
}

/** What a sealed value is bound to (becomes the AES-GCM additional data). */
export interface SealBinding {
  readonly accountId: string;
  readonly factorId: string;
}

/** Seals and opens secrets with a key ring. Internal to the service. */
export interface SecretSealer {
  /** The key id new values are sealed under. */
  readonly currentKeyId: string;
  seal(plaintext: Uint8Array, binding: SealBinding): Promise<SealedSecret>;
  /** Opens a sealed value; `stale` is true when it was sealed under a key other than the current one. */
  open(sealed: unknown, binding: SealBinding): Promise<{ plaintext: Uint8Array; stale: boolean }>;
  /**
   * A MAC key for `purpose`, derived from ring key `kid` (default the current one) with
   * HMAC-SHA256, so the AES keys are never used for anything else. `null` for an unknown `kid`.
   */
  macKey(purpose: string, kid?: string): { kid: string; key: Uint8Array } | null;
}

function aad(binding: SealBinding): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8ToBytes(JSON.stringify(['mfakit/sealed-secret/v1', binding.accountId, binding.factorId])));
}

/** Validates a key ring and returns a sealer that caches the imported WebCrypto keys. @internal */
export function createSecretSealer(keyRing: MfaKeyRing, random: RandomSource = secureRandom): SecretSealer {
  if (typeof keyRing !== 'object' || keyRing === null || typeof keyRing.keys !== 'object' || keyRing.keys === null) {
    throw new MfaError('INVALID_OPTION', 'keyRing must be { currentKeyId, keys: { [id]: 32-byte Uint8Array } }');
  }
  const entries = Object.entries(keyRing.keys);
  for (const [kid, key] of entries) {
    if (kid.length === 0 || !(key instanceof Uint8Array) || key.length !== 32) {
      throw new MfaError('INVALID_OPTION', `keyRing.keys["${kid}"] must be a 32-byte Uint8Array (AES-256)`);
    }
  }
  if (typeof keyRing.currentKeyId !== 'string' || !Object.hasOwn(keyRing.keys, keyRing.currentKeyId)) {
    throw new MfaError('INVALID_OPTION', 'keyRing.currentKeyId must name a key in keyRing.keys');
  }
  const current = keyRing.currentKeyId;
  // Copies, so the app mutating its arrays later cannot change the ring under us.
  const raw = new Map(entries.map(([kid, key]) => [kid, new Uint8Array(key)] as const));
  const imported = new Map<string, Promise<CryptoKey>>();
  const cryptoKey = (kid: string): Promise<CryptoKey> => {
    let key = imported.get(kid);
    if (key === undefined) {
      const bytes = raw.get(kid);
      if (bytes === undefined) throw new MfaError('KEY_NOT_FOUND', `no key "${kid}" in the key ring`, { details: { kid } });
      key = crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      imported.set(kid, key);
    }
    return key;
  };

  const macKeys = new Map<string, Map<string, Uint8Array>>();
  return {
    currentKeyId: current,
    macKey(purpose, kid = current) {
      const bytes = raw.get(kid);
      if (bytes === undefined) return null;
      let byKid = macKeys.get(purpose);
      if (byKid === undefined) macKeys.set(purpose, (byKid = new Map()));
      let key = byKid.get(kid);
      if (key === undefined) {
        key = hmac(sha256, bytes, utf8ToBytes(`mfakit/derived-key/v1/${purpose}`));
        byKid.set(kid, key);
      }
      return { kid, key };
    },
    async seal(plaintext, binding) {
      const iv = new Uint8Array(random(12));
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad(binding) },
        await cryptoKey(current),
        new Uint8Array(plaintext),
      );
      return { alg: 'A256GCM', kid: current, iv: bytesToBase64Url(iv), ct: bytesToBase64Url(new Uint8Array(ct)) };
    },
    async open(sealed, binding) {
      const s = sealed as Partial<SealedSecret> | null;
      if (typeof s !== 'object' || s === null || s.alg !== 'A256GCM' || typeof s.kid !== 'string' || typeof s.iv !== 'string' || typeof s.ct !== 'string') {
        throw new MfaError('STORE_CORRUPT', 'sealed secret is malformed', { details: { factorId: binding.factorId } });
      }
      let iv: Uint8Array<ArrayBuffer>;
      let ct: Uint8Array<ArrayBuffer>;
      try {
        iv = new Uint8Array(base64ToBytes(s.iv));
        ct = new Uint8Array(base64ToBytes(s.ct));
      } catch (cause) {
        throw new MfaError('STORE_CORRUPT', 'sealed secret is malformed', { cause, details: { factorId: binding.factorId } });
      }
      if (iv.length !== 12 || ct.length < 16) throw new MfaError('STORE_CORRUPT', 'sealed secret is malformed', { details: { factorId: binding.factorId } });
      const key = await cryptoKey(s.kid);
      let plaintext: ArrayBuffer;
      try {
        plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(binding) }, key, ct);
      } catch (cause) {
        throw new MfaError('DECRYPTION_FAILED', 'sealed secret does not open with its key (wrong key, tampered, or moved to another factor)', {
          cause,
          details: { kid: s.kid, factorId: binding.factorId },
        });
      }
      return { plaintext: new Uint8Array(plaintext), stale: s.kid !== current };
    },
  };
}
