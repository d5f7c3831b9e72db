// Live interop with the real tools: keys from ssh-keygen, signatures from ssh-keygen -Y sign
// (both hash algorithms), from ssh-agent, and raw openssl dgst -sign signatures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSshPublicKey, sshFingerprint, verifyRawSignature, verifySshSignature, createSshChallenge, verifySshChallengeResponse } from '../../src/ssh/index.js';
import { KEY_SPECS, generateKey, makeTempDir, opensslSign, sshFingerprintOf, sshSign, startAgent, type Agent, type ToolKey } from './tools.js';

const namespace = 'recovery@mfakit.test';
const message = "mfakit account recovery; account: o'brien@example.com; nonce: 1234";
const backends = ['webcrypto', 'portable'] as const;

let temp: ReturnType<typeof makeTempDir>;
let agent: Agent;
const keys = new Map<string, ToolKey>();

beforeAll(() => {
  temp = makeTempDir();
  for (const spec of KEY_SPECS) keys.set(spec.label, generateKey(temp.dir, spec));
  agent = startAgent(temp.dir);
  for (const key of keys.values()) agent.add(key.privatePath);
}, 120_000);

afterAll(() => {
  agent?.stop();
  temp?.cleanup();
});

describe.each(KEY_SPECS.map((s) => s.label))('%s', (label) => {
  const key = () => keys.get(label)!;

  it('parses the .pub file; fingerprint equals ssh-keygen -lf', () => {
    const parsed = parseSshPublicKey(key().publicLine);
    expect(parsed.type).toBe(key().type);
    expect(parsed.comment).toBe(`${label}@mfakit-test`);
    expect(parsed.fingerprint).toBe(sshFingerprintOf(key().publicPath));
    expect(sshFingerprint(key().publicLine)).toBe(parsed.fingerprint);
  });

  it.each(['sha256', 'sha512'] as const)('ssh-keygen -Y sign -O hashalg=%s verifies on both backends', async (hashalg) => {
    const armored = sshSign(key().privatePath, namespace, message, { hashalg });
    for (const backend of backends) {
      const result = await verifySshSignature(armored, { publicKey: key().publicLine, namespace, message, backend });
      expect(result).toMatchObject({ ok: true, format: 'sshsig', keyType: key().type, hashAlgorithm: hashalg });
      const tampered = await verifySshSignature(armored, { publicKey: key().publicLine, namespace, message: message + '.', backend });
      expect(tampered).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('a signature made through ssh-agent verifies', async () => {
    const armored = sshSign(key().publicPath, namespace, message, { env: agent.env });
    const result = await verifySshSignature(armored, { publicKey: parseSshPublicKey(key().publicLine), namespace, message });
    expect(result.ok).toBe(true);
  });

  it('the challenge command, run by a shell, produces a verifying signature', async () => {
    const { execFileSync } = await import('node:child_process');
    const challenge = createSshChallenge({ service: 'mfakit test', account: "o'brien@example.com", namespace, keyPath: key().privatePath, now: () => Date.now() });
    const armored = execFileSync('sh', ['-c', challenge.command], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
    expect(await verifySshChallengeResponse(challenge, armored, { publicKey: key().publicLine })).toMatchObject({ ok: true });
  });

  if (label.startsWith('ed25519')) {
    it('raw openssl signatures are not offered for Ed25519', async () => {
      await expect(verifyRawSignature(new Uint8Array(64), { publicKey: key().publicLine, message })).rejects.toMatchObject({ code: 'UNSUPPORTED_SSH_KEY' });
    });
  } else {
    it.each(['sha256', 'sha512'] as const)('raw openssl dgst -%s -sign verifies (bytes and base64) on both backends', async (digest) => {
      const raw = opensslSign(key().pemPath!, message, digest);
      for (const backend of backends) {
        expect(await verifyRawSignature(raw, { publicKey: key().publicLine, message, hash: digest, backend })).toMatchObject({ ok: true, format: 'raw' });
        const b64 = Buffer.from(raw).toString('base64').replace(/.{64}/g, '$&\n');
        expect(await verifyRawSignature(b64, { publicKey: key().publicLine, message, hash: digest, backend })).toMatchObject({ ok: true });
        expect(await verifyRawSignature(raw, { publicKey: key().publicLine, message: message + ' ', hash: digest, backend })).toEqual({ ok: false, reason: 'bad-signature' });
      }
    });

    it('the challenge openssl command works', async () => {
      const { execFileSync } = await import('node:child_process');
      const challenge = createSshChallenge({ service: 'mfakit test', account: 'alice', namespace, now: () => Date.now() });
      const command = challenge.opensslCommand.replace('key.pem', key().pemPath!);
      const b64 = execFileSync('sh', ['-c', command]).toString('utf8');
      expect(await verifySshChallengeResponse(challenge, b64, { publicKey: key().publicLine })).toMatchObject({ ok: true, format: 'raw' });
    });
  }
});
