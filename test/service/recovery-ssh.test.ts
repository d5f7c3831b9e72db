// Account recovery with a registered SSH key, end to end through the public service API on the
// memory store: keys from ssh-keygen, signatures from the command the service returns (run by
// bash), raw openssl signatures, and every refusal leaving factors and challenge as they were.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KEY_SPECS, generateKey, makeTempDir, sshFingerprintOf, sshSign, type ToolKey } from '../ssh/tools.js';
import { enrolApp, harness, stepUp, type Harness } from './helpers.js';
import type { MfaServiceOptions } from '../../src/index.js';

const NAMESPACE = 'recovery@acme.test';
const ACCOUNT = 'user-1';
const LABELS = ['ed25519', 'ecdsa-256', 'rsa-3072'] as const;

let temp: ReturnType<typeof makeTempDir>;
let otherTemp: ReturnType<typeof makeTempDir>;
const keys = new Map<string, ToolKey>();
let stranger: ToolKey;

beforeAll(() => {
  temp = makeTempDir();
  for (const spec of KEY_SPECS) if ((LABELS as readonly string[]).includes(spec.label)) keys.set(spec.label, generateKey(temp.dir, spec));
  // Another user's key, never registered.
  otherTemp = makeTempDir();
  stranger = generateKey(otherTemp.dir, KEY_SPECS.find((s) => s.label === 'ed25519')!);
}, 120_000);

afterAll(() => {
  temp?.cleanup();
  otherTemp?.cleanup();
});

const key = (label: string) => keys.get(label)!;

