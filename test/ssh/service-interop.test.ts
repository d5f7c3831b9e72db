// Every key type ssh-keygen makes, through the service's recovery (memory store): the returned
// command run by bash with the key file, and with only the public key file through ssh-agent.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStore, createMfaService, decodeBase32Secret, generateTotp, type MfaService } from '../../src/index.js';
import { KEY_SPECS, generateKey, makeTempDir, startAgent, type Agent, type ToolKey } from './tools.js';

const NAMESPACE = 'recovery@interop.test';
const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

let temp: ReturnType<typeof makeTempDir>;
let agent: Agent;
const keys = new Map<string, ToolKey>();

beforeAll(() => {
  temp = makeTempDir();
  for (const spec of KEY_SPECS) keys.set(spec.label, generateKey(temp.dir, spec));
  agent = startAgent(temp.dir);
  for (const key of keys.values()) agent.add(key.privatePath);
}, 180_000);

afterAll(() => {
  agent?.stop();
  temp?.cleanup();
});

/** A service with one account protected by an authenticator app, and `key` registered for recovery. */
async function accountWith(key: ToolKey): Promise<{ service: MfaService; keyId: string; clock: { t: number } }> {
  const clock = { t: T0 };
  const service = createMfaService({
    issuer: 'Interop',
    store: createMemoryStore(),
    now: () => clock.t,
    keyRing: { currentKeyId: 'k', keys: { k: new Uint8Array(32).fill(7) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
    recovery: { sshNamespace: NAMESPACE },
  });
  const pending = await service.startAuthenticatorEnrolment('acct');
  const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
  await service.confirmEnrolment('acct', pending.enrolmentId, generateTotp(secret, { now: () => clock.t }));
  clock.t += 30_000;
  const verified = await service.verify('acct', generateTotp(secret, { now: () => clock.t }));
  if (!verified.ok) throw new Error(verified.reason);
  const registered = await service.registerSshKey('acct', key.publicLine, { stepUpToken: verified.stepUp.token });
  return { service, keyId: registered.id, clock };
}

describe.each(KEY_SPECS.map((s) => s.label))('%s', (label) => {
  const key = () => keys.get(label)!;

  test.each([
    ['the key file', false],
    ['ssh-agent (public key file only)', true],
  ])('recovery with the returned command, signed with %s', async (_how, viaAgent) => {
    const { service, keyId, clock } = await accountWith(key());
    const start = await service.startSshRecovery('acct', { keyPath: viaAgent ? key().publicPath : key().privatePath });
    const armored = execFileSync('bash', ['-c', start.command], { env: viaAgent ? agent.env : process.env, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
    clock.t += 5 * 60_000;
    const result = await service.completeSshRecovery('acct', start.challengeId, armored);
    expect(result).toMatchObject({ ok: true, method: 'ssh-key', recoveredWith: { id: keyId }, factorsRemoved: 1, reenrolmentRequired: true });
    expect((await service.loginRequirement('acct')).reenrolmentRequired).toEqual({ since: clock.t, method: 'ssh-key' });
  });
});
