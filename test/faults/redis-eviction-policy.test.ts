/**
 * Redis with an `allkeys-*` eviction policy fails open: under memory pressure it evicts factors
 * and backup codes, and those accounts read as having no MFA. The store refuses such a server
 * (typed error naming the fix) unless the app accepts it explicitly. A second redis-server, started
 * here on a free port with `maxmemory-policy allkeys-lru`, stands for the misconfigured server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { hasCommand, requirementsGate } from '../support/requirements.js';
import { uniqueSuffix } from '../stores/fixtures/servers.js';

const run = requirementsGate('Redis eviction policy', hasCommand('redis-server') ? [] : ['redis-server']);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

describe.runIf(run)('faults: Redis with an allkeys-* eviction policy', () => {
  let server: ChildProcess;
  let redis: Redis;
  const keyPrefix = `mfakit-faults-evict-${uniqueSuffix()}:`;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'], {
      stdio: 'ignore',
    });
    redis = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n > 50 ? null : 100) });
    redis.on('error', () => {});
    await redis.ping();
  });

  afterAll(async () => {
    redis?.disconnect();
    server?.kill('SIGTERM');
  });

  test('refused: every operation rejects with STORE_MISCONFIGURED naming the fix, and writes nothing', async () => {
    const store = createRedisStore({ redis, keyPrefix });
    const error = await rejection(store.listFactors('user-1'));
    expect(error).toBeInstanceOf(MfaError);
    expect((error as MfaError).code).toBe('STORE_MISCONFIGURED');
    expect((error as MfaError).message).toMatch(/allkeys-lru.*maxmemory-policy noeviction.*allowAllKeysEviction: true/s);
    const write = await rejection(store.createAccount({ v: MFA_RECORD_VERSION, id: 'user-1', createdAt: 1, updatedAt: 1, revision: 0, data: {} }));
    expect((write as MfaError).code).toBe('STORE_MISCONFIGURED');
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([]);
    expect(((await rejection(store.checkServer())) as MfaError).code).toBe('STORE_MISCONFIGURED');
  });

  test('accepted explicitly: allowAllKeysEviction lets it run', async () => {
    const store = createRedisStore({ redis, keyPrefix, allowAllKeysEviction: true });
    expect(await store.createAccount({ v: MFA_RECORD_VERSION, id: 'user-2', createdAt: 1, updatedAt: 1, revision: 0, data: {} })).toBe(true);
    await store.checkServer();
  });

  test('fixed on the server (volatile-lru, then noeviction): the same store runs', async () => {
    const store = createRedisStore({ redis, keyPrefix });
    expect(((await rejection(store.countBackupCodes('user-3'))) as MfaError).code).toBe('STORE_MISCONFIGURED');
    await redis.config('SET', 'maxmemory-policy', 'volatile-lru');
    expect(await store.countBackupCodes('user-3')).toBe(0);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await createRedisStore({ redis, keyPrefix }).countBackupCodes('user-3')).toBe(0);
  });

  test('asked once: after the check passed (at start-up or on first use) no operation asks again', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const asked = { count: 0 };
    const info = redis.info.bind(redis);
    redis.info = ((...args: Parameters<Redis['info']>) => {
      asked.count++;
      return info(...args);
    }) as Redis['info'];
    try {
      const store = createRedisStore({ redis, keyPrefix });
      await Promise.all([store.countBackupCodes('user-4'), store.listFactors('user-4'), store.getAccount('user-4')]);
      expect(asked.count, 'concurrent first uses share one check').toBe(1);
      await store.checkServer();
      await store.countBackupCodes('user-4');
      expect(asked.count, 'not asked again').toBe(1);
    } finally {
      delete (redis as Partial<Redis>).info; // the prototype's again
    }
  });
});
