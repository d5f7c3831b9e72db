/**
 * The portable backend: `@noble/curves` for ECDSA and Ed25519, BigInt for RSA. Runs anywhere
 * (no `crypto.subtle` needed). Inputs are already validated and normalised by the front end. Internal.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { EC_CURVES } from './keys.js';
import { HASHES, verifyRsaPkcs1v15, verifyRsaPss } from './rsa.js';
import type { NormalisedScheme } from './scheme.js';
import type { ValidatedKey } from './types.js';

/** Verifies with the portable implementations. `signature` is raw `r || s` for ECDSA. */
export function verifyPortable(key: ValidatedKey, scheme: NormalisedScheme, signature: Uint8Array, data: Uint8Array): boolean {
  switch (scheme.name) {
    case 'ECDSA': {
      if (key.kty !== 'EC') return false;
      const digest = HASHES[scheme.hash](data);
      // lowS: false: OpenSSH, OpenSSL and WebAuthn authenticators all emit high-S signatures.
      return EC_CURVES[key.crv].curve.verify(signature, digest, key.uncompressed, { prehash: false, lowS: false, format: 'compact' });
    }
    case 'Ed25519':
      if (key.kty !== 'OKP') return false;
      // zip215: false is RFC 8032 strict: S < L and canonical encodings of R and A.
      return ed25519.verify(signature, data, key.x, { zip215: false });
    case 'RSASSA-PKCS1-v1_5':
      if (key.kty !== 'RSA') return false;
      return verifyRsaPkcs1v15(key.nBig, key.eBig, key.k, scheme.hash, signature, data);
    case 'RSA-PSS':
      if (key.kty !== 'RSA') return false;
      return verifyRsaPss(key.nBig, key.eBig, key.k, scheme.hash, scheme.saltLength, signature, data);
  }
}
