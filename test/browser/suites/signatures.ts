/**
 * Wycheproof vectors (test/vectors/wycheproof/, SOURCE.txt) through both signature backends in a
 * real browser: `webcrypto` (Chromium's own ECDSA and Ed25519) and `portable` (`@noble/curves`).
 * Every "valid" vector must verify and every "invalid" one be refused, by both backends alike.
 *
 * - ECDSA P-256 goes through the public path that takes a backend and a raw message:
 *   `verifyRawSignature` of the built `mfakit/ssh`, with each vector's key as an OpenSSH key blob.
 * - Ed25519 has no public entry that takes a bare message (SSH and WebAuthn both sign their own
 *   framing), so it goes through the internal module both of them call, bundled from its source
 *   (src/internal/signatures): the build bundles it into a shared chunk, with no name of its own.
 *   Its errors are then the source's `MfaError` class, not the built one.
 */
import { MfaError } from 'mfakit';
import { parseSshPublicKeyBlob, verifyRawSignature } from 'mfakit/ssh';
import { MfaError as SourceMfaError } from '../../../src/errors.js';
import * as signatures from '../../../src/internal/signatures/index.js';
import ecdsaP256 from '../../vectors/wycheproof/ecdsa_secp256r1_sha256_test.json' with { type: 'json' };
import ed25519 from '../../vectors/wycheproof/ed25519_test.json' with { type: 'json' };
import { assert, assertEqual, assertRejects, assertThrows } from '../assert.js';

const backends = ['webcrypto', 'portable'] as const;
type Backend = (typeof backends)[number];

interface Vector {
  tcId: number;
  msg: string;
  sig: string;
  result: string;
}

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
/** A big-endian integer from Wycheproof (may carry a leading 00) as exactly `width` bytes. */
function fixed(text: string, width: number): Uint8Array {
  const bytes = hex(text.replace(/^(00)+/, '') || '00');
  const out = new Uint8Array(width);
  out.set(bytes.subarray(Math.max(0, bytes.length - width)), Math.max(0, width - bytes.length));
  return out;
}
/** SSH wire `string` fields, concatenated. */
function sshStrings(...fields: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0));
  let at = 0;
  for (const f of fields) {
    new DataView(out.buffer).setUint32(at, f.length);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  return out;
}
const ascii = (text: string) => new TextEncoder().encode(text);

/**
 * Runs every vector with both backends; fails listing the tcIds where a backend disagrees with
 * Wycheproof. Returns how many valid and invalid vectors were run.
 */
async function runAll(tests: { group: number; vector: Vector }[], verify: (backend: Backend, group: number, vector: Vector) => Promise<boolean>) {
  const wrong: string[] = [];
  for (const backend of backends) {
    for (const { group, vector } of tests) {
      if (vector.result === 'acceptable') continue;
      const ok = await verify(backend, group, vector);
      if (ok !== (vector.result === 'valid')) wrong.push(`${backend} tcId ${vector.tcId} (${vector.result}) gave ${ok}`);
    }
  }
  if (wrong.length > 0) throw new Error(`${wrong.length} answers differ from Wycheproof:\n${wrong.join('\n')}`);
  return { valid: tests.filter((t) => t.vector.result === 'valid').length, invalid: tests.filter((t) => t.vector.result === 'invalid').length };
}

