/**
 * Calling the store's Lua scripts by hash: `EVALSHA` first (one round trip, no script text on the
 * wire); when the server answers `NOSCRIPT` (first call, restart, failover, a new cluster node),
 * `EVAL` sends the text once, which also caches it for the next `EVALSHA`.
 * @module
 */
import { sha1 } from '@noble/hashes/legacy.js';
import type { Cluster, Redis } from 'ioredis';
import { MfaError } from '../../errors.js';
import { bytesToHex, utf8ToBytes } from '../../internal/bytes.js';
import { REDIS_STORE_SCRIPTS, type RedisStoreScriptName } from './scripts.js';

/**
 * The client the store talks to: a standalone `Redis` or a `Cluster` of ioredis.
 *
 * @example
 * ```ts
 * import { Cluster } from 'ioredis';
 * const redis: RedisClientLike = new Cluster([{ host: 'redis-1', port: 6379 }]);
 * ```
 */
export type RedisClientLike = Redis | Cluster;

/** The SHA-1 of every script (what `EVALSHA` names it by), computed once; `@noble/hashes`, not
 * `node:crypto`, so the store also loads on runtimes without Node's modules. */
const SHAS: Record<RedisStoreScriptName, string> = Object.fromEntries(
  Object.entries(REDIS_STORE_SCRIPTS).map(([name, source]) => [name, bytesToHex(sha1(utf8ToBytes(source)))]),
) as Record<RedisStoreScriptName, string>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns a driver or script error into an `MfaError`. */
export function redisError(operation: string, error: unknown): MfaError {
  if (error instanceof MfaError) return error;
  const message = messageOf(error);
  if (/MFAKIT_CORRUPT|WRONGTYPE/.test(message)) {
    return new MfaError('STORE_CORRUPT', `Redis store: ${operation}: stored value is corrupt (${message})`, { cause: error });
  }
  return new MfaError('STORE_ERROR', `Redis store: ${operation} failed`, { cause: error });
}

/**
 * Runs a named script with its keys and arguments. The driver's promise is returned as it is
 * (with a handler for failures): no async frame of its own on the login path.
 */
export function runScript(
  redis: RedisClientLike,
  name: RedisStoreScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sent: Promise<unknown>;
  try {
    sent = redis.evalsha(SHAS[name], keys.length, ...keys, ...args);
  } catch (error) {
    return Promise.reject(redisError(name, error));
  }
  return sent.catch((error: unknown) => {
    if (!messageOf(error).startsWith('NOSCRIPT')) throw redisError(name, error);
    // The script cache was flushed (first use, a restart, a failover): the text, cached again.
    return redis.eval(REDIS_STORE_SCRIPTS[name], keys.length, ...keys, ...args).catch((again: unknown) => {
      throw redisError(name, again);
    });
  });
}

/** Runs a plain command through `call`, mapping errors. */
export async function runCommand<T>(operation: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw redisError(operation, error);
  }
}

/**
 * Runs a named script and reads hashes beside it, in ONE write to the socket (a pipeline) on a
 * single server, so the reads cost no extra round trip and no extra system call; on a cluster the
 * keys live in different slots (a pipeline must stay in one), so the reads go in parallel instead.
 * Returns the script's reply and each hash (`{}` when absent).
 */
export function runScriptReading(
  redis: RedisClientLike,
  name: RedisStoreScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
  hashKeys: readonly string[],
): Promise<[unknown, Record<string, string>[]]> {
  if (hashKeys.length === 0) return runScript(redis, name, keys, args).then((reply) => [reply, []]);
  if ('nodes' in redis) {
    return Promise.all([
      runScript(redis, name, keys, args),
      Promise.all(hashKeys.map((key) => runCommand(name, () => redis.hgetall(key)))),
    ]);
  }
  const pipeline = redis.pipeline();
  pipeline.evalsha(SHAS[name], keys.length, ...keys, ...args);
  for (const key of hashKeys) pipeline.hgetall(key);
  return pipeline.exec().then(
    (replies): [unknown, Record<string, string>[]] | Promise<[unknown, Record<string, string>[]]> => {
      if (replies === null || replies.length !== 1 + hashKeys.length) throw redisError(name, new Error('the pipeline returned no replies'));
      const hashes: Record<string, string>[] = new Array<Record<string, string>>(hashKeys.length);
      for (let i = 0; i < hashKeys.length; i++) {
        const [error, hash] = replies[i + 1]!;
        if (error !== null) throw redisError(name, error);
        hashes[i] = hash as Record<string, string>;
      }
      const [scriptError, reply] = replies[0]!;
      if (scriptError === null) return [reply, hashes];
      // The script cache was flushed (a restart, a failover): the script alone, loaded again.
      if (!messageOf(scriptError).startsWith('NOSCRIPT')) throw redisError(name, scriptError);
      return runScript(redis, name, keys, args).then((again) => [again, hashes]);
    },
    (error: unknown) => {
      throw redisError(name, error);
    },
  );
}

/** One script call: name, keys, arguments. */
export interface ScriptCall {
  readonly name: RedisStoreScriptName;
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}
