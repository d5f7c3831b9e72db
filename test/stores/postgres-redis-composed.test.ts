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
import { createMfaService } from '../../src/service/service.js';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
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

// A backup code's tombstone lives in the challenge store (Redis) and is written just before the
// code is consumed in the durable store (PostgreSQL); a login reads both in parallel. When a use
// lands between the login's two reads, the login finds neither the code nor its tombstone, and
// must read the tombstone again (src/service/kinds/backup-codes.ts) or the loser of the race is
// told `mismatch`. The 50-way race of the conformance suite reaches this interleaving only by
// chance; here the login's PostgreSQL read is held at a gate (as a busy pool holds it) while the
// winner uses the code.
describe.runIf(run)('composed store: a login read racing the use of the backup code it reads', () => {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  pool.on('error', () => {});
  const redis = new Redis(REDIS_URL);
  const prefix = `c${uniqueSuffix()}_`;
  const keys = `mfakit-test-c${uniqueSuffix()}:`;
  let durable: MfaStore;
  let fast: MfaStore;

  beforeAll(async () => {
    await migrate(pool, { tablePrefix: prefix });
    durable = createPostgresStore({ pool, tablePrefix: prefix });
    fast = createRedisStore({ redis, keyPrefix: keys });
  });
  afterAll(async () => {
    await dropPostgresTables(pool, prefix);
    await deleteRedisKeys(redis, keys);
    await pool.end();
    redis.disconnect();
  });

  /** The durable store, whose `chargeAttempts` waits for `release()` once it was called. */
  function gated(): { store: MfaStore; entered: Promise<void>; release: () => void } {
    let enter!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    const open = new Promise<void>((resolve) => (release = resolve));
    const store = new Proxy(durable, {
      get(target, key) {
        if (key === 'chargeAttempts') {
          return async (...args: Parameters<MfaStore['chargeAttempts']>) => {
            enter();
            await open;
            return target.chargeAttempts(...args);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { store, entered, release };
  }

  const FAST_KDF = { algorithm: 'pbkdf2-sha256', iterations: 1000 } as const;
  const serviceOn = (store: MfaStore, events: string[] = []) =>
    createMfaService({
      issuer: 'Composed race',
      store,
      keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } },
      backupCodes: { kdf: FAST_KDF, count: 4 },
      events: (e) => void events.push(`${e.type}${e.reason === undefined ? '' : ` ${e.reason}`}`),
    });

  test('service: the loser of a race for one backup code is told replayed (and raises replay-refused), not mismatch', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const winner = serviceOn(composeStores({ counters: fast, challenges: fast, durable }));
    const pending = await winner.startAuthenticatorEnrolment(a);
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    const confirmed = await winner.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret));
    const code = confirmed.ok ? confirmed.backupCodes?.[0] ?? '' : '';
    const gate = gated();
    const events: string[] = [];
    const loser = serviceOn(composeStores({ counters: fast, challenges: fast, durable: gate.store }), events);
    const losing = loser.verify(a, code);
    await gate.entered;
    expect(await winner.verify(a, code)).toMatchObject({ ok: true, kind: 'backup-codes' });
    gate.release();
    expect(await losing).toEqual({ ok: false, reason: 'replayed' });
    expect(events).toEqual(['replay-refused replayed']);
  });
});
