// Registering, listing and removing recovery SSH keys through the public service API (memory
// store), with keys made by ssh-keygen; and recovery when an account has several keys.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KEY_SPECS, generateKey, makeTempDir, opensslSign, sshSign, type ToolKey } from '../ssh/tools.js';
import { enrolApp, harness, stepUp } from './helpers.js';

const NAMESPACE = 'recovery@acme.test';
const ACCOUNT = 'user-1';

let temp: ReturnType<typeof makeTempDir>;
const keys = new Map<string, ToolKey>();
const spec = (label: string) => KEY_SPECS.find((s) => s.label === label)!;

beforeAll(() => {
  temp = makeTempDir();
  for (const label of ['ed25519', 'ecdsa-256', 'rsa-2048']) keys.set(label, generateKey(temp.dir, spec(label)));
  for (let i = 0; i < 10; i++) {
    const path = join(temp.dir, `extra-${i}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `extra-${i}`, '-f', path], { stdio: 'pipe' });
    keys.set(`extra-${i}`, { label: `extra-${i}`, type: 'ssh-ed25519', privatePath: path, publicPath: `${path}.pub`, publicLine: execFileSync('cat', [`${path}.pub`]).toString('utf8'), pemPath: undefined });
  }
}, 120_000);

afterAll(() => temp?.cleanup());

const key = (label: string) => keys.get(label)!;

async function setup() {
  const h = harness({ recovery: { sshNamespace: NAMESPACE } });
  const { app, factorId } = await enrolApp(h, ACCOUNT);
  const token = await stepUp(h, ACCOUNT, app);
  return { h, app, token, appId: factorId };
}

describe('registering recovery SSH keys', () => {
  test('needs a recent step-up (so MFA must be on); emits events; keys never count as login factors', async () => {
    const bare = harness();
    await expect(bare.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: 'x' })).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });

    const { h, token } = await setup();
    await expect(h.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: 'su_nope' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    h.clock.advance(11 * 60_000);
    await expect(h.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: token })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    expect(h.events.filter((e) => e.type === 'step-up-refused').map((e) => e.reason)).toEqual(['register-ssh-key', 'register-ssh-key']);
    expect(await h.service.listSshKeys(ACCOUNT)).toEqual([]);
  });

  test('register several, list them oldest first, refuse duplicates by fingerprint, remove with step-up', async () => {
    const { h, app, token, appId } = await setup();
    const ed = await h.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: token, name: 'Laptop' });
    h.clock.advance(1000);
    // As pasted from authorized_keys: options before the key.
    const rsa = await h.service.registerSshKey(ACCOUNT, `no-pty,from="10.0.0.0/8" ${key('rsa-2048').publicLine}`, { stepUpToken: token });
    expect(ed).toMatchObject({ name: 'Laptop', keyType: 'ssh-ed25519', bits: 256, comment: 'ed25519@mfakit-test', createdAt: h.clock() - 1000 });
    expect(rsa).toMatchObject({ name: 'rsa-2048@mfakit-test', keyType: 'ssh-rsa', bits: 2048 });
    expect((await h.service.listSshKeys(ACCOUNT)).map((k) => k.id)).toEqual([ed.id, rsa.id]);
    expect(h.events.filter((e) => e.type === 'enrolment-confirmed' && e.kind === 'ssh-key').map((e) => e.details?.['fingerprint'])).toEqual([ed.fingerprint, rsa.fingerprint]);

    // The same key again, with another comment, or bare: DUPLICATE.
    const [type, b64] = key('ed25519').publicLine.split(' ');
    for (const again of [`${type} ${b64} other-comment`, `${type} ${b64}`]) {
      await expect(h.service.registerSshKey(ACCOUNT, again, { stepUpToken: token, name: 'Other' })).rejects.toMatchObject({ code: 'DUPLICATE' });
    }
    // A taken name: DUPLICATE as for factors.
    await expect(h.service.registerSshKey(ACCOUNT, key('ecdsa-256').publicLine, { stepUpToken: token, name: 'laptop' })).rejects.toMatchObject({ code: 'DUPLICATE' });
    // Not keys: the ssh module's errors.
    await expect(h.service.registerSshKey(ACCOUNT, 'ssh-ed25519 AAAA', { stepUpToken: token })).rejects.toMatchObject({ code: 'INVALID_SSH_KEY' });
    await expect(h.service.registerSshKey(ACCOUNT, `ssh-dss ${b64}`, { stepUpToken: token })).rejects.toMatchObject({ code: 'UNSUPPORTED_SSH_KEY' });

    // A recovery key is no login factor: it is not offered at login and cannot step up.
    const requirement = await h.service.loginRequirement(ACCOUNT);
    expect(requirement.factors.map((f) => f.kind).sort()).toEqual(['backup-codes', 'totp']);
    await expect(h.service.verify(ACCOUNT, '123456', { factorId: ed.id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    // Removing needs step-up; removeSshKey only removes SSH keys.
    await expect(h.service.removeSshKey(ACCOUNT, ed.id, { stepUpToken: '' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    await expect(h.service.removeSshKey(ACCOUNT, appId, { stepUpToken: token })).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    expect(await h.service.removeSshKey(ACCOUNT, ed.id, { stepUpToken: token })).toMatchObject({ id: ed.id, fingerprint: ed.fingerprint });
    expect(h.events.find((e) => e.type === 'factor-removed')).toMatchObject({ factorId: ed.id, kind: 'ssh-key', details: { role: 'recovery', fingerprint: ed.fingerprint } });
    expect((await h.service.listSshKeys(ACCOUNT)).map((k) => k.id)).toEqual([rsa.id]);
    await expect(h.service.removeSshKey(ACCOUNT, ed.id, { stepUpToken: token })).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    // Re-registering a removed key works.
    expect((await h.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: token })).id).toBe(ed.id);

    // Disabling MFA keeps recovery methods (the store contract).
    void app;
    await h.service.disable(ACCOUNT, { confirmation: 'disable', stepUpToken: token });
    expect((await h.service.listSshKeys(ACCOUNT)).length).toBe(2);
  });

  test('concurrent registrations of one key: exactly one is stored', async () => {
    const { h, token } = await setup();
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => h.service.registerSshKey(ACCOUNT, key('ecdsa-256').publicLine, { stepUpToken: token, name: `Key ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DUPLICATE' });
    expect(await h.service.listSshKeys(ACCOUNT)).toHaveLength(1);
  });

  test('at most 10 keys per account', async () => {
    const { h, token } = await setup();
    for (let i = 0; i < 10; i++) await h.service.registerSshKey(ACCOUNT, key(`extra-${i}`).publicLine, { stepUpToken: token });
    await expect(h.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: token })).rejects.toMatchObject({ code: 'FACTOR_NOT_ALLOWED' });
  });
});

