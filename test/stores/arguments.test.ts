/**
 * Store arguments are checked once, in src/store/arguments.ts, for every store: a bad argument is
 * refused with INVALID_ARGUMENT before the store's own method runs.
 */
import { describe, expect, it } from 'vitest';
import type { MfaStore } from '../../src/store/contract.js';
import { withArgumentChecks } from '../../src/store/arguments.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { createMemoryStore } from '../../src/stores/memory/index.js';
import { composeStores } from '../../src/stores/composed/index.js';
import { createMfaService } from '../../src/service/index.js';

const KEY_RING = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } };

/** A store whose every method records that it ran. */
function recordingStore(): { store: MfaStore; calls: string[] } {
  const calls: string[] = [];
  const store = new Proxy({} as MfaStore, {
    get: (_target, name) => async () => {
      calls.push(String(name));
      return null;
    },
  });
  return { store, calls };
}

const factor = { v: MFA_RECORD_VERSION, id: 'f1', accountId: 'a', kind: 'totp', role: 'login', name: 'x', createdAt: 1, lastUsedAt: null, lastStep: -1, revision: 0, data: {} } as const;

/** One bad call per contract method. */
const BAD_CALLS: { [K in keyof MfaStore]: (s: MfaStore) => Promise<unknown> } = {
  getAccount: (s) => s.getAccount(''),
  createAccount: (s) => s.createAccount({ v: 2 } as never),
  compareAndSetAccount: (s) => s.compareAndSetAccount({ v: MFA_RECORD_VERSION, id: 'a', createdAt: 1, updatedAt: 1, revision: 0, data: {} }, 0.5),
  deleteAccount: (s) => s.deleteAccount(42 as never),
  listFactors: (s) => s.listFactors(undefined as never),
  getFactor: (s) => s.getFactor('a', ''),
  insertFactor: (s) => s.insertFactor({ ...factor, lastStep: Number.NaN }),
  compareAndSetFactor: (s) => s.compareAndSetFactor({ ...factor, id: '' }, 0),
  advanceFactorStep: (s) => s.advanceFactorStep('a', 'f1', 1.5, 1),
  deleteFactor: (s) => s.deleteFactor('a', 'f1', { minRemainingLoginFactors: Infinity }),
  deleteLoginFactors: (s) => s.deleteLoginFactors(''),
  removeLoginFactors: (s) => s.removeLoginFactors({ accountId: 'a', revokeChallengePurposes: [''] }),
  putEnrolment: (s) => s.putEnrolment({ v: MFA_RECORD_VERSION, id: 'e', accountId: '', kind: 'totp', role: 'login', name: 'x', createdAt: 1, expiresAt: 2, replacesFactorId: null, data: {} }),
  getEnrolment: (s) => s.getEnrolment('a', ''),
  deleteEnrolment: (s) => s.deleteEnrolment('', 'e'),
  activateEnrolment: (s) => s.activateEnrolment({ accountId: 'a', enrolmentId: 'other', factor, now: 1 }),
  replaceBackupCodes: (s) => s.replaceBackupCodes('a', [{ v: MFA_RECORD_VERSION, accountId: 'b', setId: 's', id: 'c', hash: 'h', createdAt: 1 }]),
  getBackupCode: (s) => s.getBackupCode('a', ''),
  consumeBackupCode: (s) => s.consumeBackupCode('', 'c'),
  countBackupCodes: (s) => s.countBackupCodes(''),
  putChallenge: (s) => s.putChallenge({ v: MFA_RECORD_VERSION, id: 'c', accountId: null, purpose: '', data: {}, createdAt: 1, expiresAt: 2, revision: 0 }),
  getChallenge: (s) => s.getChallenge('c', Number.NaN),
  consumeChallenge: (s) => s.consumeChallenge('c', { purpose: 'p', now: Infinity }),
  compareAndSetChallenge: (s) => s.compareAndSetChallenge({ v: MFA_RECORD_VERSION, id: 'c', accountId: null, purpose: 'p', data: {}, createdAt: 1, expiresAt: 2, revision: 0 }, 0, Number.NaN),
  deleteChallenges: (s) => s.deleteChallenges('a', ''),
  listChallenges: (s) => s.listChallenges('a', '', Number.NaN),
  incrementCounter: (s) => s.incrementCounter('k', { ttlMs: 0, now: 1 }),
  getCounter: (s) => s.getCounter('', 1),
  chargeAttempts: (s) => s.chargeAttempts('a', [{ name: 'code', rule: { limit: 0, freeAttempts: 0, baseDelayMs: 0, maxDelayMs: 0, memoryMs: 1 } }], { now: 1 }),
  getAttempts: (s) => s.getAttempts('a', '', 1),
  clearAttempts: (s) => s.clearAttempts('a', ['x'.repeat(201)]),
};

describe('store arguments, checked once for every store', () => {
  for (const [name, call] of Object.entries(BAD_CALLS)) {
    it(`${name}: a bad argument is refused before the store runs`, async () => {
      const { store, calls } = recordingStore();
      const checked = withArgumentChecks(store);
      await expect(call(checked)).rejects.toMatchObject({ code: expect.stringMatching(/^(INVALID_ARGUMENT|STORE_SCHEMA_VERSION)$/) });
      expect(calls).toEqual([]);
    });
  }

  it('valid arguments reach the store, with the store as `this`', async () => {
    const { store, calls } = recordingStore();
    await withArgumentChecks(store).getFactor('a', 'f1');
    expect(calls).toEqual(['getFactor']);
    const memory = createMemoryStore();
    expect(await memory.insertFactor(factor)).toBe(true);
    expect(await memory.getFactor('a', 'f1')).toMatchObject({ id: 'f1' });
  });

  it('the bundled factories return checked stores; wrapping twice is a no-op', async () => {
    const memory = createMemoryStore();
    expect(withArgumentChecks(memory)).toBe(memory);
    await expect(memory.getAccount('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const composed = composeStores({ counters: memory, challenges: memory, durable: memory });
    await expect(composed.getCounter('', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('the service checks the arguments of a third-party store it is given', async () => {
    const { store, calls } = recordingStore();
    const service = createMfaService({ issuer: 'ACME', store, keyRing: KEY_RING });
    await expect(service.context.store.getAccount('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(calls).toEqual([]);
  });

  it('a method replaced on the store later (a spy) is the one called', async () => {
    const memory = createMemoryStore();
    memory.countBackupCodes = async () => 99;
    expect(await memory.countBackupCodes('a')).toBe(99);
  });
});
