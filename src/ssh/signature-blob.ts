/**
 * The SSH signature blob inside an SSHSIG envelope: `string algorithm, string signature`, plus
 * `byte flags, uint32 counter` for FIDO keys (PROTOCOL.u2f). Decoded into what the shared
 * signature module needs, given the registered key's type. Internal.
 * @module
 */
import { MfaError } from '../errors.js';
import type { SignatureScheme } from '../internal/signatures/index.js';
import { KEY_TYPES, type SshKeyType } from './key-types.js';
import { ECDSA_RAW, ED25519, RSA_PKCS1 } from './schemes.js';
import { SshReader } from './wire.js';

/** Outer fields of a signature blob. */
export interface SignatureBlob {
  algorithm: string;
  signature: Uint8Array;
  /** FIDO keys only: authenticator flags (0x01 user presence, 0x04 user verification) and counter. */
  sk: { flags: number; counter: number } | undefined;
}

const SK_ALGORITHMS = new Set(['sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']);

/** Parses the outer structure; throws `INVALID_SSH_SIGNATURE` when malformed. */
export function parseSignatureBlob(blob: Uint8Array): SignatureBlob {
  const r = new SshReader(blob, 'INVALID_SSH_SIGNATURE');
  const algorithm = r.text();
  const signature = r.string();
  let sk: SignatureBlob['sk'];
  if (SK_ALGORITHMS.has(algorithm)) sk = { flags: r.byte(), counter: r.uint32() };
  r.end();
  return { algorithm, signature, sk };
}

/** What to hand the signature module, or null when the signature value cannot be valid. */
export interface SignatureCheck {
  scheme: SignatureScheme;
  signature: Uint8Array;
}

/**
 * Builds the signature-module check for an algorithm already known to fit `keyType`. ECDSA uses
 * the hash its curve fixes (RFC 5656 §6.2.1) and `mpint r, mpint s` becomes raw `r || s`; RSA
 * signatures shorter than the modulus are left-padded as OpenSSH does. Throws
 * `INVALID_SSH_SIGNATURE` for a malformed inner structure; returns null for out-of-range values.
 */
export function signatureCheck(keyType: SshKeyType, algorithm: string, signature: Uint8Array, modulusLength: number): SignatureCheck | null {
  const info = KEY_TYPES[keyType];
  if (info.ecdsa !== undefined) {
    const r = new SshReader(signature, 'INVALID_SSH_SIGNATURE');
    const rValue = r.mpint();
    const sValue = r.mpint();
    r.end();
    const w = info.ecdsa.width;
    if (rValue.length > w || sValue.length > w) return null;
    const raw = new Uint8Array(2 * w);
    raw.set(rValue, w - rValue.length);
    raw.set(sValue, 2 * w - sValue.length);
    return { scheme: ECDSA_RAW[info.ecdsa.hash], signature: raw };
  }
  if (keyType === 'ssh-rsa') {
    if (signature.length > modulusLength || signature.length === 0) return null;
    const scheme = RSA_PKCS1[algorithm === 'rsa-sha2-512' ? 'SHA-512' : 'SHA-256'];
    if (signature.length === modulusLength) return { scheme, signature };
    const padded = new Uint8Array(modulusLength);
    padded.set(signature, modulusLength - signature.length);
    return { scheme, signature: padded };
  }
  if (signature.length !== 64) throw new MfaError('INVALID_SSH_SIGNATURE', 'Ed25519 signature must be 64 bytes');
  return { scheme: ED25519, signature };
}
