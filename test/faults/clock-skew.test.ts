/**
 * Faults: the app's clock a day behind and a day ahead of the Redis server's (a test clock, a
 * skewed host). Through the service, on a real Redis: a pending enrolment, an SSH recovery
 * challenge and the 24-hour attempt counter live as long as their durations say, on the app's
 * clock, whatever the server's clock says. Before, every expiry was an absolute PEXPIREAT from the
 * app's clock: with the app behind, live records were deleted as they were written.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import { createMfaService, type MfaService } from '../../src/service/service.js';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { deleteRedisKeys, REDIS_URL, redisReachable, serverGate, uniqueSuffix } from '../stores/fixtures/servers.js';

const run = serverGate('Redis', REDIS_URL, await redisReachable());
const keyPrefix = `mfakit-faults-skew-${uniqueSuffix()}:`;
const DAY_MS = 86_400_000;

describe.runIf(run)('faults: app clock skewed against the Redis server', () => {
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await deleteRedisKeys(redis, keyPrefix);
    redis.disconnect();
  });

  function service(skewMs: number, retentionMs?: number): { service: MfaService; now: () => number } {
    // The app's clock: the real time moved by the skew, so the store's TTLs run in real time.
    const now = () => Date.now() + skewMs;
    const store = createRedisStore({ redis, keyPrefix, ...(retentionMs === undefined ? {} : { expiredEnrolmentRetentionMs: retentionMs }) });
    return {
      now,
      service: createMfaService({
        issuer: 'Skew',
        store,
        now,
        keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } },
        backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 }, count: 4 },
        limits: { freeAttempts: 3, lockAfter: 6, windowMs: DAY_MS },
      }),
    };
  }

  for (const [label, skew] of [['a day behind', -DAY_MS], ['a day ahead of', DAY_MS]] as const) {
    test(`app clock ${label} Redis: an enrolment started is still there to confirm (no ENROLMENT_NOT_FOUND)`, async () => {
      // The shortest retention, so the enrolment key lives only as long as the enrolment itself.
      const { service: s, now } = service(skew, 0);
      const a = `acct-${uniqueSuffix()}`;
      const pending = await s.startAuthenticatorEnrolment(a);
      const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
      const confirmed = await s.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now }));
      expect(confirmed.ok).toBe(true);
    });

    test(`app clock ${label} Redis: 30 wrong guesses meet the throttle (the 24-hour counter is not deleted as it is written)`, async () => {
      const { service: s, now } = service(skew);
      const a = `acct-${uniqueSuffix()}`;
      const pending = await s.startAuthenticatorEnrolment(a);
      const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
      expect((await s.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now }))).ok).toBe(true);
      const right = generateTotp(secret, { now });
      const wrong = right === '000000' ? '111111' : '000000';
      const reasons: string[] = [];
      for (let i = 0; i < 30; i++) {
        const result = await s.verify(a, wrong);
        reasons.push(result.ok ? 'ok' : result.reason);
      }
      // Three free attempts, then delays: at most six guesses are ever checked.
      expect(reasons.filter((r) => r === 'mismatch').length).toBeLessThanOrEqual(6);
      expect(reasons.filter((r) => r === 'throttled' || r === 'locked').length).toBeGreaterThanOrEqual(24);
    });
  }
});
