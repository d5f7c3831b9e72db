import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { composeStores } from '../../src/stores/composed/index.js';
import { createPostgresStore, migrate } from '../../src/stores/postgres/index.js';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import type { MfaStore } from '../../src/store/contract.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import {
  deleteRedisKeys,
  dropPostgresTables,
  PG_URL,
  postgresReachable,
  REDIS_URL,
  redisReachable,
  serverGate,
  uniqueSuffix,
} from './fixtures/servers.js';

const [pgUp, redisUp] = await Promise.all([postgresReachable(), redisReachable()]);
const run = serverGate('PostgreSQL', PG_URL, pgUp) && serverGate('Redis', REDIS_URL, redisUp);
const suffix = uniqueSuffix();
const tablePrefix = `c${suffix}_`;
const keyPrefix = `mfakit-test-c${suffix}:`;

describe.runIf(run)('composed store: Redis for counters and challenges, PostgreSQL for the rest', () => {
  // Ten connections: the 50-connection races run in postgres.test.ts; this file shares the
  // server's max_connections with it when vitest runs both at once.
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
  pool.on('error', () => {});
  const redis = new Redis(REDIS_URL);
  let store: MfaStore;

  beforeAll(async () => {
    await migrate(pool, { tablePrefix });
    const fast = createRedisStore({ redis, keyPrefix });
    store = composeStores({ counters: fast, challenges: fast, durable: createPostgresStore({ pool, tablePrefix }) });
  });

  afterAll(async () => {
    await dropPostgresTables(pool, tablePrefix);
    await deleteRedisKeys(redis, keyPrefix);
    await pool.end();
    redis.disconnect();
  });

  for (const c of storeConformanceCases(() => store)) test(c.name, c.run);

  test('each record lands in the store it belongs to', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const now = Date.now();
    await store.replaceBackupCodes(a, [{ v: MFA_RECORD_VERSION, accountId: a, setId: 's', id: 'k1', hash: '$h', createdAt: now }]);
    await store.putChallenge({ v: MFA_RECORD_VERSION, id: `c-${a}`, accountId: a, purpose: 'p', data: {}, createdAt: now, expiresAt: now + 60_000, revision: 0 });
    await store.incrementCounter(`n-${a}`, { ttlMs: 60_000, now });
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${tablePrefix}backup_codes WHERE account_id = $1`, [a])).rows[0].n).toBe(1);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${tablePrefix}challenges`)).rows[0].n).toBe(0);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${tablePrefix}counters`)).rows[0].n).toBe(0);
    expect(await redis.exists(`${keyPrefix}{c:c-${a}}:challenge`, `${keyPrefix}{k:n-${a}}:counter`)).toBe(2);
    await store.deleteAccount(a);
    expect(await redis.exists(`${keyPrefix}{c:c-${a}}:challenge`)).toBe(0);
  });

  test('composeStores refuses a missing part', () => {
    expect(() => composeStores({ counters: store, challenges: store } as never)).toThrow(MfaError);
  });
});
