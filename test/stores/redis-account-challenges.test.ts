/**
 * The Redis store keeps an account's challenges in the account's slot (a hash of record JSON), and
 * only a pointer under the challenge id's own tag. Bad data there is an MfaError on every path that
 * reads it (by id, through the pointer, in a login's charge, in a list), never a crash or an
 * accepted record; and the pointer alone never makes a record.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { challenge, factor, rejectsWith } from '../support/store-records.js';
import { deleteRedisKeys, REDIS_URL, redisReachable, serverGate, uniqueSuffix } from './fixtures/servers.js';

const run = serverGate('Redis', REDIS_URL, await redisReachable());
const keyPrefix = `mfakit-test-ac${uniqueSuffix()}:`;

describe.runIf(run)("stores/redis: an account's challenges", () => {
  const redis = new Redis(REDIS_URL);
  const store = createRedisStore({ redis, keyPrefix });
  afterAll(async () => {
    await deleteRedisKeys(redis, keyPrefix);
    redis.disconnect();
  });

  test('a truncated record: STORE_CORRUPT by id, in a charge, in a list, on consume and on disable', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const c = challenge({ accountId: a, purpose: 'step-up' });
    await store.putChallenge(c);
    const key = `${keyPrefix}{a:${a}}:challenges`;
    await redis.hset(key, c.id, (await redis.hget(key, c.id))!.slice(0, 20));
    const now = Date.now();
    await rejectsWith(store.getChallenge(c.id, now), 'STORE_CORRUPT');
    await rejectsWith(store.chargeAttempts(a, [], { now, withChallenges: [c.id] }), 'STORE_CORRUPT');
    await rejectsWith(store.listChallenges(a, 'step-up', now), 'STORE_CORRUPT');
    await rejectsWith(store.consumeChallenge(c.id, { purpose: 'step-up', now }), 'STORE_CORRUPT');
    await rejectsWith(store.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up'] }), 'STORE_CORRUPT');
  });

  test('an unknown schema version: STORE_SCHEMA_VERSION', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const c = challenge({ accountId: a });
    await store.putChallenge(c);
    await redis.hset(`${keyPrefix}{a:${a}}:challenges`, c.id, JSON.stringify({ ...c, v: 3 }));
    await rejectsWith(store.getChallenge(c.id, Date.now()), 'STORE_SCHEMA_VERSION');
  });

  test('a record stored under another id or account: STORE_CORRUPT, never the other record', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const c = challenge({ accountId: a });
    const other = challenge({ accountId: `acct-${uniqueSuffix()}` });
    await store.putChallenge(c);
    await redis.hset(`${keyPrefix}{a:${a}}:challenges`, c.id, JSON.stringify({ ...other, id: c.id }));
    await rejectsWith(store.getChallenge(c.id, Date.now()), 'STORE_CORRUPT');
  });

  test("a pointer whose record is gone reads as absent; the record is the account's to revoke", async () => {
    const a = `acct-${uniqueSuffix()}`;
    const c = challenge({ accountId: a, purpose: 'ssh-recovery' });
    await store.putChallenge(c);
    expect(await redis.hgetall(`${keyPrefix}{c:${c.id}}:challenge`)).toEqual({ owner: a });
    expect(await store.deleteChallenges(a, 'ssh-recovery')).toBe(1);
    expect(await store.getChallenge(c.id, Date.now())).toBeNull();
    expect(await store.consumeChallenge(c.id, { purpose: 'ssh-recovery', now: Date.now() })).toBeNull();
    expect((await store.chargeAttempts(a, [], { now: Date.now(), withChallenges: [c.id] })).challenges).toEqual([null]);
  });

  test('a challenge put again under its id for another account, or for none, replaces the first one (as putChallenge says)', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const b = `acct-${uniqueSuffix()}`;
    const id = `c-${uniqueSuffix()}`;
    const now = Date.now();
    await store.putChallenge(challenge({ id, accountId: a, purpose: 'p' }));
    await store.putChallenge(challenge({ id, accountId: b, purpose: 'p' }));
    expect(await store.listChallenges(a, 'p', now)).toEqual([]);
    expect((await store.chargeAttempts(a, [], { now, withChallenges: [id] })).challenges?.map((c) => c?.accountId)).toEqual([b]);
    await store.putChallenge(challenge({ id, accountId: null, purpose: 'p' }));
    expect(await store.listChallenges(b, 'p', now)).toEqual([]);
    expect((await store.chargeAttempts(b, [], { now, withChallenges: [id] })).challenges?.map((c) => c?.accountId)).toEqual([null]);
    expect((await store.consumeChallenge(id, { purpose: 'p', now }))?.accountId).toBeNull();
  });

  // A Lua script that fails midway keeps the writes it made before the error (Redis does not roll
  // a script back): a corrupt record must stop each script before its first write.
  test('a corrupt record stops disable/recovery before it changes anything (account, factors, codes, challenges)', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    await store.createAccount({ v: 1, id: a, createdAt: now, updatedAt: now, revision: 0, data: {} });
    const f = factor(a);
    expect(await store.insertFactor(f)).toBe(true);
    await store.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: 'h', createdAt: now }]);
    const grant = challenge({ accountId: a, purpose: 'step-up' });
    const broken = challenge({ accountId: a, purpose: 'other' });
    await store.putChallenge(grant);
    await store.putChallenge(broken);
    await redis.hset(`${keyPrefix}{a:${a}}:challenges`, broken.id, '{"purpose":"other"');
    await rejectsWith(
      store.removeLoginFactors({ accountId: a, revokeChallengePurposes: ['step-up'], account: { expectedRevision: 0, updatedAt: now + 1, data: { reenrol: true } } }),
      'STORE_CORRUPT',
    );
    expect((await store.getAccount(a))?.revision).toBe(0);
    expect((await store.listFactors(a)).map((x) => x.id)).toEqual([f.id]);
    expect(await store.countBackupCodes(a)).toBe(1);
    expect(await redis.hexists(`${keyPrefix}{a:${a}}:challenges`, grant.id)).toBe(1);
  });

  test('a corrupt record: putChallenge and deleteChallenges fail without writing', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const key = `${keyPrefix}{a:${a}}:challenges`;
    const kept = challenge({ accountId: a, purpose: 'step-up' });
    await store.putChallenge(kept);
    const broken = challenge({ accountId: a, purpose: 'step-up' });
    await store.putChallenge(broken);
    await redis.hset(key, broken.id, 'not json');
    const fresh = challenge({ accountId: a, purpose: 'step-up' });
    await rejectsWith(store.putChallenge(fresh), 'STORE_CORRUPT');
    expect(await redis.hexists(key, fresh.id)).toBe(0);
    await rejectsWith(store.deleteChallenges(a, 'step-up'), 'STORE_CORRUPT');
    expect(await redis.hexists(key, kept.id)).toBe(1);
  });
});

describe.runIf(run)("stores/redis: an account challenge's pointer when a write fails", () => {
  const admin = new Redis(REDIS_URL);
  const adminStore = createRedisStore({ redis: admin, keyPrefix });
  // A real server fault: a user of this Redis that may write the account's slot but not the
  // challenge id's (NOPERM), so the cross-slot write fails while the account's succeeds.
  const user = `mfakit-test-acl-${uniqueSuffix()}`;
  let limited: Redis;
  let store: ReturnType<typeof createRedisStore>;
  beforeAll(async () => {
    await admin.call('ACL', 'SETUSER', user, 'on', '>pw', '+@all', `~${keyPrefix}{a:*`);
    limited = new Redis(REDIS_URL, { username: user, password: 'pw', maxRetriesPerRequest: 1 });
    store = createRedisStore({ redis: limited, keyPrefix, allowAllKeysEviction: true });
  });
  afterAll(async () => {
    limited?.disconnect();
    await admin.call('ACL', 'DELUSER', user);
    admin.disconnect();
  });

  test("a challenge whose pointer cannot be written is not stored (no record listed, read or revoked that its id cannot find)", async () => {
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    const c = challenge({ accountId: a, purpose: 'remembered-device', createdAt: now, expiresAt: now + 60_000 });
    await rejectsWith(store.putChallenge(c), 'STORE_ERROR');
    expect(await adminStore.listChallenges(a, 'remembered-device', now)).toEqual([]);
    expect((await adminStore.chargeAttempts(a, [], { now, withChallenges: [c.id] })).challenges).toEqual([null]);
  });

  test("a backup code whose tombstone's pointer cannot be written is not used up", async () => {
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    await adminStore.replaceBackupCodes(a, [{ v: 1, accountId: a, setId: 's', id: 'k1', hash: 'h', createdAt: now }]);
    const tombstone = challenge({ id: `backup-code-used:${a}:k1`, accountId: a, purpose: 'backup-code-used', createdAt: now, expiresAt: now + 60_000 });
    await rejectsWith(store.consumeBackupCode(a, 'k1', { tombstone }), 'STORE_ERROR');
    expect(await adminStore.countBackupCodes(a)).toBe(1);
    expect(await adminStore.listChallenges(a, 'backup-code-used', now)).toEqual([]);
  });

  test('a later expiry that cannot reach the pointer changes nothing (the record never outlives its pointer)', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    const c = challenge({ accountId: a, purpose: 'step-up', createdAt: now, expiresAt: now + 60_000 });
    await adminStore.putChallenge(c);
    await rejectsWith(store.compareAndSetChallenge({ ...c, expiresAt: now + 600_000 }, 0, now), 'STORE_ERROR');
    const stored = await adminStore.listChallenges(a, 'step-up', now);
    const pointerTtl = await admin.pttl(`${keyPrefix}{c:${c.id}}:challenge`);
    // Either nothing changed, or the pointer lives as long as the record: never a live record that
    // consume by id cannot reach once the old expiry has passed.
    if (stored[0]?.revision !== 0) expect(pointerTtl).toBeGreaterThan(60_000);
    expect(stored.map((r) => [r.revision, r.expiresAt])).toEqual([[0, now + 60_000]]);
  });
});
