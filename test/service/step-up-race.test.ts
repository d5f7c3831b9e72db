import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../src/stores/memory/index.js';
import { enrolApp, harness } from './helpers.js';

describe('a grant minted while MFA is being disabled', () => {
  test('a login that read "no generation" before a disable and writes the first one after it gets a dead grant', async () => {
    // The account has an app but no generation record (it expired, or was never written). A login
    // verifies, reads "none", and the disable (factors removed, grants revoked) commits before the
    // login writes the account's first generation: that grant must not outlive the disable.
    const memory = createMemoryStore();
    let disableBeforeWrite = false;
    const store = new Proxy(memory, {
      get(target, property, receiver) {
        if (property !== 'putChallenge') return Reflect.get(target, property, receiver);
        return async (record: Parameters<typeof memory.putChallenge>[0]) => {
          if (disableBeforeWrite && record.purpose === 'step-up') {
            disableBeforeWrite = false;
            await target.removeLoginFactors({ accountId: record.accountId!, revokeChallengePurposes: ['step-up', 'backup-code-used'] });
          }
          return target.putChallenge(record);
        };
      },
    });
    const h = harness({ store });
    const { app } = await enrolApp(h, 'user-1');
    await memory.deleteChallenges('user-1', 'step-up');
    disableBeforeWrite = true;
    const login = await h.service.verify('user-1', app.code());
    expect(login.ok).toBe(true);
    if (!login.ok) return;
    const { token } = login.stepUp;
    expect(disableBeforeWrite).toBe(false);
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect(await h.service.hasRecentStepUp('user-1', token)).toBe(false);
  });

  test('the same with a backup code', async () => {
    // The account has an app but no generation record (it expired, or was never written). A login
    // verifies, reads "none", and the disable (factors removed, grants revoked) commits before the
    // login writes the account's first generation: that grant must not outlive the disable.
    const memory = createMemoryStore();
    let disableBeforeWrite = false;
    const store = new Proxy(memory, {
      get(target, property, receiver) {
        if (property !== 'putChallenge') return Reflect.get(target, property, receiver);
        return async (record: Parameters<typeof memory.putChallenge>[0]) => {
          if (disableBeforeWrite && record.purpose === 'step-up') {
            disableBeforeWrite = false;
            await target.removeLoginFactors({ accountId: record.accountId!, revokeChallengePurposes: ['step-up', 'backup-code-used'] });
          }
          return target.putChallenge(record);
        };
      },
    });
    const h = harness({ store });
    const { confirmed } = await enrolApp(h, 'user-1');
    if (!confirmed.ok) throw new Error('not enrolled');
    await memory.deleteChallenges('user-1', 'step-up');
    disableBeforeWrite = true;
    const login = await h.service.verify('user-1', confirmed.backupCodes![0]!);
    expect(login.ok).toBe(true);
    if (!login.ok) return;
    const { token } = login.stepUp;
    expect(disableBeforeWrite).toBe(false);
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect(await h.service.hasRecentStepUp('user-1', token)).toBe(false);
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
