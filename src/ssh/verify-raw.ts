/**
 * Verification of a raw signature made with `openssl dgst -sha256 -sign key.pem` (RSA PKCS#1 v1.5
 * or DER ECDSA) by a registered RSA or ECDSA key: the fallback for users without `ssh-keygen -Y`.
 * @module
 */
import { MfaError } from '../errors.js';
import { base64ToBytes } from '../internal/bytes.js';
import type { SignatureBackend, SignatureScheme } from '../internal/signatures/index.js';
import { resolveRegisteredKey, verifierFor } from './key-cache.js';
import type { SshPublicKey } from './key-types.js';
import { parseSshPublicKey, parseSshPublicKeyBlob } from './public-key.js';
import { ECDSA_DER, RSA_PKCS1 } from './schemes.js';
import { failure, type SshVerificationResult } from './result.js';
import { messageBytes } from './verify-sshsig.js';

/**
 * Options of {@link verifyRawSignature}.
 *
 * @example
 * ```ts
 * const options: VerifyRawSignatureOptions = { publicKey: registeredLine, message: challenge.text };
 * ```
 */
export interface VerifyRawSignatureOptions {
  /** The registered RSA or ECDSA key (parsed, or its OpenSSH line). */
  publicKey: SshPublicKey | string;
  /** The signed message (text is UTF-8 encoded, exactly as `printf '%s'` writes it). */
  message: string | Uint8Array;
  /** The `openssl dgst` digest: `sha256` (default) or `sha512`. */
  hash?: 'sha256' | 'sha512';
  /** Signature backend (default `auto`). */
  backend?: SignatureBackend;
}

/** The signature as bytes: binary as given, or base64 text (whitespace ignored), as users paste it. */
function signatureBytes(signature: unknown): Uint8Array {
  if (signature instanceof Uint8Array) return signature;
  if (typeof signature === 'string') {
    const compact = signature.replace(/\s+/g, '');
    if (compact.length === 0 || compact.length > 8192 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
      throw new MfaError('INVALID_SSH_SIGNATURE', 'expected the raw signature as bytes or base64 text');
    }
    return base64ToBytes(compact, 'INVALID_SSH_SIGNATURE');
  }
  throw new MfaError('INVALID_SSH_SIGNATURE', 'expected the raw signature as bytes or base64 text');
}

/**
 * Verifies a raw signature of `message` made with
 * `printf '%s' '<text>' | openssl dgst -sha256 -sign key.pem | base64` by the registered key:
 * RSA keys as PKCS#1 v1.5 (the whole encoded block rebuilt and compared), ECDSA keys as DER
 * (strict; high-S accepted). Ed25519 and FIDO keys cannot make such signatures and are refused.
 *
 * @throws MfaError `UNSUPPORTED_SSH_KEY` (Ed25519 or FIDO key), `INVALID_SSH_SIGNATURE` (not bytes/base64), `INVALID_OPTION`
 * @example
 * ```ts
 * const result = await verifyRawSignature(pastedBase64, { publicKey: registeredLine, message: challenge.text });
 * if (result.ok) recoverAccount();
 * ```
 */
export async function verifyRawSignature(signature: Uint8Array | string, options: VerifyRawSignatureOptions): Promise<SshVerificationResult> {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options are required');
  const hash = options.hash ?? 'sha256';
  if (hash !== 'sha256' && hash !== 'sha512') throw new MfaError('INVALID_OPTION', 'hash must be sha256 or sha512');
  const message = messageBytes(options.message);
  const key = resolveRegisteredKey(options.publicKey, parseSshPublicKey, parseSshPublicKeyBlob);
  const bytes = signatureBytes(signature);
  const webHash = hash === 'sha256' ? 'SHA-256' : 'SHA-512';
  let scheme: SignatureScheme;
  let algorithm: string;
  if (key.type === 'ssh-rsa') {
    scheme = RSA_PKCS1[webHash];
    algorithm = `rsa-pkcs1-${hash}`;
  } else if (key.type.startsWith('ecdsa-sha2-')) {
    scheme = ECDSA_DER[webHash];
    algorithm = `ecdsa-${hash}`;
  } else {
    throw new MfaError('UNSUPPORTED_SSH_KEY', `raw (openssl) signatures are accepted only for RSA and ECDSA keys, not ${key.type}; use ssh-keygen -Y sign`);
  }
  const valid = await verifierFor(key, scheme, options.backend ?? 'auto').verify(bytes, message);
  if (!valid) return failure('bad-signature');
  return { ok: true, format: 'raw', keyType: key.type, fingerprint: key.fingerprint, signatureAlgorithm: algorithm, hashAlgorithm: hash, authenticator: undefined };
}