/** Runs a command the service returned, as a user would paste it into a shell. */
function runShell(command: string): string {
  return execFileSync('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
}

/** The `ssh-keygen -Y sign` command with the temp key in place of the default path. */
function signWithCommand(command: string, privatePath: string): string {
  const replaced = command.replace(/ -f \S+$/, ` -f '${privatePath}'`);
  expect(replaced).not.toBe(command);
  return runShell(replaced);
}

interface Setup {
  h: Harness;
  app: { code(): string };
  token: string;
  keyId: string;
  loginFactorIds: string[];
  backupCodes: readonly string[];
}

/** An account with an authenticator app and backup codes, and `label`'s key registered. */
async function setup(label: string, overrides: Partial<MfaServiceOptions> = {}): Promise<Setup> {
  const h = harness({ recovery: { sshNamespace: NAMESPACE }, ...overrides });
  const { app, factorId, confirmed } = await enrolApp(h, ACCOUNT);
  const token = await stepUp(h, ACCOUNT, app);
  const registered = await h.service.registerSshKey(ACCOUNT, key(label).publicLine, { stepUpToken: token });
  return { h, app, token, keyId: registered.id, loginFactorIds: [factorId], backupCodes: confirmed.ok ? confirmed.backupCodes! : [] };
}

async function snapshot(s: Setup) {
  return { factors: await s.h.service.listFactors(ACCOUNT), requirement: await s.h.service.loginRequirement(ACCOUNT) };
}

describe.each(LABELS)('%s key, end to end', (label) => {
  test('register (fingerprint as ssh-keygen -lf), challenge, sign with the returned command, recover', async () => {
    const s = await setup(label);
    const { h } = s;
    const [registered] = await h.service.listSshKeys(ACCOUNT);
    expect(registered).toMatchObject({ id: s.keyId, keyType: key(label).type, fingerprint: sshFingerprintOf(key(label).publicPath), comment: `${label}@mfakit-test` });
    expect(registered!.name).toBe(`${label}@mfakit-test`);
    // A recovery method, not a login factor.
    expect((await h.service.listFactors(ACCOUNT)).find((f) => f.id === s.keyId)).toMatchObject({ kind: 'ssh-key', role: 'recovery' });
    expect((await h.service.loginRequirement(ACCOUNT)).factors.map((f) => f.id)).not.toContain(s.keyId);

    const start = await h.service.startSshRecovery(ACCOUNT);
    expect(start.namespace).toBe(NAMESPACE);
    expect(start.expiresAt).toBe(h.clock() + 900_000);
    expect(start.text).toContain(`account: ${ACCOUNT}`);
    expect(start.text).toContain('ACME Cloud');
    expect(start.command.startsWith(`printf '%s' '${start.text}' | ssh-keygen -Y sign -n ${NAMESPACE} -f ~/.ssh/id_`)).toBe(true);
    expect(start.keys).toEqual([{ fingerprint: registered!.fingerprint, keyType: key(label).type }]);
    expect(start.opensslCommand === null).toBe(label === 'ed25519');
    expect(h.events.map((e) => e.type)).toContain('recovery-started');

    const armored = signWithCommand(start.command, key(label).privatePath);
    expect((await h.service.verify(ACCOUNT, s.backupCodes[0]!)).ok).toBe(true); // leaves a tombstone
    h.clock.advance(60_000);
    const result = await h.service.completeSshRecovery(ACCOUNT, start.challengeId, armored);
    expect(result).toMatchObject({ ok: true, method: 'ssh-key', action: 'reset-factors', factorsRemoved: 1, reenrolmentRequired: true, recoveredWith: { id: s.keyId, kind: 'ssh-key' } });

    // The lost factor and the backup codes are gone; the recovery key stays; step-up grants are revoked.
    expect((await h.service.listFactors(ACCOUNT)).map((f) => f.id)).toEqual([s.keyId]);
    expect(await h.service.hasRecentStepUp(ACCOUNT, s.token)).toBe(false);
    expect(await h.store.countBackupCodes(ACCOUNT)).toBe(0);
    expect(await h.store.deleteChallenges(ACCOUNT, 'backup-code-used')).toBe(0); // the used code's tombstone too
    const requirement = await h.service.loginRequirement(ACCOUNT);
    expect(requirement).toMatchObject({ mfaRequired: false, reenrolmentRequired: { method: 'ssh-key', since: h.clock() } });
    const completed = h.events.find((e) => e.type === 'recovery-completed');
    expect(completed).toMatchObject({ accountId: ACCOUNT, factorId: s.keyId, kind: 'ssh-key', details: { method: 'ssh-key', factorsRemoved: 1, fingerprint: registered!.fingerprint, format: 'sshsig' } });

    // A new enrolment needs no step-up (there is nothing left to step up with) and clears the mark.
    h.clock.advance(1000);
    await enrolApp(h, ACCOUNT);
    const after = await h.service.loginRequirement(ACCOUNT);
    expect(after.mfaRequired).toBe(true);
    expect(after.reenrolmentRequired).toBeUndefined();
  });

  if (label !== 'ed25519') {
    test('a raw openssl dgst -sha256 -sign signature (the returned openssl command) recovers too', async () => {
      const s = await setup(label);
      const start = await s.h.service.startSshRecovery(ACCOUNT);
      const b64 = runShell(start.opensslCommand!.replace('key.pem', `'${key(label).pemPath!}'`));
      const result = await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, b64);
      expect(result).toMatchObject({ ok: true, factorsRemoved: 1 });
      expect(s.h.events.find((e) => e.type === 'recovery-completed')?.details).toMatchObject({ format: 'raw', signatureAlgorithm: label.startsWith('rsa') ? 'rsa-pkcs1-sha256' : 'ecdsa-sha256' });
    });
  }
});

