/**
 * The OpenSSH public key types mfakit accepts, with their properties. Internal.
 * @module
 */
import type { PublicKeyMaterial } from '../internal/signatures/index.js';

/**
 * OpenSSH public key types accepted for recovery. FIDO (`sk-`) keys are hardware-backed.
 *
 * @example
 * ```ts
 * const type: SshKeyType = 'ssh-ed25519';
 * ```
 */
export type SshKeyType =
  | 'ssh-ed25519'
  | 'ecdsa-sha2-nistp256'
  | 'ecdsa-sha2-nistp384'
  | 'ecdsa-sha2-nistp521'
  | 'ssh-rsa'
  | 'sk-ssh-ed25519@openssh.com'
  | 'sk-ecdsa-sha2-nistp256@openssh.com';

/**
 * A parsed OpenSSH public key. `blob` is the wire-format key, the byte string compared with the
 * key embedded in a signature. Objects returned by the parser are frozen.
 *
 * @example
 * ```ts
 * const key: SshPublicKey = parseSshPublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... alice@laptop');
 * console.log(key.type, key.bits, key.fingerprint, key.comment);
 * ```
 */
export interface SshPublicKey {
  /** The key type, e.g. `ssh-ed25519`. */
  readonly type: SshKeyType;
  /** The wire-format public key blob (what the base64 field decodes to). */
  readonly blob: Uint8Array;
  /** `SHA256:` fingerprint, exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** Key size as `ssh-keygen -l` reports it (RSA modulus bits; 256/384/521 for ECDSA; 256 for Ed25519). */
  readonly bits: number;
  /** The comment after the key, or '' when there is none. */
  readonly comment: string;
  /** `authorized_keys` options before the key type, verbatim, or undefined. Not interpreted. */
  readonly options: string | undefined;
  /** For FIDO (`sk-`) keys: the application string (usually `ssh:`). */
  readonly application: string | undefined;
  /** The canonical one-line form `type base64` (no options, no comment), for storage. */
  readonly line: string;
  /** The key as signature-module key material. */
  readonly material: PublicKeyMaterial;
}

/** Per-type facts: signature algorithms allowed and the ECDSA hash fixed by the curve. */
export interface KeyTypeInfo {
  readonly sk: boolean;
  /** Signature algorithm names acceptable for this key type in SSH signatures. */
  readonly signatureAlgorithms: readonly string[];
  /** ECDSA curve name and its fixed hash (RFC 5656 §6.2.1). */
  readonly ecdsa?: { readonly curve: 'P-256' | 'P-384' | 'P-521'; readonly sshCurve: string; readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; readonly width: number };
}

export const KEY_TYPES: Readonly<Record<SshKeyType, KeyTypeInfo>> = {
  'ssh-ed25519': { sk: false, signatureAlgorithms: ['ssh-ed25519'] },
  'ecdsa-sha2-nistp256': { sk: false, signatureAlgorithms: ['ecdsa-sha2-nistp256'], ecdsa: { curve: 'P-256', sshCurve: 'nistp256', hash: 'SHA-256', width: 32 } },
  'ecdsa-sha2-nistp384': { sk: false, signatureAlgorithms: ['ecdsa-sha2-nistp384'], ecdsa: { curve: 'P-384', sshCurve: 'nistp384', hash: 'SHA-384', width: 48 } },
  'ecdsa-sha2-nistp521': { sk: false, signatureAlgorithms: ['ecdsa-sha2-nistp521'], ecdsa: { curve: 'P-521', sshCurve: 'nistp521', hash: 'SHA-512', width: 66 } },
  // rsa-sha2-256/512 only (RFC 8332): the SHA-1 `ssh-rsa` signature algorithm is refused.
  'ssh-rsa': { sk: false, signatureAlgorithms: ['rsa-sha2-256', 'rsa-sha2-512'] },
  'sk-ssh-ed25519@openssh.com': { sk: true, signatureAlgorithms: ['sk-ssh-ed25519@openssh.com'] },
  'sk-ecdsa-sha2-nistp256@openssh.com': {
    sk: true,
    signatureAlgorithms: ['sk-ecdsa-sha2-nistp256@openssh.com'],
    ecdsa: { curve: 'P-256', sshCurve: 'nistp256', hash: 'SHA-256', width: 32 },
  },
};

/** True for a type mfakit accepts. */
export function isSupportedKeyType(type: string): type is SshKeyType {
  return Object.prototype.hasOwnProperty.call(KEY_TYPES, type);
}

/** Minimum RSA modulus for SSH keys (SECURITY-REQUIREMENTS: modulus >= 2048). */
export const SSH_RSA_MIN_BITS = 2048;
/** OpenSSH's own maximum (SSH_RSA_MAXIMUM_MODULUS_SIZE). */
export const SSH_RSA_MAX_BITS = 16384;
