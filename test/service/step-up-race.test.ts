import { describe, expect, test } from 'vitest';
import type { MfaChallengeRecord } from '../../src/store/records.js';
import { createMemoryStore } from '../../src/stores/memory/index.js';
import { authenticate, createSoftwareCredential, register } from '../webauthn/helpers/authenticator.js';
import { fromB64u } from '../webauthn/helpers/build.js';
import { enrolApp, harness, phone, type Harness } from './helpers.js';

/**
 * A harness whose store lets a disable (factors removed, grants revoked, in one store step) commit
 * right before the next write of a step-up generation, once `disableBeforeNextGeneration()` is
 * armed: the interleaving where a grant read "no generation" before the disable and writes the
 * account's first one after it.
 */
function harnessWithDisableBeforeGeneration(overrides: Parameters<typeof harness>[0] = {}) {
  const memory = createMemoryStore();
  let armed = false;
  const store = new Proxy(memory, {
    get(target, property, receiver) {
      if (property !== 'putChallenge') return Reflect.get(target, property, receiver);
      return async (record: MfaChallengeRecord) => {
        if (armed && record.purpose === 'step-up') {
          armed = false;
          await target.removeLoginFactors({ accountId: record.accountId!, revokeChallengePurposes: ['step-up', 'backup-code-used'] });
        }
        return target.putChallenge(record);
      };
    },
  });
  const h = harness({ ...overrides, store });
  return {
    h,
    memory,
    disableBeforeNextGeneration: () => void (armed = true),
    disableRan: () => !armed,
  };
}

/** Arms the disable, runs `grant` (which returns the grant's token), and checks the grant is dead. */
async function expectDeadGrant(race: ReturnType<typeof harnessWithDisableBeforeGeneration>, grant: (h: Harness) => Promise<string>) {
  const { h } = race;
  race.disableBeforeNextGeneration();
  const token = await grant(h);
  expect(race.disableRan()).toBe(true);
  expect(await h.service.listFactors('user-1')).toEqual([]);
  expect(await h.service.hasRecentStepUp('user-1', token)).toBe(false);
}

describe('a grant minted while MFA is being disabled', () => {
  // The account has an app but no generation record (it expired, or was never written). A login
  // verifies, reads "none", and the disable (factors removed, grants revoked) commits before the
  // login writes the account's first generation: that grant must not outlive the disable.
  test('a login that read "no generation" before a disable and writes the first one after it gets a dead grant', async () => {
    const race = harnessWithDisableBeforeGeneration();
    const { app } = await enrolApp(race.h, 'user-1');
    await race.memory.deleteChallenges('user-1', 'step-up');
    await expectDeadGrant(race, async (h) => {
      const login = await h.service.verify('user-1', app.code());
      expect(login.ok).toBe(true);
      if (!login.ok) throw new Error(login.reason);
      return login.stepUp.token;
    });
  });

  test('the same with a backup code', async () => {
    const race = harnessWithDisableBeforeGeneration();
    const { confirmed } = await enrolApp(race.h, 'user-1');
    if (!confirmed.ok) throw new Error('not enrolled');
    await race.memory.deleteChallenges('user-1', 'step-up');
    await expectDeadGrant(race, async (h) => {
      const login = await h.service.verify('user-1', confirmed.backupCodes![0]!);
      expect(login.ok).toBe(true);
      if (!login.ok) throw new Error(login.reason);
      return login.stepUp.token;
    });
  });

  test('the same for the grant of a first enrolment, when the disable removes the factor just activated', async () => {
    const race = harnessWithDisableBeforeGeneration();
    const pending = await race.h.service.startAuthenticatorEnrolment('user-1');
    await expectDeadGrant(race, async (h) => {
      const confirmed = await h.service.confirmEnrolment('user-1', pending.enrolmentId, phone(pending.manualKey, h.clock).code());
      expect(confirmed.ok).toBe(true);
      if (!confirmed.ok || confirmed.stepUp === null) throw new Error('no grant');
      return confirmed.stepUp.token;
    });
  });

  test('the same for a WebAuthn login', async () => {
    const race = harnessWithDisableBeforeGeneration({ webauthn: { rpId: 'example.org', origins: ['https://example.org'] } });
    const key = createSoftwareCredential(-7, 1);
    const start = await race.h.service.startWebAuthnRegistration('user-1');
    key.userHandle = fromB64u(start.options.user.id);
    const registered = await race.h.service.finishWebAuthnRegistration('user-1', start.enrolmentId, register(key, fromB64u(start.options.challenge)));
    expect(registered.ok).toBe(true);
    await race.memory.deleteChallenges('user-1', 'step-up');
    const login = await race.h.service.startWebAuthnLogin('user-1');
    await expectDeadGrant(race, async (h) => {
      const finished = await h.service.finishWebAuthnLogin(authenticate(key, fromB64u(login.options.challenge)), { accountId: 'user-1' });
      expect(finished.ok).toBe(true);
      if (!finished.ok) throw new Error(finished.reason);
      return finished.stepUp.token;
    });
  });

  test('without a disable meanwhile, the first generation is written and the grant is live', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    await h.store.deleteChallenges('user-1', 'step-up');
    const login = await h.service.verify('user-1', app.code());
    if (!login.ok) throw new Error(login.reason);
    expect(await h.service.hasRecentStepUp('user-1', login.stepUp.token)).toBe(true);
  });
});
