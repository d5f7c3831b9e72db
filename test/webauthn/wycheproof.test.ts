// Wycheproof ECDSA P-256/P-384/P-521 (DER), Ed25519 and RSA PKCS#1 v1.5 vectors through the exact
// path WebAuthn authentication uses: COSE key bytes -> parseCosePublicKey -> verifyWithCredentialKey.
// Every "valid" must be accepted and every "invalid" refused ("acceptable" is not asserted).
// Vectors: test/vectors/wycheproof/ (SOURCE.txt, Apache-2.0 LICENSE).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCosePublicKey } from '../../src/webauthn/cose.js';
import { verifyWithCredentialKey } from '../../src/webauthn/signature.js';
import { b64u, hex } from './helpers/build.js';
import { encodeCbor } from './helpers/cbor-encode.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../vectors/wycheproof/${name}`, import.meta.url), 'utf8'));

type Group = { publicKey: Record<string, string>; tests: { tcId: number; msg: string; sig: string; result: string }[] };

function coseFor(file: string, key: Record<string, string>): Uint8Array {
  const pad = (h: string, size: number) => hex(h.replace(/^(00)+/, '').padStart(size * 2, '0'));
  if (file.startsWith('ecdsa_secp256r1')) return encodeCbor(new Map<number, any>([[1, 2], [3, -7], [-1, 1], [-2, pad(key.wx!, 32)], [-3, pad(key.wy!, 32)]]));
  if (file.startsWith('ecdsa_secp384r1')) return encodeCbor(new Map<number, any>([[1, 2], [3, -35], [-1, 2], [-2, pad(key.wx!, 48)], [-3, pad(key.wy!, 48)]]));
  if (file.startsWith('ecdsa_secp521r1')) return encodeCbor(new Map<number, any>([[1, 2], [3, -36], [-1, 3], [-2, pad(key.wx!, 66)], [-3, pad(key.wy!, 66)]]));
  if (file.startsWith('ed25519')) return encodeCbor(new Map<number, any>([[1, 1], [3, -8], [-1, 6], [-2, hex(key.pk!)]]));
  const alg = file.includes('sha256') ? -257 : -259;
  return encodeCbor(new Map<number, any>([[1, 3], [3, alg], [-1, hex(key.modulus!)], [-2, hex(key.publicExponent!)]]));
}

const files = [
  'ecdsa_secp256r1_sha256_test.json',
  'ecdsa_secp384r1_sha384_test.json',
  'ecdsa_secp521r1_sha512_test.json',
  'ed25519_test.json',
  'rsa_signature_2048_sha256_test.json',
  'rsa_signature_2048_sha512_test.json',
  'rsa_signature_3072_sha256_test.json',
  'rsa_signature_3072_sha512_test.json',
  'rsa_signature_4096_sha512_test.json',
];

describe('Wycheproof through the WebAuthn signature path', () => {
  for (const file of files) {
    it(file, async () => {
      const data = load(file);
      let valid = 0;
      let invalid = 0;
      const wrong: number[] = [];
      for (const group of data.testGroups as Group[]) {
        const cose = coseFor(file, group.publicKey);
        const key = parseCosePublicKey(cose);
        for (const test of group.tests) {
          if (test.result === 'acceptable') continue;
          const ok = await verifyWithCredentialKey(b64u(cose), key.key, key.scheme, hex(test.sig), hex(test.msg));
          if (ok !== (test.result === 'valid')) wrong.push(test.tcId);
          if (test.result === 'valid') valid++;
          else invalid++;
        }
      }
      expect(wrong).toEqual([]);
      expect(valid).toBeGreaterThan(0);
      expect(invalid).toBeGreaterThan(0);
    });
  }
});
