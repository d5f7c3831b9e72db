/**
 * SSH-key recovery in a real browser, from the built `mfakit/ssh` bundle: OpenSSH keys made by
 * `ssh-keygen` on a real machine (test/browser/fixtures/ssh.ts says how) parse with the
 * fingerprints `ssh-keygen -lf` printed, and their `ssh-keygen -Y sign` and `openssl dgst -sign`
 * signatures verify through both signature backends (browser WebCrypto and the portable
 * `@noble/curves` / BigInt path) with the same answers; the wrong namespace, a tampered message or
 * signature, and another key are refused.
 */
import { MfaError } from 'mfakit';
import {
  createSshChallenge,
  parseAuthorizedKeys,
  parseSshPublicKey,
  parseSshSignature,
  sshFingerprint,
  verifyRawSignature,
  verifySshChallengeResponse,
  verifySshSignature,
  type SshVerificationResult,
} from 'mfakit/ssh';
import { ED25519_RFC4716, MESSAGE, NAMESPACE, SSH_FIXTURES } from '../fixtures/ssh.js';
import { assert, assertBytesEqual, assertEqual, assertRejects, assertThrows } from '../assert.js';

const backends = ['webcrypto', 'portable'] as const;
const fixtures = Object.entries(SSH_FIXTURES);
const TYPES = { ed25519: 'ssh-ed25519', ecdsa256: 'ecdsa-sha2-nistp256', rsa2048: 'ssh-rsa' } as const;
const SIG_ALGORITHMS = { ed25519: 'ssh-ed25519', ecdsa256: 'ecdsa-sha2-nistp256', rsa2048: 'rsa-sha2-512' } as const;

/** The armored signature with its binary body changed by `edit` (structure left intact). */
function rearmor(armored: string, edit: (bytes: Uint8Array) => void): string {
  const body = armored.split('\n').slice(1, -1).join('');
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  edit(bytes);
  const text = btoa(String.fromCharCode(...bytes));
  return ['-----BEGIN SSH SIGNATURE-----', ...(text.match(/.{1,70}/g) ?? []), '-----END SSH SIGNATURE-----'].join('\n');
}

