import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { createSshChallenge, verifySshChallengeResponse } from '../../src/ssh/index.js';
import { ed25519Signer, makeSshsig } from './builders.js';

const namespace = 'recovery@example.com';
const T0 = Date.UTC(2026, 10, 23, 19, 0, 0);

describe('createSshChallenge', () => {
  it('names service, account, purpose, namespace, expiry and a random nonce; 15 minutes by default', () => {
    const c = createSshChallenge({ service: 'Example', account: 'alice@example.com', namespace, now: () => T0 });
    expect(c.expiresAt - c.issuedAt).toBe(900_000);
    expect(c.text).toContain('Example');
    expect(c.text).toContain('account: alice@example.com');
    expect(c.text).toContain('purpose: account-recovery');
    expect(c.text).toContain(`namespace: ${namespace}`);
    expect(c.text).toContain('expires: 2026-11-23T19:15:00Z');
    expect(c.text).toContain(`nonce: ${c.nonce}`);
    expect(Buffer.from(c.nonce, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(c.command).toBe(`printf '%s' '${c.text}' | ssh-keygen -Y sign -n ${namespace} -f ~/.ssh/id_ed25519`);
    expect(createSshChallenge({ service: 'Example', account: 'a', namespace }).nonce).not.toBe(c.nonce);
  });

  it('quotes single quotes safely and picks the key path by type', () => {
    const c = createSshChallenge({ service: "Bob's", account: "o'brien", namespace, keyType: 'ssh-rsa' });
    expect(c.command).toContain(`'Bob'\\''s account recovery; account: o'\\''brien;`);
    expect(c.command.endsWith('-f ~/.ssh/id_rsa')).toBe(true);
    expect(createSshChallenge({ service: 's', account: 'a', namespace, keyPath: '/tmp/my key' }).command.endsWith(`-f '/tmp/my key'`)).toBe(true);
  });

  it('uses the injected random source', () => {
    const c = createSshChallenge({ service: 's', account: 'a', namespace, random: (n) => new Uint8Array(n).fill(0xff) });
    expect(c.nonce).toBe('_'.repeat(32));
  });

  it('refuses shared or empty namespaces, control characters, out-of-range ttl and short nonces', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ namespace: 'file' }, 'INVALID_OPTION'],
      [{ namespace: 'git' }, 'INVALID_OPTION'],
      [{ namespace: '' }, 'INVALID_OPTION'],
      [{ namespace: 'a b' }, 'INVALID_OPTION'],
      [{ namespace: undefined }, 'INVALID_OPTION'],
      [{ account: 'a\nnonce: x' }, 'INVALID_ARGUMENT'],
      [{ service: '' }, 'INVALID_ARGUMENT'],
      [{ account: 'alice\u202Emoc.elpmaxe' }, 'INVALID_ARGUMENT'],
      [{ ttlSeconds: 10 }, 'INVALID_OPTION'],
      [{ ttlSeconds: 7200 }, 'INVALID_OPTION'],
      [{ nonceBytes: 8 }, 'INVALID_OPTION'],
    ];
    for (const [override, expected] of bad) {
      try {
        createSshChallenge({ service: 's', account: 'a', namespace, ...override } as never);
        throw new Error(`no throw for ${JSON.stringify(override)}`);
      } catch (error) {
        expect(isMfaError(error, expected as never)).toBe(true);
      }
    }
  });
});

describe('verifySshChallengeResponse', () => {
  const signer = ed25519Signer();
  it('accepts before expiry, refuses from the expiry instant on', async () => {
    let now = T0;
    const c = createSshChallenge({ service: 'Example', account: 'alice', namespace, now: () => now, ttlSeconds: 60 });
    const armored = await makeSshsig(signer, namespace, c.text);
    now = c.expiresAt - 1;
    expect(await verifySshChallengeResponse(c, armored, { publicKey: signer.line, now: () => now })).toMatchObject({ ok: true, format: 'sshsig' });
    now = c.expiresAt;
    expect(await verifySshChallengeResponse(c, armored, { publicKey: signer.line, now: () => now })).toEqual({ ok: false, reason: 'expired' });
  });

  it('a signature of another challenge (other nonce) does not verify', async () => {
    const c1 = createSshChallenge({ service: 'Example', account: 'alice', namespace, now: () => T0 });
    const c2 = createSshChallenge({ service: 'Example', account: 'alice', namespace, now: () => T0 });
    const armored = await makeSshsig(signer, namespace, c1.text);
    expect(await verifySshChallengeResponse(c2, armored, { publicKey: signer.line, now: () => T0 })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('raw responses can be refused by option', async () => {
    const c = createSshChallenge({ service: 'Example', account: 'alice', namespace, now: () => T0 });
    await expect(verifySshChallengeResponse(c, 'AAAA', { publicKey: signer.line, now: () => T0, allowRaw: false })).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_SSH_SIGNATURE'));
  });
});