const flatten = (groups: { tests: Vector[] }[]) => groups.flatMap((g, group) => g.tests.map((vector) => ({ group, vector })));

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'Wycheproof ECDSA P-256 SHA-256 (DER): verifyRawSignature gives the expected answer on both backends',
    async run() {
      const keys = ecdsaP256.testGroups.map((g) =>
        parseSshPublicKeyBlob(sshStrings(ascii('ecdsa-sha2-nistp256'), ascii('nistp256'), new Uint8Array([4, ...fixed(g.publicKey.wx, 32), ...fixed(g.publicKey.wy, 32)]))),
      );
      const counts = await runAll(flatten(ecdsaP256.testGroups), async (backend, group, v) => {
        const result = await verifyRawSignature(hex(v.sig), { publicKey: keys[group]!, message: hex(v.msg), backend });
        if (!result.ok && result.reason !== 'bad-signature') throw new Error(`tcId ${v.tcId}: unexpected reason ${result.reason}`);
        return result.ok;
      });
      assert(counts.valid > 100 && counts.invalid > 200, `ran ${JSON.stringify(counts)}`);
    },
  },
  {
    name: 'Wycheproof Ed25519 (RFC 8032 strict): the built signature module gives the expected answer on both backends',
    async run() {
      const keys = ed25519.testGroups.map((g) => ({ kty: 'OKP' as const, crv: 'Ed25519' as const, x: hex(g.publicKey.pk) }));
      const counts = await runAll(flatten(ed25519.testGroups), (backend, group, v) =>
        signatures.verifySignature(keys[group]!, { name: 'Ed25519' }, hex(v.sig), hex(v.msg), { backend }),
      );
      assert(counts.valid > 50 && counts.invalid > 50, `ran ${JSON.stringify(counts)}`);
    },
  },
  {
    name: 'the backends are really distinct: webcrypto calls crypto.subtle.verify, portable never does',
    async run() {
      const ecKey = parseSshPublicKeyBlob(sshStrings(ascii('ecdsa-sha2-nistp256'), ascii('nistp256'), new Uint8Array([4, ...fixed(ecdsaP256.testGroups[0]!.publicKey.wx, 32), ...fixed(ecdsaP256.testGroups[0]!.publicKey.wy, 32)])));
      const ec = ecdsaP256.testGroups[0]!.tests.find((t) => t.result === 'valid')!;
      const edKey = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: hex(ed25519.testGroups[0]!.publicKey.pk) };
      const ed = ed25519.testGroups[0]!.tests.find((t) => t.result === 'valid')!;
      const original = SubtleCrypto.prototype.verify;
      let calls = 0;
      SubtleCrypto.prototype.verify = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['verify']>) {
        calls++;
        return original.apply(this, args);
      };
      try {
        for (const backend of backends) {
          calls = 0;
          const ecOk = (await verifyRawSignature(hex(ec.sig), { publicKey: ecKey, message: hex(ec.msg), backend })).ok;
          const edOk = await signatures.verifySignature(edKey, { name: 'Ed25519' }, hex(ed.sig), hex(ed.msg), { backend });
          assert(ecOk && edOk, `${backend}: valid vectors verify`);
          // One call per verification (WebCrypto support detection may add its own).
          assert(backend === 'webcrypto' ? calls >= 2 : calls === 0, `${backend}: ${calls} crypto.subtle.verify calls`);
        }
      } finally {
        SubtleCrypto.prototype.verify = original;
      }
    },
  },
  {
    name: 'a bad backend name and malformed keys throw MfaError',
    async run() {
      const key = hex(ed25519.testGroups[0]!.publicKey.pk);
      const verify = (x: Uint8Array, backend: Backend) => signatures.verifySignature({ kty: 'OKP', crv: 'Ed25519', x }, { name: 'Ed25519' }, new Uint8Array(64), new Uint8Array(1), { backend });
      assertEqual((await assertRejects(() => verify(key, 'node' as Backend), SourceMfaError, 'unknown backend')).code, 'INVALID_OPTION', 'unknown backend: code');
      for (const backend of backends) {
        assertEqual((await assertRejects(() => verify(key.slice(1), backend), SourceMfaError, `${backend}: 31-byte key`)).code, 'INVALID_PUBLIC_KEY', `${backend}: 31-byte key: code`);
      }
      const offCurve = new Uint8Array([4, ...new Uint8Array(32).fill(1), ...new Uint8Array(32).fill(2)]);
      const error = assertThrows(() => parseSshPublicKeyBlob(sshStrings(ascii('ecdsa-sha2-nistp256'), ascii('nistp256'), offCurve)), MfaError, 'P-256 point off the curve');
      assertEqual(error.code, 'INVALID_SSH_KEY', 'off-curve point: code');
    },
  },
];