/** Runs `verify` with each backend and checks they give the same answer, which it returns. */
async function sameOnBoth(what: string, verify: (backend: (typeof backends)[number]) => Promise<SshVerificationResult>): Promise<SshVerificationResult> {
  const [web, portable] = await Promise.all(backends.map(verify));
  assertEqual(JSON.stringify(portable), JSON.stringify(web), `${what}: portable agrees with webcrypto`);
  return web!;
}

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'parseSshPublicKey: type, bits, comment and the fingerprint ssh-keygen -lf printed',
    run() {
      for (const [name, f] of fixtures) {
        const key = parseSshPublicKey(f.line);
        const [bits, fingerprint] = f.keygenL.split(' ');
        assertEqual(key.type, TYPES[name as keyof typeof TYPES], `${name} type`);
        assertEqual(String(key.bits), bits, `${name} bits`);
        assertEqual(key.fingerprint, fingerprint, `${name} fingerprint`);
        assertEqual(sshFingerprint(f.line), fingerprint, `${name} sshFingerprint(line)`);
        assertEqual(sshFingerprint(key.blob), fingerprint, `${name} sshFingerprint(blob)`);
        assertEqual(key.comment, 'ada@browser-fixture', `${name} comment`);
        assertEqual(key.line, f.line.split(' ').slice(0, 2).join(' '), `${name} canonical line`);
      }
      const rfc4716 = parseSshPublicKey(ED25519_RFC4716);
      assertBytesEqual(rfc4716.blob, parseSshPublicKey(SSH_FIXTURES.ed25519.line).blob, 'RFC 4716 export is the same key');
    },
  },
  {
    name: 'parseAuthorizedKeys: options, comments and blank lines; a bad line throws naming it',
    run() {
      const text = `# recovery keys\n\nfrom="10.0.0.0/8",no-pty ${SSH_FIXTURES.rsa2048.line}\n${SSH_FIXTURES.ed25519.line}\r\n${SSH_FIXTURES.ecdsa256.line}\n`;
      const keys = parseAuthorizedKeys(text);
      assertEqual(keys.map((k) => k.type).join(), 'ssh-rsa,ssh-ed25519,ecdsa-sha2-nistp256', 'types in order');
      assertEqual(keys[0]!.options, 'from="10.0.0.0/8",no-pty', 'options kept verbatim');
      const bad = assertThrows(() => parseAuthorizedKeys(`${SSH_FIXTURES.ed25519.line}\nssh-ed25519 AAAA!!!!`), MfaError, 'bad second line');
      assert(bad.code === 'INVALID_SSH_KEY' && bad.details?.['line'] === 2, `bad line: ${bad.code} ${JSON.stringify(bad.details)}`);
      const dss = assertThrows(() => parseSshPublicKey('ssh-dss AAAAB3NzaC1kc3MAAACBAP== x'), MfaError, 'DSA');
      assertEqual(dss.code, 'UNSUPPORTED_SSH_KEY', 'DSA: code');
    },
  },
  {
    name: 'verifySshSignature: each ssh-keygen -Y sign signature verifies with both backends',
    async run() {
      for (const [name, f] of fixtures) {
        const envelope = parseSshSignature(f.sshsig);
        assert(envelope.namespace === NAMESPACE && envelope.hashAlgorithm === 'sha512', `${name} envelope: ${envelope.namespace} ${envelope.hashAlgorithm}`);
        assertBytesEqual(envelope.publicKey, parseSshPublicKey(f.line).blob, `${name} embedded key`);
        const result = await sameOnBoth(name, (backend) => verifySshSignature(f.sshsig, { publicKey: f.line, namespace: NAMESPACE, message: MESSAGE, backend }));
        assert(result.ok, `${name}: ${JSON.stringify(result)}`);
        assertEqual(result.format, 'sshsig', `${name} format`);
        assertEqual(result.fingerprint, f.keygenL.split(' ')[1], `${name} fingerprint`);
        assertEqual(result.signatureAlgorithm, SIG_ALGORITHMS[name as keyof typeof SIG_ALGORITHMS], `${name} signature algorithm`);
        const bytes = new TextEncoder().encode(MESSAGE);
        const auto = await verifySshSignature(f.sshsig, { publicKey: parseSshPublicKey(f.line), namespace: NAMESPACE, message: bytes });
        assert(auto.ok, `${name} with the default backend, a parsed key and message bytes`);
      }
    },
  },
  {
    name: 'refused on both backends: wrong namespace, tampered message, tampered signature, another key',
    async run() {
      const others = { ed25519: 'ecdsa256', ecdsa256: 'rsa2048', rsa2048: 'ed25519' } as const;
      for (const [name, f] of fixtures) {
        const base = { publicKey: f.line, namespace: NAMESPACE, message: MESSAGE };
        const cases: [string, string, (backend: (typeof backends)[number]) => Promise<SshVerificationResult>][] = [
          ['namespace-mismatch', 'wrong namespace', (backend) => verifySshSignature(f.sshsig, { ...base, namespace: 'login@example.com', backend })],
          ['bad-signature', 'tampered message', (backend) => verifySshSignature(f.sshsig, { ...base, message: `${MESSAGE}.`, backend })],
          ['bad-signature', 'tampered signature', (backend) => verifySshSignature(rearmor(f.sshsig, (b) => void (b[b.length - 1]! ^= 0x01)), { ...base, backend })],
          ['key-mismatch', 'another registered key', (backend) => verifySshSignature(f.sshsig, { ...base, publicKey: SSH_FIXTURES[others[name as keyof typeof others]].line, backend })],
        ];
        for (const [reason, label, verify] of cases) {
          const result = await sameOnBoth(`${name} ${label}`, verify);
          assert(!result.ok && result.reason === reason, `${name} ${label}: ${JSON.stringify(result)}`);
        }
      }
      const reserved = await assertRejects(() => verifySshSignature(SSH_FIXTURES.ed25519.sshsig, { publicKey: SSH_FIXTURES.ed25519.line, namespace: 'git', message: MESSAGE }), MfaError, 'reserved namespace');
      assertEqual(reserved.code, 'INVALID_OPTION', 'reserved namespace: code');
      const armor = await assertRejects(() => verifySshSignature(SSH_FIXTURES.ed25519.sshsig.replace('BEGIN', 'START'), { publicKey: SSH_FIXTURES.ed25519.line, namespace: NAMESPACE, message: MESSAGE }), MfaError, 'broken armor');
      assertEqual(armor.code, 'INVALID_SSH_SIGNATURE', 'broken armor: code');
    },
  },
  {
    name: 'Ed25519 malleability: S + L (same point, non-canonical scalar) is refused by both backends',
    async run() {
      const L = 2n ** 252n + 27742317777372353535851937790883648493n;
      const f = SSH_FIXTURES.ed25519;
      const malleable = rearmor(f.sshsig, (b) => {
        const s = b.subarray(b.length - 32); // the signature's S, little-endian
        let value = 0n;
        for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(s[i]!);
        value += L;
        assert(value < 2n ** 256n, 'S + L fits in 32 bytes');
        for (let i = 0; i < 32; i++, value >>= 8n) s[i] = Number(value & 0xffn);
      });
      const result = await sameOnBoth('S + L', (backend) => verifySshSignature(malleable, { publicKey: f.line, namespace: NAMESPACE, message: MESSAGE, backend }));
      assert(!result.ok && result.reason === 'bad-signature', `S + L: ${JSON.stringify(result)}`);
    },
  },
  {
    name: 'verifyRawSignature: openssl dgst -sha256 -sign signatures (ECDSA DER, RSA PKCS#1) on both backends',
    async run() {
      for (const name of ['ecdsa256', 'rsa2048'] as const) {
        const f = SSH_FIXTURES[name];
        const ok = await sameOnBoth(`${name} raw`, (backend) => verifyRawSignature(f.raw!, { publicKey: f.line, message: MESSAGE, backend }));
        assert(ok.ok && ok.format === 'raw' && ok.hashAlgorithm === 'sha256', `${name} raw: ${JSON.stringify(ok)}`);
        const tampered = await sameOnBoth(`${name} raw, tampered`, (backend) => verifyRawSignature(f.raw!, { publicKey: f.line, message: MESSAGE.toUpperCase(), backend }));
        assert(!tampered.ok && tampered.reason === 'bad-signature', `${name} raw, tampered: ${JSON.stringify(tampered)}`);
        const sha512 = await verifyRawSignature(f.raw!, { publicKey: f.line, message: MESSAGE, hash: 'sha512' });
        assert(!sha512.ok, `${name} raw checked as sha512 is refused`);
      }
      const ed = await assertRejects(() => verifyRawSignature(SSH_FIXTURES.rsa2048.raw!, { publicKey: SSH_FIXTURES.ed25519.line, message: MESSAGE }), MfaError, 'raw with Ed25519');
      assertEqual(ed.code, 'UNSUPPORTED_SSH_KEY', 'raw with Ed25519: code');
    },
  },
  {
    name: 'challenges: the command to run, a stored challenge verified before expiry and refused after',
    async run() {
      const now = Date.UTC(2026, 4, 1);
      const challenge = createSshChallenge({ service: 'ACME', account: 'ada@example.com', namespace: NAMESPACE, keyType: 'ssh-ed25519', now: () => now });
      assert(challenge.text.includes(challenge.nonce) && challenge.nonce.length >= 22, `text carries the nonce: ${challenge.text}`);
      assert(challenge.command.includes(`-n ${NAMESPACE}`) && challenge.command.includes('~/.ssh/id_ed25519'), `command: ${challenge.command}`);
      assertEqual(challenge.expiresAt, now + 900_000, 'default lifetime 15 minutes');
      // The fixtures signed MESSAGE, so stand in a challenge (plain, stored data) with that text.
      const stored = { ...challenge, text: MESSAGE };
      for (const name of ['ed25519', 'rsa2048'] as const) {
        const f = SSH_FIXTURES[name];
        const ok = await verifySshChallengeResponse(stored, f.sshsig, { publicKey: f.line, now: () => now + 60_000 });
        assert(ok.ok, `${name} sshsig response: ${JSON.stringify(ok)}`);
        const late = await verifySshChallengeResponse(stored, f.sshsig, { publicKey: f.line, now: () => challenge.expiresAt });
        assert(!late.ok && late.reason === 'expired', `${name} at expiry: ${JSON.stringify(late)}`);
      }
      const raw = await verifySshChallengeResponse(stored, SSH_FIXTURES.rsa2048.raw!, { publicKey: SSH_FIXTURES.rsa2048.line, now: () => now });
      assert(raw.ok && raw.format === 'raw', `raw response: ${JSON.stringify(raw)}`);
      const original = await verifySshChallengeResponse(challenge, SSH_FIXTURES.ed25519.sshsig, { publicKey: SSH_FIXTURES.ed25519.line, now: () => now });
      assert(!original.ok && original.reason === 'bad-signature', 'a signature of other text does not answer this challenge');
    },
  },
];
