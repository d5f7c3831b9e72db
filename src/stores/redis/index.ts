/**
 * `mfakit/stores/redis`: the storage contract on Redis, over the app's own ioredis client (Node
 * only; `ioredis` is an optional peer dependency, and this subpath never imports it at runtime:
 * the app passes its client in). Atomic operations are Lua scripts called by hash; keys of one
 * account share a hash tag, so Redis Cluster works too.
 *
 * Durability caveat: without AOF `appendfsync always`, Redis can lose acknowledged writes on a
 * crash (and all of them without persistence), so a consumed backup code or an accepted TOTP step
 * may be accepted again. Keep those in PostgreSQL and use Redis for counters and challenges with
 * `composeStores` (`mfakit/stores/composed`).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisStore } from 'mfakit/stores/redis';
 * const store = createRedisStore({ redis: new Redis(process.env.REDIS_URL!) });
 * ```
 * @module mfakit/stores/redis
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { RedisStore, createRedisStore, type RedisStoreOptions } from './redis-store.js';
export type { RedisClientLike } from './script-runner.js';
export { REDIS_STORE_SCRIPTS, type RedisStoreScriptName } from './scripts.js';
