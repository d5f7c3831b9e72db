// Wycheproof vectors through both signature backends: every "valid" vector must verify, every
// "invalid" one must be refused (false: every key in these files is well formed, so nothing throws).
// "acceptable" vectors (RSA MissingNull: DigestInfo without the NULL parameter) are refused by
// both backends: the portable path rebuilds the block with the NULL and compares it whole, and the
// test asserts the WebCrypto path agrees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/internal/bytes.js';
import { verifySignature, type PublicKeyMaterial, type SignatureBackend, type SignatureScheme } from '../../src/internal/signatures/index.js';

const dir = join(__dirname, '..', 'vectors', 'wycheproof');

interface Vector { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }
interface Group { publicKey: Record<string, string>; sha?: string; tests: Vector[] }

function load(file: string): Group[] {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')).testGroups as Group[];
}

function unsignedHex(text: string): Uint8Array {
  return hexToBytes(text.replace(/^(00)+/, '') || '00');
}

function fixedHex(text: string, width: number): Uint8Array {
  const bytes = unsignedHex(text);
  const out = new Uint8Array(width);
  out.set(bytes.subarray(Math.max(0, bytes.length - width)), Math.max(0, width - bytes.length));
  return out;
}

type Case = { file: string; key: (g: Group) => PublicKeyMaterial; scheme: (g: Group) => SignatureScheme };

const ecdsa = (file: string, crv: 'P-256' | 'P-384' | 'P-521', width: number): Case => ({
  file,
  key: (g) => ({ kty: 'EC', crv, x: fixedHex(g.publicKey.wx!, width), y: fixedHex(g.publicKey.wy!, width) }),
  scheme: (g) => ({ name: 'ECDSA', hash: g.sha as 'SHA-256', encoding: 'der' }),
});
const rsa = (file: string): Case => ({
  file,
  key: (g) => ({ kty: 'RSA', n: unsignedHex(g.publicKey.modulus!), e: unsignedHex(g.publicKey.publicExponent!) }),
  scheme: (g) => ({ name: 'RSASSA-PKCS1-v1_5', hash: g.sha as 'SHA-256' }),
});

const cases: Case[] = [
  ecdsa('ecdsa_secp256r1_sha256_test.json', 'P-256', 32),
  ecdsa('ecdsa_secp384r1_sha384_test.json', 'P-384', 48),
  ecdsa('ecdsa_secp521r1_sha512_test.json', 'P-521', 66),
  {
    file: 'ed25519_test.json',
    key: (g) => ({ kty: 'OKP', crv: 'Ed25519', x: hexToBytes(g.publicKey.pk!) }),
    scheme: () => ({ name: 'Ed25519' }),
  },
  rsa('rsa_signature_2048_sha256_test.json'),
  rsa('rsa_signature_2048_sha512_test.json'),
  rsa('rsa_signature_3072_sha256_test.json'),
  rsa('rsa_signature_3072_sha512_test.json'),
  rsa('rsa_signature_4096_sha512_test.json'),
];

async function run(c: Case, backend: SignatureBackend): Promise<Map<number, boolean | string>> {
  const outcomes = new Map<number, boolean | string>();
  for (const group of load(c.file)) {
    for (const t of group.tests) {
      try {
        outcomes.set(t.tcId, await verifySignature(c.key(group), c.scheme(group), hexToBytes(t.sig), hexToBytes(t.msg), { backend }));
      } catch (error) {
        outcomes.set(t.tcId, `throws ${(error as { code?: string }).code ?? String(error)}`);
      }
    }
  }
  return outcomes;
}

describe.each(cases)('Wycheproof $file', (c) => {
  const vectors = load(c.file).flatMap((g) => g.tests);
  const results: Partial<Record<SignatureBackend, Map<number, boolean | string>>> = {};

  it.each(['webcrypto', 'portable'] as const)(`%s backend: every valid accepted, every invalid refused (${vectors.length} vectors)`, async (backend) => {
    const outcomes = await run(c, backend);
    results[backend] = outcomes;
    const wrong: string[] = [];
    for (const t of vectors) {
      const got = outcomes.get(t.tcId);
      const ok = t.result === 'valid' ? got === true : got === false;
      if (!ok && t.result !== 'acceptable') wrong.push(`#${t.tcId} ${t.result} [${t.flags.join(',')}] ${t.comment}: ${String(got)}`);
    }
    expect(wrong).toEqual([]);
    expect(vectors.filter((t) => t.result === 'valid').length).toBeGreaterThan(0);
  });

  it('both backends give the same answer on every vector, "acceptable" ones refused', () => {
    const web = results.webcrypto!;
    const portable = results.portable!;
    expect(web.size).toBe(vectors.length);
    const differ = vectors.filter((t) => web.get(t.tcId) !== portable.get(t.tcId)).map((t) => `#${t.tcId} ${t.comment}: webcrypto ${String(web.get(t.tcId))}, portable ${String(portable.get(t.tcId))}`);
    expect(differ).toEqual([]);
    for (const t of vectors.filter((v) => v.result === 'acceptable')) expect(portable.get(t.tcId)).toBe(false);
  });
});
