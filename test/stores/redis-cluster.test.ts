/**
 * The Redis store on a real 6-node Redis Cluster (3 masters with a replica each), started here:
 * the whole conformance suite, races included, and a master failover that gives typed errors for
 * a while and then recovers with nothing accepted twice.
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { MfaError } from '../../src/errors.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { createRedisStore, type RedisStore } from '../../src/stores/redis/index.js';
import { redisClusterToolsInstalled, startRedisCluster, type RunningRedisCluster } from './fixtures/redis-cluster.js';
import { clusterSlot, uniqueSuffix } from './fixtures/servers.js';

const installed = redisClusterToolsInstalled();
if (!installed) {
  console.warn('[mfakit] skipping Redis Cluster tests: redis-server / redis-cli are not installed (see .ci/run)');
  if (process.env.CI === 'true') test('redis-server and redis-cli are installed (required under CI=true)', () => expect(installed).toBe(true));
}

describe.runIf(installed)('stores/redis on a 6-node Redis Cluster', () => {
  let cluster: RunningRedisCluster;
  let client: Cluster;
  let store: RedisStore;
  const keyPrefix = `mfakit-cluster-${uniqueSuffix()}:`;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = new Cluster(cluster.nodes.map((n) => ({ host: n.host, port: n.port })), {
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 2000 },
    });
    client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      setTimeout(() => reject(new Error('the cluster client did not become ready in 20 s')), 20_000);
    });
    store = createRedisStore({ redis: client, keyPrefix });
    await store.checkServer();
  }, 120_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  test('the cluster has three masters owning all 16384 slots', async () => {
    const slots = (await client.cluster('SLOTS')) as unknown as [number, number, ...unknown[]][];
    expect(slots.reduce((n, [from, to]) => n + (to - from + 1), 0)).toBe(16384);
    expect(new Set(slots.map((s) => JSON.stringify(s[2]))).size).toBe(3);
  });

  describe('conformance suite on the cluster', () => {
    for (const c of storeConformanceCases(() => store)) test(c.name, c.run);
  });

  test('the accounts of one run spread over several slots (the suite did not pass on one node by luck)', () => {
    const slots = new Set(Array.from({ length: 50 }, (_, i) => clusterSlot(`${keyPrefix}{a:acct-${i}}`) >> 12));
    expect(slots.size).toBeGreaterThan(1);
  });

  test('a master failover: typed STORE_ERROR or success while it lasts, then recovery, and a consumed code is never consumed again', async () => {
    const accountId = `acct-failover-${uniqueSuffix()}`;
    await store.replaceBackupCodes(accountId, [{ v: MFA_RECORD_VERSION, accountId, setId: 's1', id: 'c1', hash: 'h', createdAt: Date.now() }]);
    expect(await store.consumeBackupCode(accountId, 'c1')).toBe(true);
    // Kill the master that owns this account's slot.
    const slot = clusterSlot(`${keyPrefix}{a:${accountId}}`);
    const slots = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]], ...unknown[]][];
    const owner = slots.find(([from, to]) => slot >= from && slot <= to)!;
    cluster.kill(owner[2][1]);
    const started = Date.now();
    let errors = 0;
    let recovered = false;
    // The replica takes over after the node timeout (2 s here); on a loaded machine, allow a minute.
    while (Date.now() - started < 60_000) {
      try {
        // The dead master cannot answer: the first answer comes from the promoted replica.
        expect(await store.consumeBackupCode(accountId, 'c1')).toBe(false);
        recovered = true;
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(MfaError);
        expect((error as MfaError).code).toBe('STORE_ERROR');
        errors++;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    console.info(`[mfakit] Redis Cluster failover: ${errors} typed STORE_ERROR(s) over ${Date.now() - started} ms, then recovered`);
    // After the failover the replica serves the account, and the code stays used.
    expect(await store.consumeBackupCode(accountId, 'c1')).toBe(false);
    expect(await store.countBackupCodes(accountId)).toBe(0);
  }, 120_000);
});
