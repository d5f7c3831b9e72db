/**
 * Faults (issue 18, failure 3): on Redis an account's challenge is two writes in two hash slots.
 * One failed index write while the first enrolment stored the account's step-up generation made
 * the confirmation return `stepUp: null`, and left the generation stored but unlisted: `disable`
 * (which found the account's grants through the index) never revoked the tokens minted from it,
 * for the record's 400-day life. Now the record lives in the account's slot (revoked by the
 * account's own script) and its id's key only points to it; a grant the first write could not give
 * is asked for once more. Each of the two writes is failed in turn, against the real Redis, the
 * failure injected at the client: that script's EVALSHA rejected once, as a connection failing at
 * that command would (in a pipeline: answered NOSCRIPT, then the reload rejected).
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import { createMfaService } from '../../src/service/service.js';
import { createRedisStore, REDIS_STORE_SCRIPTS } from '../../src/stores/redis/index.js';
import { deleteRedisKeys, REDIS_URL, redisReachable, serverGate, uniqueSuffix } from '../stores/fixtures/servers.js';

const runRedis = serverGate('Redis', REDIS_URL, await redisReachable());
const keyPrefix = `mfakit-faults-ix${uniqueSuffix()}:`;
const shaOf = (name: 'putChallengeOwner' | 'putAccountChallenge') => createHash('sha1').update(REDIS_STORE_SCRIPTS[name]).digest('hex');

describe.runIf(runRedis)('faults: Redis, one of the two writes of the step-up generation fails', () => {
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await deleteRedisKeys(redis, keyPrefix);
    redis.disconnect();
  });

  test.each(['putChallengeOwner', 'putAccountChallenge'] as const)('%s fails once: the confirmation still gives a grant, and disable revokes every grant of the account', async (script) => {
    const INDEX_SHA = shaOf(script);
    // The client fails the next write of that script, once.
    let failNextIndexWrite = false;
    const client = redis as unknown as { evalsha: (...args: unknown[]) => Promise<unknown>; pipeline: () => { evalsha: (...args: unknown[]) => unknown } };
    const evalsha = client.evalsha.bind(redis);
    client.evalsha = (...args: unknown[]) => {
      if (failNextIndexWrite && args[0] === INDEX_SHA) {
        failNextIndexWrite = false;
        return Promise.reject(new Error('injected: the write failed'));
      }
      return evalsha(...args);
    };
    const pipeline = client.pipeline.bind(redis);
    client.pipeline = () => {
      const p = pipeline();
      const queue = p.evalsha.bind(p);
      p.evalsha = (...args: unknown[]) => queue(...(failNextIndexWrite && args[0] === INDEX_SHA ? ['0'.repeat(40), ...args.slice(1)] : args));
      return p;
    };
    // The real time (the old design set Redis expiries from the app's clock: failure 4).
    let t = Date.now();
    const now = () => t;
    const service = createMfaService({
      issuer: 'Faults',
      store: createRedisStore({ redis, keyPrefix }),
      now,
      keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(3) } },
      backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 }, count: 4 },
    });
    const a = `acct-${uniqueSuffix()}`;
    const pending = await service.startAuthenticatorEnrolment(a);
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    failNextIndexWrite = true;
    const confirmed = await service.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now }));
    expect(failNextIndexWrite, 'the injected failure fired').toBe(false);
    client.evalsha = evalsha;
    client.pipeline = pipeline;
    if (!confirmed.ok) throw new Error('confirmation failed');
    expect(confirmed.stepUp, 'the first factor earns a grant despite the failed write').not.toBeNull();
    const fromConfirmation = confirmed.stepUp!.token;
    t += 30_000;
    const verified = await service.verify(a, generateTotp(secret, { now }));
    if (!verified.ok) throw new Error(`login refused: ${verified.reason}`);
    const fromLogin = verified.stepUp.token;
    expect(await service.hasRecentStepUp(a, fromLogin)).toBe(true);

    await service.disable(a, { confirmation: 'disable', stepUpToken: fromLogin });
    expect(await service.hasRecentStepUp(a, fromConfirmation), 'the confirmation grant is revoked').toBe(false);
    expect(await service.hasRecentStepUp(a, fromLogin), 'the login grant is revoked').toBe(false);
    // Enabled again: the grants minted before stay dead.
    const again = await service.startAuthenticatorEnrolment(a);
    const secret2 = decodeBase32Secret(again.manualKey.replace(/ /g, ''));
    t += 30_000;
    expect((await service.confirmEnrolment(a, again.enrolmentId, generateTotp(secret2, { now }))).ok).toBe(true);
    expect(await service.hasRecentStepUp(a, fromLogin), 'still revoked after enabling again').toBe(false);
  });
});