describe('refusals leave factors and challenge as they were', () => {
  async function refusedThenAccepted(bad: (text: string) => string, reason: string) {
    const s = await setup('ed25519');
    const start = await s.h.service.startSshRecovery(ACCOUNT);
    const before = await snapshot(s);
    const result = await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, bad(start.text));
    expect(result).toEqual({ ok: false, reason });
    expect(await snapshot(s)).toEqual(before);
    expect(await s.h.store.getChallenge(start.challengeId, s.h.clock())).not.toBeNull();
    expect(s.h.events.filter((e) => e.type === 'recovery-failed').map((e) => e.reason)).toEqual([reason]);
    expect((await s.h.store.getAttempts(ACCOUNT, 'recovery', s.h.clock()))?.count).toBe(1);
    // The challenge was not spent: the right signature still works (a typo can be retried).
    const good = sshSign(key('ed25519').privatePath, NAMESPACE, start.text);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, good)).toMatchObject({ ok: true });
  }

  test('wrong namespace', () => refusedThenAccepted((text) => sshSign(key('ed25519').privatePath, 'file', text), 'namespace-mismatch'));
  test("another key's signature", () => refusedThenAccepted((text) => sshSign(stranger.privatePath, NAMESPACE, text), 'key-mismatch'));
  test('a signature by a key of another type the account does not have', () =>
    refusedThenAccepted((text) => sshSign(key('rsa-3072').privatePath, NAMESPACE, text), 'key-mismatch'));
  test('tampered text', () => refusedThenAccepted((text) => sshSign(key('ed25519').privatePath, NAMESPACE, text.replace('user-1', 'user-2')), 'bad-signature'));

  test('expired challenge (clock past 15 minutes): refused, nothing charged, nothing removed', async () => {
    const s = await setup('ed25519');
    const start = await s.h.service.startSshRecovery(ACCOUNT);
    const armored = sshSign(key('ed25519').privatePath, NAMESPACE, start.text);
    s.h.clock.set(start.expiresAt);
    const before = await snapshot(s);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, armored)).toEqual({ ok: false, reason: 'expired' });
    expect(await snapshot(s)).toEqual(before);
    expect(await s.h.store.getAttempts(ACCOUNT, 'recovery', s.h.clock())).toBeNull();
  });

  test('a used challenge cannot be spent again; concurrent completions: exactly one wins', async () => {
    const s = await setup('ed25519');
    const start = await s.h.service.startSshRecovery(ACCOUNT);
    const armored = sshSign(key('ed25519').privatePath, NAMESPACE, start.text);
    const results = await Promise.all([1, 2, 3].map(() => s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, armored)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, reason: 'expired' },
      { ok: false, reason: 'expired' },
    ]);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, armored)).toEqual({ ok: false, reason: 'expired' });
    expect(s.h.events.filter((e) => e.type === 'recovery-completed')).toHaveLength(1);
  });

  test('a recovery kills every other outstanding recovery challenge and code of the account', async () => {
    const s = await setup('ed25519');
    const first = await s.h.service.startSshRecovery(ACCOUNT);
    const second = await s.h.service.startSshRecovery(ACCOUNT);
    const pendingSms = await s.h.service.startOobEnrolment(ACCOUNT, { channel: 'sms', destination: '+41791234567', stepUpToken: s.token });
    expect((await s.h.service.confirmEnrolment(ACCOUNT, pendingSms.enrolmentId, s.h.sent.at(-1)!.code)).ok).toBe(true);
    await s.h.service.startPhoneRecovery(ACCOUNT);
    const smsCode = s.h.sent.at(-1)!.code;
    const sign = (text: string) => sshSign(key('ed25519').privatePath, NAMESPACE, text);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, first.challengeId, sign(first.text))).toMatchObject({ ok: true, factorsRemoved: 2 });
    // The user enrols again; a second answer must not undo that.
    await enrolApp(s.h, ACCOUNT);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, second.challengeId, sign(second.text))).toEqual({ ok: false, reason: 'expired' });
    expect(await s.h.service.completePhoneRecovery(ACCOUNT, smsCode)).toEqual({ ok: false, reason: 'expired' });
    expect((await s.h.service.loginRequirement(ACCOUNT)).mfaRequired).toBe(true);
  });

  test('a challenge of one account cannot recover another', async () => {
    const s = await setup('ed25519');
    const other = await enrolApp(s.h, 'user-2');
    const token2 = await stepUp(s.h, 'user-2', other.app);
    await s.h.service.registerSshKey('user-2', key('ed25519').publicLine, { stepUpToken: token2 });
    const start = await s.h.service.startSshRecovery(ACCOUNT);
    const armored = sshSign(key('ed25519').privatePath, NAMESPACE, start.text);
    expect(await s.h.service.completeSshRecovery('user-2', start.challengeId, armored)).toEqual({ ok: false, reason: 'expired' });
    expect((await s.h.service.listFactors('user-2')).some((f) => f.kind === 'totp')).toBe(true);
  });

  test('malformed input is refused without charging the throttle', async () => {
    const s = await setup('ed25519');
    const start = await s.h.service.startSshRecovery(ACCOUNT);
    for (const junk of ['hello', '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----', 'QUJD' /* raw, but no RSA/ECDSA key */]) {
      expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, junk)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await s.h.store.getAttempts(ACCOUNT, 'recovery', s.h.clock())).toBeNull();
    expect(await s.h.store.getChallenge(start.challengeId, s.h.clock())).not.toBeNull();
  });

  test('throttling: after the recovery cap even a valid signature is refused, nothing changes', async () => {
    const s = await setup('ed25519', { limits: { recoveryFailures: 7 } });
    const start = await s.h.service.startSshRecovery(ACCOUNT);
    const wrong = sshSign(stranger.privatePath, NAMESPACE, start.text);
    const good = sshSign(key('ed25519').privatePath, NAMESPACE, start.text);
    for (let i = 0; i < 5; i++) expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, wrong)).toMatchObject({ ok: false, reason: 'key-mismatch' });
    // The sixth attempt comes too soon after the fifth.
    expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, good)).toMatchObject({ ok: false, reason: 'throttled' });
    s.h.clock.advance(1000);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, wrong)).toMatchObject({ ok: false, reason: 'key-mismatch' });
    s.h.clock.advance(2000);
    expect(await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, wrong)).toMatchObject({ ok: false, reason: 'key-mismatch' });
    s.h.clock.advance(60_000);
    const before = await snapshot(s);
    const locked = await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, good);
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    expect((locked as { retryAt: number }).retryAt).toBeGreaterThan(s.h.clock());
    expect(await snapshot(s)).toEqual(before);
    expect(await s.h.store.getChallenge(start.challengeId, s.h.clock())).not.toBeNull();
    // Recovery has its own record: failed signatures lock neither login codes nor anything else.
    expect((await s.h.service.verify(ACCOUNT, s.app.code())).ok).toBe(true);
  });

  test('recovery starts per account are limited', async () => {
    const s = await setup('ed25519', { recovery: { sshNamespace: NAMESPACE, maxStartsPerHour: 2 } });
    await s.h.service.startSshRecovery(ACCOUNT);
    await s.h.service.startSshRecovery(ACCOUNT);
    await expect(s.h.service.startSshRecovery(ACCOUNT)).rejects.toMatchObject({ code: 'THROTTLED' });
  });
});

