/**
 * Faults (issue 18): disable and recovery are one atomic store operation on Redis. A TCP proxy in
 * front of the real Redis holds the store's `removeLoginFactors` script back (it has not reached
 * the server), something happens meanwhile on another connection, then the script goes on and an
 * outage starts right after its reply (whatever the store sends next is lost).
 * - A login that mints a step-up grant while disable waits must lose it: MFA off with a grant of
 *   before the disable still valid is the state issue 18 forbids.
 * - A recovery challenge started while recovery waits must be revoked with the factors.
 * - A recovery whose account changed meanwhile (a stale revision) changes nothing at all, not even
 *   the revocations (the contract's "all of it or none of it").
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import type { MfaEvent } from '../../src/service/events.js';
import { createMfaService } from '../../src/service/service.js';
import type { MfaStore } from '../../src/store/contract.js';
import type { MfaChallengeRecord } from '../../src/store/records.js';
import { createRedisStore, REDIS_STORE_SCRIPTS } from '../../src/stores/redis/index.js';
import { faultSweepServiceOptions } from '../support/fault-sweep.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { deleteRedisKeys, REDIS_URL, redisReachable, serverGate, uniqueSuffix } from '../stores/fixtures/servers.js';
import { guardProcess } from './process-guard.js';

const runRedis = serverGate('Redis', REDIS_URL, await redisReachable());
const keyPrefix = `mfakit-faults-o${uniqueSuffix()}:`;
/** The removal script's hash: what its EVALSHA carries on the wire. */
const removalSha = createHash('sha1').update(REDIS_STORE_SCRIPTS.removeLoginFactors).digest('hex');

