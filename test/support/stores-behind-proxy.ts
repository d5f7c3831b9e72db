/**
 * A real store reached two ways, for the fault tests that cut a connection at each request in
 * turn (test/faults/recovery.test.ts, test/faults/disable-recovery.test.ts): `direct` on its own
 * connection (set-up and checks), `faulty` through a {@link TcpProxy} that the test arms. Each
 * `…BehindProxy` function registers its `beforeAll`/`afterAll` in the enclosing `describe` and
 * returns a getter for the stores, to call inside a test.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { MfaStore } from '../../src/store/contract.js';
import { createPostgresStore, migrate } from '../../src/stores/postgres/index.js';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { TcpProxy } from './tcp-proxy.js';
import { deleteRedisKeys, dropPostgresTables, PG_URL, REDIS_URL } from '../stores/fixtures/servers.js';

/** A PostgreSQL request (simple query, parse or bind) or a Redis command (a RESP array). */
export const isPgRequest = (chunk: Buffer) => chunk[0] === 0x51 || chunk[0] === 0x50 || chunk[0] === 0x42;
export const isRedisCommand = (chunk: Buffer) => chunk[0] === 0x2a;

export interface StoresBehindProxy {
  /** A store on a direct connection (set-up and checks). */
  direct: MfaStore;
  /** A store whose connection goes through the proxy. */
  faulty: MfaStore;
  proxy: TcpProxy;
  /** Which chunks the proxy counts as requests (PostgreSQL or Redis). */
  isRequest: (chunk: Buffer) => boolean;
}

/** PostgreSQL stores (tables `tablePrefix…`, migrated before, dropped after) with a one-connection pool behind the proxy. */
export function postgresBehindProxy(tablePrefix: string): () => StoresBehindProxy {
  const direct = new pg.Pool({ connectionString: PG_URL, max: 2 });
  direct.on('error', () => {});
  let proxy: TcpProxy;
  let faultyPool: pg.Pool;
  beforeAll(async () => {
    await migrate(direct, { tablePrefix });
    const url = new URL(PG_URL);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    faultyPool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    faultyPool.on('error', () => {});
  });
  afterAll(async () => {
    await faultyPool.end().catch(() => {});
    await proxy.close();
    await dropPostgresTables(direct, tablePrefix);
    await direct.end();
  });
  return () => ({
    direct: createPostgresStore({ pool: direct, tablePrefix }),
    faulty: createPostgresStore({ pool: faultyPool, tablePrefix }),
    proxy,
    isRequest: isPgRequest,
  });
}

/** Redis stores (keys `keyPrefix…`, deleted after) with a fail-fast client behind the proxy. */
export function redisBehindProxy(keyPrefix: string): () => StoresBehindProxy {
  const direct = new Redis(REDIS_URL);
  let proxy: TcpProxy;
  let faultyClient: Redis;
  beforeAll(async () => {
    const url = new URL(REDIS_URL);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 6379) });
    // Fail-fast settings (docs/stores.md): a command on a dead connection fails at once instead
    // of waiting for a reconnect, and one that may have reached the server is not sent again.
    faultyClient = new Redis({
      host: '127.0.0.1',
      port: proxy.port,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: () => 5,
    });
    faultyClient.on('error', () => {});
  });
  afterAll(async () => {
    faultyClient.disconnect();
    await proxy.close();
    await deleteRedisKeys(direct, keyPrefix);
    direct.disconnect();
  });
  return () => ({
    direct: createRedisStore({ redis: direct, keyPrefix }),
    faulty: createRedisStore({ redis: faultyClient, keyPrefix }),
    proxy,
    isRequest: isRedisCommand,
  });
}
