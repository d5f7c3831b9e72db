/**
 * The Redis eviction policy check. With an `allkeys-*` `maxmemory-policy`, Redis under memory
 * pressure evicts any key, factors and backup codes included, and an account whose factors were
 * evicted silently reads as having no MFA (`mfaRequired: false`): the store fails open. With
 * `noeviction` a full Redis refuses writes (typed `STORE_ERROR`), and a `volatile-*` policy only
 * evicts keys with a TTL (challenges, counters, pending enrolments), never factors, codes or
 * accounts. So the store refuses to run on an `allkeys-*` policy unless the app accepts it.
 * @module
 */
import { MfaError } from '../../errors.js';
import { redisError, type RedisClientLike } from './script-runner.js';

/** The `maxmemory-policy` of every node the client writes to (`INFO memory`, allowed where `CONFIG` is not). */
async function evictionPolicies(redis: RedisClientLike): Promise<string[]> {
  const nodes = 'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis];
  const infos = await Promise.all(nodes.map((node) => node.info('memory')));
  return infos.map((info) => /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'unknown');
}

/** Throws `STORE_MISCONFIGURED` for an `allkeys-*` policy, `STORE_ERROR` when Redis cannot be asked. */
export async function checkEvictionPolicy(redis: RedisClientLike): Promise<void> {
  let policies: string[];
  try {
    policies = await evictionPolicies(redis);
  } catch (error) {
    throw redisError('checkEvictionPolicy', error);
  }
  const unsafe = policies.find((p) => p.startsWith('allkeys-'));
  if (unsafe === undefined) return;
  throw new MfaError(
    'STORE_MISCONFIGURED',
    `Redis maxmemory-policy is ${unsafe}: under memory pressure Redis would evict any key, factors and backup codes ` +
      'included, and those accounts would silently read as having no MFA. Set maxmemory-policy noeviction ' +
      '(CONFIG SET maxmemory-policy noeviction, and in redis.conf or your provider\'s parameter group), or a volatile-* ' +
      'policy; or pass allowAllKeysEviction: true to createRedisStore to accept the risk (see docs/stores.md).',
    { details: { maxmemoryPolicy: unsafe } },
  );
}