describe.runIf(runRedis)('faults: disable and recovery are one script on Redis', () => {
  const direct = new Redis(REDIS_URL);
  let proxy: TcpProxy;
  let faultyClient: Redis;
  let directStore: MfaStore;
  let faultyStore: MfaStore;
  beforeAll(async () => {
    const url = new URL(REDIS_URL);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 6379) });
    faultyClient = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, retryStrategy: () => 5 });
    faultyClient.on('error', () => {});
    directStore = createRedisStore({ redis: direct, keyPrefix });
    faultyStore = createRedisStore({ redis: faultyClient, keyPrefix });
    // Both stores past their first-use server check, so the held script is the removal's own.
    await Promise.all([directStore.getAccount('warm-up'), faultyStore.getAccount('warm-up')]);
    // In the server's script cache, so the held EVALSHA runs (no NOSCRIPT round after it).
    await direct.script('LOAD', REDIS_STORE_SCRIPTS.removeLoginFactors);
  });
  afterAll(async () => {
    faultyClient.disconnect();
    await proxy.close();
    await deleteRedisKeys(direct, keyPrefix);
    direct.disconnect();
  });

  /**
   * Runs `call` with the removal script held until `meanwhile` has run, then lets it through and
   * starts an outage after its reply; ends the outage and waits for the client to reconnect.
   */
  async function heldRemoval<T>(call: () => Promise<T>, meanwhile: () => Promise<void>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    const fired = proxy.arm({ kind: 'hold', match: removalSha, until, outageAfterReply: true });
    const guard = guardProcess();
    try {
      const outcome = call().then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
      await fired;
      await meanwhile();
      release();
      const result = await outcome;
      await new Promise((r) => setTimeout(r, 20));
      expect(guard.escaped, 'nothing escaped').toEqual([]);
      return result;
    } finally {
      guard.stop();
      proxy.disarm();
      proxy.restore();
      await faultyClient.ping().catch(() => faultyClient.ping());
    }
  }

  test('a grant minted while disable waits for its script is revoked with the factors, even when everything after the script is lost', async () => {
    let t = Date.UTC(2026, 4, 1, 9, 0, 0);
    const now = () => t;
    const events: MfaEvent[] = [];
    const options = faultSweepServiceOptions(now, events);
    const app = createMfaService({ ...options, store: directStore });
    const faulty = createMfaService({ ...options, store: faultyStore });
    const a = `acct-${uniqueSuffix()}`;
    const pending = await app.startAuthenticatorEnrolment(a);
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    const confirmed = await app.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now }));
    if (!confirmed.ok || confirmed.stepUp === null) throw new Error('set-up failed');
    t += 30_000;

    let racing: string | undefined;
    const outcome = await heldRemoval(
      () => faulty.disable(a, { confirmation: 'disable', stepUpToken: confirmed.stepUp!.token }),
      async () => {
        // A login of the same user on another app server, while the disable's script is on its way.
        const verified = await app.verify(a, generateTotp(secret, { now }));
        if (!verified.ok) throw new Error(`the racing login failed: ${verified.reason}`);
        racing = verified.stepUp.token;
      },
    );
    expect(outcome.ok, 'the disable succeeded (its script ran)').toBe(true);
    expect(events.filter((e) => e.type === 'mfa-disabled')).toHaveLength(1);
    expect((await directStore.listFactors(a)).filter((f) => f.role === 'login')).toEqual([]);
    const generation = await directStore.getChallenge(`stepup:${a}`, t);
    expect(generation !== null && generation.data['generation'] === racing!.split('.')[3], 'MFA is off: the racing grant is revoked').toBe(false);
  });

  function challenge(accountId: string, purpose: string, at: number): MfaChallengeRecord {
    return { v: 1, id: `rec_${uniqueSuffix()}`, accountId, purpose, data: {}, createdAt: at, expiresAt: at + 600_000, revision: 0 };
  }

  test('a recovery challenge started while recovery waits for its script is revoked with the factors', async () => {
    const at = Date.now();
    const a = `acct-${uniqueSuffix()}`;
    await directStore.createAccount({ v: 1, id: a, createdAt: at, updatedAt: at, revision: 0, data: {} });
    await directStore.insertFactor({
      v: 1, id: `f_${uniqueSuffix()}`, accountId: a, kind: 'totp', role: 'login', name: 'Phone', createdAt: at, lastUsedAt: null, lastStep: -1, revision: 0, data: {},
    });
    const started = challenge(a, 'ssh-recovery', at);
    const outcome = await heldRemoval(
      () => faultyStore.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up', 'ssh-recovery'], account: { data: { mark: 1 }, updatedAt: at, expectedRevision: 0 } }),
      () => directStore.putChallenge(started),
    );
    expect(outcome.ok && outcome.value.removed, 'the recovery removed the factors').toBe(true);
    expect(await directStore.listFactors(a)).toEqual([]);
    expect(await directStore.getChallenge(started.id, at), 'the outstanding recovery challenge went with them').toBeNull();
    expect(await directStore.consumeChallenge(started.id, { purpose: 'ssh-recovery', now: at })).toBeNull();
  });

  test('a recovery whose account changed while its script waited changes nothing, the revocations included', async () => {
    const at = Date.now();
    const a = `acct-${uniqueSuffix()}`;
    await directStore.createAccount({ v: 1, id: a, createdAt: at, updatedAt: at, revision: 0, data: {} });
    const grant = challenge(a, 'step-up', at);
    await directStore.putChallenge(grant);
    const outcome = await heldRemoval(
      () => faultyStore.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up'], account: { data: { mark: 1 }, updatedAt: at, expectedRevision: 0 } }),
      async () => {
        expect(await directStore.compareAndSetAccount({ v: 1, id: a, createdAt: at, updatedAt: at + 1, revision: 0, data: { other: 1 } }, 0)).toBe(true);
      },
    );
    expect(outcome.ok && !outcome.value.removed, 'a stale revision: removed false').toBe(true);
    expect(await directStore.getChallenge(grant.id, at), 'nothing at all changed: the grant is still there').not.toBeNull();
  });
});