describe('recovery with several registered keys', () => {
  test('any registered key can answer; the event names the one that did', async () => {
    const { h, token } = await setup();
    await h.service.registerSshKey(ACCOUNT, key('ed25519').publicLine, { stepUpToken: token });
    const ecdsa = await h.service.registerSshKey(ACCOUNT, key('ecdsa-256').publicLine, { stepUpToken: token });
    const start = await h.service.startSshRecovery(ACCOUNT);
    // Mixed key types: the command shows the Ed25519 default path.
    expect(start.command.endsWith('-f ~/.ssh/id_ed25519')).toBe(true);
    expect(start.keys).toHaveLength(2);
    const result = await h.service.completeSshRecovery(ACCOUNT, start.challengeId, sshSign(key('ecdsa-256').privatePath, NAMESPACE, start.text, { hashalg: 'sha512' }));
    expect(result).toMatchObject({ ok: true, recoveredWith: { id: ecdsa.id, lastUsedAt: h.clock() } });
    expect(h.events.find((e) => e.type === 'recovery-completed')).toMatchObject({ factorId: ecdsa.id, details: { fingerprint: ecdsa.fingerprint } });
    expect((await h.service.listSshKeys(ACCOUNT)).find((k) => k.id === ecdsa.id)?.lastUsedAt).toBe(h.clock());
  });

  test('a raw signature is tried against each RSA/ECDSA key', async () => {
    const { h, token } = await setup();
    await h.service.registerSshKey(ACCOUNT, key('ecdsa-256').publicLine, { stepUpToken: token });
    const rsa = await h.service.registerSshKey(ACCOUNT, key('rsa-2048').publicLine, { stepUpToken: token });
    const start = await h.service.startSshRecovery(ACCOUNT);
    const raw = Buffer.from(opensslSign(key('rsa-2048').pemPath!, start.text)).toString('base64');
    const tampered = Buffer.from(opensslSign(key('rsa-2048').pemPath!, start.text + ' ')).toString('base64');
    expect(await h.service.completeSshRecovery(ACCOUNT, start.challengeId, tampered)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await h.service.completeSshRecovery(ACCOUNT, start.challengeId, raw)).toMatchObject({ ok: true, recoveredWith: { id: rsa.id } });
  });
});
