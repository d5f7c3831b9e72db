// Issue 17, "lock-outs an attacker can cause", for SSH recovery (throttle.test.ts covers passkeys
// and phone codes): a failed SSH signature is not a guess at a code, so it never charges the login
// code counter; SSH answers share the recovery record's hard cap on consecutive failures, which no
// amount of waiting resets. Through the public service API on the memory store, keys by ssh-keygen.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KEY_SPECS, generateKey, makeTempDir, sshSign, type ToolKey } from '../ssh/tools.js';
import { enrolApp, harness, stepUp } from './helpers.js';

const NAMESPACE = 'recovery@acme.test';
const ACCOUNT = 'user-1';
const DAY = 86_400_000;

let temp: ReturnType<typeof makeTempDir>;
let otherTemp: ReturnType<typeof makeTempDir>;
let owner: ToolKey;
let stranger: ToolKey;

beforeAll(() => {
  temp = makeTempDir();
  const ed25519 = KEY_SPECS.find((s) => s.label === 'ed25519')!;
  owner = generateKey(temp.dir, ed25519);
  otherTemp = makeTempDir();
  stranger = generateKey(otherTemp.dir, ed25519);
}, 60_000);

afterAll(() => {
  temp?.cleanup();
  otherTemp?.cleanup();
});

async function setup() {
  const h = harness({ recovery: { sshNamespace: NAMESPACE, maxStartsPerHour: 1000 } });
  const { app } = await enrolApp(h, ACCOUNT);
  const token = await stepUp(h, ACCOUNT, app);
  await h.service.registerSshKey(ACCOUNT, owner.publicLine, { stepUpToken: token });
  return { h, app };
}

describe('throttle: SSH recovery answers', () => {
  test('failed SSH signatures (wrong text, another key) never charge the code counter: the owner logs in unthrottled', async () => {
    const { h, app } = await setup();
    const start = await h.service.startSshRecovery(ACCOUNT);
    const forged = [sshSign(owner.privatePath, NAMESPACE, `${start.text} `), sshSign(stranger.privatePath, NAMESPACE, start.text)];
    const reasons = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const result = await h.service.completeSshRecovery(ACCOUNT, start.challengeId, forged[i % 2]!);
      expect(result.ok).toBe(false);
      if (!result.ok) reasons.add(result.reason);
    }
    expect(reasons.has('bad-signature') || reasons.has('key-mismatch')).toBe(true);
    h.clock.advance(30_000);
    const requirement = await h.service.loginRequirement(ACCOUNT);
    expect(requirement.retryAt ?? null).toBeNull();
    expect(await h.service.verify(ACCOUNT, app.code())).toMatchObject({ ok: true });
  });

  test('SSH answers have a hard cap: after 10 failures no answer is checked, not even the right one, days later', async () => {
    const { h } = await setup();
    let checked = 0;
    for (let i = 0; i < 40; i++) {
      const start = await h.service.startSshRecovery(ACCOUNT);
      const result = await h.service.completeSshRecovery(ACCOUNT, start.challengeId, sshSign(owner.privatePath, NAMESPACE, `${start.text} `));
      if (!result.ok && result.reason === 'bad-signature') checked++;
      if (!result.ok && result.retryAt !== undefined) h.clock.set(Math.max(h.clock(), Math.min(result.retryAt, h.clock() + 3_600_000)));
      h.clock.advance(15 * 60_000);
    }
    expect(checked).toBe(10);
    h.clock.advance(5 * DAY);
    const start = await h.service.startSshRecovery(ACCOUNT);
    const right = await h.service.completeSshRecovery(ACCOUNT, start.challengeId, sshSign(owner.privatePath, NAMESPACE, start.text));
    expect(right.ok).toBe(false);
    expect(right.ok ? null : right.reason).not.toBe('bad-signature');
  });
});