describe('configuration', () => {
  test('the namespace is app-specific: never file or git; SSH recovery needs one', async () => {
    for (const sshNamespace of ['file', 'git', 'GIT', '', 'two words']) {
      let code: unknown;
      try {
        harness({ recovery: { sshNamespace } });
      } catch (error) {
        code = (error as { code?: unknown }).code;
      }
      expect(code).toBe('INVALID_OPTION');
    }
    const s = await setup('ed25519', { recovery: {} });
    await expect(s.h.service.startSshRecovery(ACCOUNT)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  test('a custom recovery action replaces the default: factors stay, the app is told', async () => {
    const told: unknown[] = [];
    const s = await setup('ecdsa-256', { recovery: { sshNamespace: NAMESPACE, action: (recovered) => void told.push(recovered) } });
    const start = await s.h.service.startSshRecovery(ACCOUNT, { keyPath: join(temp.dir, 'ecdsa-256') });
    expect(start.command.endsWith(`-f '${join(temp.dir, 'ecdsa-256')}'`) || start.command.endsWith(`-f ${join(temp.dir, 'ecdsa-256')}`)).toBe(true);
    const result = await s.h.service.completeSshRecovery(ACCOUNT, start.challengeId, runShell(start.command));
    expect(result).toMatchObject({ ok: true, action: 'custom', factorsRemoved: 0, reenrolmentRequired: false });
    expect(told).toEqual([{ accountId: ACCOUNT, method: 'ssh-key', factorId: s.keyId, at: s.h.clock() }]);
    expect((await s.h.service.listFactors(ACCOUNT)).some((f) => f.kind === 'totp')).toBe(true);
    expect((await s.h.service.loginRequirement(ACCOUNT)).reenrolmentRequired).toBeUndefined();
  });
});
