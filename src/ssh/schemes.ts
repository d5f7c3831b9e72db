/**
 * The signature schemes SSH checks hand to the shared signature module, one frozen object each:
 * no allocation per check, and the per-key verifier cache recognises them by identity. Internal.
 * @module
 */
import type { SignatureScheme } from '../internal/signatures/index.js';

type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** ECDSA with raw `r || s` (SSHSIG, after decoding its two mpints), by the curve's fixed hash. */
export const ECDSA_RAW: Readonly<Record<Hash, SignatureScheme>> = {
  'SHA-256': Object.freeze({ name: 'ECDSA', hash: 'SHA-256', encoding: 'raw' }),
  'SHA-384': Object.freeze({ name: 'ECDSA', hash: 'SHA-384', encoding: 'raw' }),
  'SHA-512': Object.freeze({ name: 'ECDSA', hash: 'SHA-512', encoding: 'raw' }),
};

/** ECDSA with a DER signature (`openssl dgst -sign`), by the hash the user signed with. */
export const ECDSA_DER: Readonly<Record<'SHA-256' | 'SHA-512', SignatureScheme>> = {
  'SHA-256': Object.freeze({ name: 'ECDSA', hash: 'SHA-256', encoding: 'der' }),
  'SHA-512': Object.freeze({ name: 'ECDSA', hash: 'SHA-512', encoding: 'der' }),
};

/** RSASSA-PKCS1-v1_5 (rsa-sha2-256/512, or `openssl dgst -sign` with an RSA key). */
export const RSA_PKCS1: Readonly<Record<'SHA-256' | 'SHA-512', SignatureScheme>> = {
  'SHA-256': Object.freeze({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }),
  'SHA-512': Object.freeze({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }),
};

export const ED25519: SignatureScheme = Object.freeze({ name: 'Ed25519' });
