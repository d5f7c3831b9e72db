/**
 * Decoding of a wire-format OpenSSH public key blob (RFC 4253 §6.6, RFC 5656 §3.1,
 * PROTOCOL.u2f) into signature-module key material. Internal.
 * @module
 */
import { MfaError } from '../errors.js';
import { bytesToBase64 } from '../internal/bytes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { PublicKeyMaterial } from '../internal/signatures/index.js';
import { validateSshKeyMaterial } from './key-material.js';
import { isSupportedKeyType, KEY_TYPES, SSH_RSA_MAX_BITS, SSH_RSA_MIN_BITS, type SshKeyType } from './key-types.js';
import { SshReader } from './wire.js';

/** What a key blob decodes to. */
export interface DecodedKeyBlob {
  type: SshKeyType;
  material: PublicKeyMaterial;
  bits: number;
  application: string | undefined;
}

function unsupported(message: string, type: string): MfaError {
  return new MfaError('UNSUPPORTED_SSH_KEY', message, { details: { type } });
}

/** Refuses, with a clear message, the types people paste that mfakit does not take. */
export function refuseUnsupportedType(type: string): never {
  if (type.includes('-cert-v01@openssh.com')) throw unsupported(`${type}: certificates are not accepted, register the plain public key`, type);
  if (type === 'ssh-dss') throw unsupported('ssh-dss (DSA) keys are not accepted: DSA is deprecated and disabled in OpenSSH', type);
  if (type.startsWith('webauthn-')) throw unsupported(`${type} is a signature type, not a key type`, type);
  throw unsupported(`unsupported SSH key type ${JSON.stringify(type.slice(0, 64))}; use ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa (>= 2048 bits) or a FIDO sk- key`, type);
}

function bitLength(magnitude: Uint8Array): number {
  return magnitude.length === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!));
}

/**
 * Decodes a public key blob. Throws `INVALID_SSH_KEY` when malformed (truncated, trailing bytes,
 * point not on the curve) and `UNSUPPORTED_SSH_KEY` for certificates, DSA, short RSA, unknown types.
 */
export function decodeKeyBlob(blob: Uint8Array): DecodedKeyBlob {
  const r = new SshReader(blob, 'INVALID_SSH_KEY');
  const type = r.text();
  if (!isSupportedKeyType(type)) refuseUnsupportedType(type);
  const info = KEY_TYPES[type];
  let material: PublicKeyMaterial;
  let bits: number;
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    bits = bitLength(n);
    if (bits < SSH_RSA_MIN_BITS) throw unsupported(`RSA keys need at least ${SSH_RSA_MIN_BITS} bits, this one has ${bits}`, type);
    if (bits > SSH_RSA_MAX_BITS) throw unsupported(`RSA keys above ${SSH_RSA_MAX_BITS} bits are not accepted`, type);
    material = { kty: 'RSA', n, e };
  } else if (info.ecdsa !== undefined) {
    const curve = r.text();
    if (curve !== info.ecdsa.sshCurve) r.fail(`curve ${curve} does not match key type ${type}`);
    const point = r.string();
    const w = info.ecdsa.width;
    if (point.length !== 1 + 2 * w || point[0] !== 4) r.fail('ECDSA public key must be an uncompressed point');
    material = { kty: 'EC', crv: info.ecdsa.curve, x: point.slice(1, 1 + w), y: point.slice(1 + w) };
    bits = info.ecdsa.curve === 'P-521' ? 521 : w * 8;
  } else {
    const pk = r.string();
    if (pk.length !== 32) r.fail('Ed25519 public key must be 32 bytes');
    material = { kty: 'OKP', crv: 'Ed25519', x: pk.slice() };
    bits = 256;
  }
  const application = info.sk ? r.text() : undefined;
  r.end();
  validateSshKeyMaterial(material);
  return { type, material, bits, application };
}

/**
 * The `SHA256:` fingerprint of a key blob, exactly as `ssh-keygen -lf` prints it: unpadded base64
 * of SHA-256 over the wire-format blob.
 */
export function fingerprintOfBlob(blob: Uint8Array): string {
  return 'SHA256:' + bytesToBase64(sha256(blob)).replace(/=+$/, '');
}
