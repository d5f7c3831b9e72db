/**
 * Verification of `ssh-keygen -Y sign` signatures (OpenSSH PROTOCOL.sshsig) against a registered key.
 * @module
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { concatBytes, equalBytes, utf8ToBytes } from '../internal/bytes.js';
import type { SignatureBackend } from '../internal/signatures/index.js';
import { parseEnvelope, sshsigSignedData } from './envelope.js';
import { applicationHash, resolveRegisteredKey, verifierFor } from './key-cache.js';
import { KEY_TYPES, type SshPublicKey } from './key-types.js';
import { assertSshNamespace } from './namespace.js';
import { parseSshPublicKey, parseSshPublicKeyBlob } from './public-key.js';
import { failure, type SshVerificationResult } from './result.js';
import { parseSignatureBlob, signatureCheck } from './signature-blob.js';
import { encodeUint32 } from './wire.js';

/** FIDO flags (PROTOCOL.u2f / CTAP): user presence, user verification. */
const SK_USER_PRESENCE = 0x01;
const SK_USER_VERIFICATION = 0x04;

/**
 * Options of {@link verifySshSignature}.
 *
 * @example
 * ```ts
 * const options: VerifySshSignatureOptions = { publicKey: registeredLine, namespace: 'recovery@example.com', message: challenge.text };
 * ```
 */
export interface VerifySshSignatureOptions {
  /** The registered key: a parsed key or its OpenSSH line. The signature's embedded key must equal it byte for byte. */
  publicKey: SshPublicKey | string;
  /** The exact namespace the signature must name (app-specific; never `file`, `git` or `email`). */
  namespace: string;
  /** The signed message (text is UTF-8 encoded, exactly as `printf '%s'` writes it). */
  message: string | Uint8Array;
  /** FIDO keys: also require user verification (PIN/biometric, flag 0x04). Default false; presence (0x01) is always required. */
  requireUserVerification?: boolean;
  /** Signature backend (default `auto`). */
  backend?: SignatureBackend;
}

/** Normalises the message argument. */
export function messageBytes(message: unknown): Uint8Array {
  if (typeof message === 'string') return utf8ToBytes(message);
  if (message instanceof Uint8Array) return message;
  throw new MfaError('INVALID_OPTION', 'message must be a string or a Uint8Array');
}

/**
 * Verifies an armored SSH signature (`ssh-keygen -Y sign -n <namespace>`) of `message` by the
 * registered key. Checks, in order: the envelope (magic, version 1, no trailing bytes), the exact
 * namespace, the hash (sha256/sha512), the embedded key equal to the registered key byte for byte,
 * the signature algorithm (RSA only rsa-sha2-256/512, never SHA-1 `ssh-rsa`; otherwise the key's
 * own type), FIDO user presence, then the signature itself (ECDSA hash fixed by the curve, high-S
 * accepted; Ed25519 strict) through the shared signature module.
 *
 * @returns `{ ok: true, … }`, or `{ ok: false, reason }` for a signature that is well formed but not acceptable
 * @throws MfaError `INVALID_SSH_SIGNATURE` (malformed armor or structure), `INVALID_OPTION`,
 *   `INVALID_SSH_KEY` / `UNSUPPORTED_SSH_KEY` (registered key text does not parse)
 * @example
 * ```ts
 * const result = await verifySshSignature(pastedSignature, {
 *   publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB... alice@laptop',
 *   namespace: 'recovery@example.com',
 *   message: challenge.text,
 * });
 * if (result.ok) recoverAccount();
 * ```
 */
export async function verifySshSignature(armored: string | Uint8Array, options: VerifySshSignatureOptions): Promise<SshVerificationResult> {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options are required');
  assertSshNamespace(options.namespace);
  const message = messageBytes(options.message);
  const key = resolveRegisteredKey(options.publicKey, parseSshPublicKey, parseSshPublicKeyBlob);
  // Structure first: anything malformed throws before any semantic answer is given.
  const { envelope, signedFields } = parseEnvelope(armored);
  const blob = parseSignatureBlob(envelope.signature);

  if (envelope.namespace !== options.namespace) return failure('namespace-mismatch');
  if (envelope.hashAlgorithm !== 'sha256' && envelope.hashAlgorithm !== 'sha512') return failure('unsupported-hash');
  if (!equalBytes(envelope.publicKey, key.blob)) return failure('key-mismatch');
  const info = KEY_TYPES[key.type];
  if (!info.signatureAlgorithms.includes(blob.algorithm)) return failure(blob.algorithm === 'ssh-rsa' && key.type === 'ssh-rsa' ? 'weak-algorithm' : 'algorithm-mismatch');

  const modulusLength = key.material.kty === 'RSA' ? key.material.n.length : 0;
  const check = signatureCheck(key.type, blob.algorithm, blob.signature, modulusLength);
  if (check === null) return failure('bad-signature');

  const messageHash = envelope.hashAlgorithm === 'sha256' ? sha256(message) : sha512(message);
  let signed = sshsigSignedData(signedFields, messageHash);
  if (info.sk) {
    const sk = blob.sk!;
    if ((sk.flags & SK_USER_PRESENCE) === 0) return failure('user-presence-missing');
    if (options.requireUserVerification === true && (sk.flags & SK_USER_VERIFICATION) === 0) return failure('user-verification-missing');
    // PROTOCOL.u2f: the authenticator signs SHA256(application) || flags || counter || SHA256(data).
    signed = concatBytes(applicationHash(key, sha256, utf8ToBytes), new Uint8Array([sk.flags]), encodeUint32(sk.counter), sha256(signed));
  }
  const valid = await verifierFor(key, check.scheme, options.backend ?? 'auto').verify(check.signature, signed);
  if (!valid) return failure('bad-signature');
  return {
    ok: true,
    format: 'sshsig',
    keyType: key.type,
    fingerprint: key.fingerprint,
    signatureAlgorithm: blob.algorithm,
    hashAlgorithm: envelope.hashAlgorithm,
    authenticator:
      blob.sk === undefined
        ? undefined
        : { flags: blob.sk.flags, counter: blob.sk.counter, userPresent: (blob.sk.flags & SK_USER_PRESENCE) !== 0, userVerified: (blob.sk.flags & SK_USER_VERIFICATION) !== 0 },
  };
}
