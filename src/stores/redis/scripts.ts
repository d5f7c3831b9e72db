/**
 * The Lua scripts of the Redis store: each atomic operation of the contract is one script, run by
 * Redis without interleaving. Every key a script touches is passed in KEYS and shares one hash tag
 * (see `keys.ts`), so the scripts also run on Redis Cluster.
 *
 * Expiry: a key's TTL is always relative (`PEXPIRE`), the record's expiry minus the app's `now`
 * (for a challenge its `createdAt`), both read on the app's clock: a duration, right whatever the
 * server's clock says. An absolute `PEXPIREAT` from the app's clock deleted live records as they
 * were written whenever the app's clock was behind the server's. Reads still compare the stored
 * expiry with the app's `now`, so the TTL only frees memory.
 *
 * Numbers: ids and times arrive as decimal strings. Equality (revisions) is compared as strings;
 * ordering (steps, expiry) with `tonumber` (a double, exact for every safe integer). A stored value
 * that is not a number makes the script fail with `MFAKIT_CORRUPT`, which the store reports as
 * `MfaError('STORE_CORRUPT')`.
 * @module
 */

/** Lua: the fields of one factor in the account's `factors` hash. */
const FACTOR_FIELDS = `local FIELDS = {'v', 'kind', 'role', 'name', 'created', 'used', 'step', 'rev', 'data'}
local function deleteFactor(key, fid)
  local names = {}
  for i, f in ipairs(FIELDS) do names[i] = f .. ':' .. fid end
  redis.call('HDEL', key, unpack(names))
end
-- ARGV[at .. at + 8] = v, kind, role, name, created, used ('' = null), step, rev, data
local function writeFactor(key, fid, at)
  redis.call('HSET', key, 'v:' .. fid, ARGV[at], 'kind:' .. fid, ARGV[at + 1], 'role:' .. fid, ARGV[at + 2],
    'name:' .. fid, ARGV[at + 3], 'created:' .. fid, ARGV[at + 4], 'step:' .. fid, ARGV[at + 6],
    'rev:' .. fid, ARGV[at + 7], 'data:' .. fid, ARGV[at + 8])
  if ARGV[at + 5] ~= '' then redis.call('HSET', key, 'used:' .. fid, ARGV[at + 5]) end
end
local function number(value, what)
  local n = tonumber(value)
  if not n then error({err = 'MFAKIT_CORRUPT ' .. what .. ' is not a number'}) end
  return n
end
`;

/**
 * How long a consume, an advance or an activation remembers its outcome under its operation key
 * (`{a:<account>}:op:<id>`, one random id per call): long enough for a driver that lost the reply
 * to resend the same command after reconnecting, which then returns the first outcome instead of
 * a second, different one ("already used").
 */
const OPERATION_MEMORY_MS = 60_000;

/** Lua: the `number` helper alone. */
const NUMBER = `local function number(value, what)
  local n = tonumber(value)
  if not n then error({err = 'MFAKIT_CORRUPT ' .. what .. ' is not a number'}) end
  return n
end
`;

/**
 * Lua: the account's challenges, one hash `{a:<account>}:challenges` of id -> the record's JSON
 * (`JSON.stringify` of the record), so disable and recovery revoke them in the same script as the
 * factors. `record` decodes one (a corrupt one fails with `MFAKIT_CORRUPT`); `keepAlive` extends
 * the hash's TTL to a record's remaining life (relative, see above); `revocable` decodes every
 * record and returns the ids of those of the given purposes (ARGV[from ..]); `revoke` deletes
 * them and returns how many. Redis keeps the writes a script made before it fails, so a script
 * decodes every record before its first write: a corrupt one fails the call with nothing changed.
 */
const CHALLENGES = `local function record(json)
  local ok, r = pcall(cjson.decode, json)
  if not ok or type(r) ~= 'table' or type(r.purpose) ~= 'string' or type(r.expiresAt) ~= 'number' or type(r.revision) ~= 'number' then
    error({err = 'MFAKIT_CORRUPT challenge record is not valid'})
  end
  return r
end
local function keepAlive(key, ttl)
  if ttl > 0 and redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
local function revocable(key, from)
  local wanted = {}
  for i = from, #ARGV do wanted[ARGV[i]] = true end
  local all = redis.call('HGETALL', key)
  local ids = {}
  for i = 1, #all, 2 do
    if wanted[record(all[i + 1]).purpose] then ids[#ids + 1] = all[i] end
  end
  return ids
end
local function revoke(key, ids)
  for _, id in ipairs(ids) do redis.call('HDEL', key, id) end
  return #ids
end
`;

/**
 * Lua: `hashes(...)` fails with `WRONGTYPE` (`STORE_CORRUPT`) unless every key given is a hash or
 * absent. Redis keeps the writes a script made before it fails, so a script that writes to one key
 * and then touches another checks the other first: a key of the wrong type changes nothing.
 */
const HASHES = `local function hashes(...)
  for _, key in ipairs({...}) do redis.call('HLEN', key) end
end
`;

/**
 * Lua: clearing one attempt record of the account's `attempts` hash in place (fields
 * `c:<name>` count, `l:<name>` last counted attempt, `e:<name>` expiry); a clear one is left alone.
 */
const ATTEMPTS = `${HASHES}local function clearAttempt(key, name)
  local count = redis.call('HGET', key, 'c:' .. name)
  if count and count ~= '0' then
    redis.call('HSET', key, 'c:' .. name, '0')
    redis.call('HDEL', key, 'l:' .. name)
  end
end
`;

/**
 * The Lua source of every script the Redis store runs, by operation (for auditing, preloading with
 * `SCRIPT LOAD`, or benchmarking the bare script). The store calls them by SHA-1 itself.
 *
 * @example
 * ```ts
 * import { REDIS_STORE_SCRIPTS } from 'mfakit/stores/redis';
 * const sha = await redis.script('LOAD', REDIS_STORE_SCRIPTS.advanceFactorStep);
 * ```
 */
export const REDIS_STORE_SCRIPTS = {
  /** KEYS: account. ARGV: v, id, created, updated, rev, data. */
  createAccount: `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'id', ARGV[2], 'created', ARGV[3], 'updated', ARGV[4], 'rev', ARGV[5], 'data', ARGV[6])
return 1`,

  /** KEYS: account. ARGV: v, updated, data, expected revision, next revision. */
  compareAndSetAccount: `local rev = redis.call('HGET', KEYS[1], 'rev')
if not rev or rev ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'updated', ARGV[2], 'data', ARGV[3], 'rev', ARGV[5])
return 1`,

  /**
   * KEYS: account, factors, codes, enrolments, enrolment-expiry, challenges, attempts.
   * Returns { existed, factor ids, challenge ids } so the caller can release the factor-id claims
   * and the challenges' pointers (other slots).
   */
  deleteAccount: `local existed = redis.call('EXISTS', KEYS[1])
local challengeIds = redis.call('HKEYS', KEYS[6])
local factorIds = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.sub(field, 1, 2) == 'v:' then factorIds[#factorIds + 1] = string.sub(field, 3) end
end
redis.call('DEL', unpack(KEYS))
return {existed, factorIds, challengeIds}`,

  /** KEYS: factors. ARGV: factor id, then the nine factor fields. */
  insertFactor: `${FACTOR_FIELDS}
if redis.call('HEXISTS', KEYS[1], 'v:' .. ARGV[1]) == 1 then return 0 end
writeFactor(KEYS[1], ARGV[1], 2)
return 1`,

  /** KEYS: factors. ARGV: factor id, name, role, data, expected revision, next revision. */
  compareAndSetFactor: `local fid = ARGV[1]
local rev = redis.call('HGET', KEYS[1], 'rev:' .. fid)
if not rev or rev ~= ARGV[5] then return 0 end
redis.call('HSET', KEYS[1], 'name:' .. fid, ARGV[2], 'role:' .. fid, ARGV[3], 'data:' .. fid, ARGV[4], 'rev:' .. fid, ARGV[6])
return 1`,

  /**
   * KEYS: factors, operation. ARGV: factor id, step, usedAt. The TOTP replay guard; a resend of the
   * same call (same operation key) returns its first outcome.
   */
  advanceFactorStep: `${NUMBER}
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local current = redis.call('HGET', KEYS[1], 'step:' .. ARGV[1])
if not current then return 0 end
if number(ARGV[2], 'step') > number(current, 'stored factor lastStep') then
  redis.call('HSET', KEYS[1], 'step:' .. ARGV[1], ARGV[2], 'used:' .. ARGV[1], ARGV[3])
  redis.call('SET', KEYS[2], '1', 'PX', ${OPERATION_MEMORY_MS})
  return 1
end
return 0`,

  /**
   * KEYS: codes, operation, attempts, challenges. ARGV: code id, tombstone id ('' = none), its
   * JSON, its life (ms), then the attempt record names to clear when it used the code. Uses the
   * code up, stores the tombstone and clears in one step; a resend returns its first outcome.
   */
  consumeBackupCode: `${ATTEMPTS}${CHALLENGES}
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
hashes(KEYS[1], KEYS[3], KEYS[4])
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  if ARGV[2] ~= '' then
    redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
    keepAlive(KEYS[4], tonumber(ARGV[4]))
  end
  for i = 5, #ARGV do clearAttempt(KEYS[3], ARGV[i]) end
  redis.call('SET', KEYS[2], '1', 'PX', ${OPERATION_MEMORY_MS})
  return 1
end
return 0`,

  /**
   * KEYS: factors, attempts, operation. ARGV: factor id, step, used at, then the attempt record
   * names to clear when it advanced. The replay guard and the clearing of a successful login in
   * one call; a resend of the same call (same operation key) returns its first outcome.
   */
  advanceFactorStepClearing: `${NUMBER}${ATTEMPTS}
if redis.call('EXISTS', KEYS[3]) == 1 then return 1 end
hashes(KEYS[1], KEYS[2])
local current = redis.call('HGET', KEYS[1], 'step:' .. ARGV[1])
if not current then return 0 end
if number(ARGV[2], 'step') > number(current, 'stored factor lastStep') then
  redis.call('HSET', KEYS[1], 'step:' .. ARGV[1], ARGV[2], 'used:' .. ARGV[1], ARGV[3])
  for i = 4, #ARGV do clearAttempt(KEYS[2], ARGV[i]) end
  redis.call('SET', KEYS[3], '1', 'PX', ${OPERATION_MEMORY_MS})
  return 1
end
return 0`,

  /**
   * KEYS: attempts, factors, codes, challenges. ARGV: now, '1' to list the factors (and charge nothing when
   * none has role login), the number of charges, then per charge: name, limit, free attempts, base
   * delay, max delay, memory, expiry if counted (now + memory); then a backup-code id to read ('' =
   * none), then the ids of challenges to read from the account's challenges. Charges in order, each
   * only if the one before was allowed. Returns { factors hash as a flat list or 0, then per charge:
   * state (1 counted, 0 refused, -1 not charged), count, has last (0/1), last, expires; then the
   * backup code's JSON ('' when none) and the account's count of codes when asked; then per
   * challenge id its JSON ('' when the account has none of that id) }.
   */
  chargeAttempts: `${NUMBER}
local now = number(ARGV[1], 'now')
local factors = 0
local going = true
if ARGV[2] == '1' then
  factors = redis.call('HGETALL', KEYS[2])
  going = false
  for i = 1, #factors, 2 do
    if string.sub(factors[i], 1, 5) == 'role:' and factors[i + 1] == 'login' then going = true end
  end
end
-- Everything read and checked before the first write (Redis keeps a failed script's writes): a
-- corrupt record of a later charge, or a key of the wrong type, fails the call with nothing counted.
local charges = number(ARGV[3], 'charges')
for i = 0, charges - 1 do
  local b = 4 + i * 7
  for j = 1, 6 do number(ARGV[b + j], 'charge argument') end
  local stored = redis.call('HMGET', KEYS[1], 'c:' .. ARGV[b], 'l:' .. ARGV[b], 'e:' .. ARGV[b])
  if stored[1] and stored[3] and number(stored[3], 'stored attempt expiry') > now then
    number(stored[1], 'stored attempt count')
    if stored[2] then number(stored[2], 'stored attempt time') end
  end
end
local reads = {}
local at = 4 + charges * 7
local code = ARGV[at]
if code and code ~= '' then
  reads[#reads + 1] = redis.call('HGET', KEYS[3], code) or ''
  reads[#reads + 1] = redis.call('HLEN', KEYS[3])
end
for i = at + 1, #ARGV do reads[#reads + 1] = redis.call('HGET', KEYS[4], ARGV[i]) or '' end
local out = {factors}
for i = 0, charges - 1 do
  local b = 4 + i * 7
  if not going then
    for _, v in ipairs({-1, 0, 0, 0, 0}) do out[#out + 1] = v end
  else
    local name = ARGV[b]
    local limit, free, base, maxd = number(ARGV[b + 1], 'limit'), number(ARGV[b + 2], 'free'), number(ARGV[b + 3], 'base'), number(ARGV[b + 4], 'max')
    local stored = redis.call('HMGET', KEYS[1], 'c:' .. name, 'l:' .. name, 'e:' .. name)
    local count, hasLast, last, exp = 0, 0, 0, 0
    if stored[1] and stored[3] and number(stored[3], 'stored attempt expiry') > now then
      count = number(stored[1], 'stored attempt count')
      exp = number(stored[3], 'stored attempt expiry')
      if stored[2] then hasLast, last = 1, number(stored[2], 'stored attempt time') end
    end
    local n = count + 1
    local delay = 0
    if n > free then delay = math.min(maxd, base * 2 ^ math.min(30, n - free - 1)) end
    if count >= limit or (delay > 0 and hasLast == 1 and now < last + delay) then
      for _, v in ipairs({0, count, hasLast, last, exp}) do out[#out + 1] = v end
      going = false
    else
      local at = ARGV[1]
      if hasLast == 1 and last > now then at = stored[2] end
      redis.call('HSET', KEYS[1], 'c:' .. name, tostring(n), 'l:' .. name, at, 'e:' .. name, ARGV[b + 6])
      -- Clean-up only (a relative TTL, whatever the clocks): correctness reads the stored expiry.
      local memory = number(ARGV[b + 5], 'memory')
      if redis.call('PTTL', KEYS[1]) < memory then redis.call('PEXPIRE', KEYS[1], ARGV[b + 5]) end
      for _, v in ipairs({1, n, 1, number(at, 'time'), number(ARGV[b + 6], 'expiry')}) do out[#out + 1] = v end
    end
  end
end
for _, v in ipairs(reads) do out[#out + 1] = v end
return out`,

  /** KEYS: attempts. ARGV: the names to clear (none: every record of the account). */
  clearAttempts: `${ATTEMPTS}
if #ARGV == 0 then
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(field, 1, 2) == 'c:' then clearAttempt(KEYS[1], string.sub(field, 3)) end
  end
else
  for i = 1, #ARGV do clearAttempt(KEYS[1], ARGV[i]) end
end
return 1`,

  /** KEYS: factors. ARGV: factor id, minimum remaining login factors ('' = no minimum). */
  deleteFactor: `${FACTOR_FIELDS}
local fid = ARGV[1]
if redis.call('HEXISTS', KEYS[1], 'v:' .. fid) == 0 then return 'not-found' end
if ARGV[2] ~= '' then
  local remaining = 0
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(field, 1, 5) == 'role:' and string.sub(field, 6) ~= fid and redis.call('HGET', KEYS[1], field) == 'login' then
      remaining = remaining + 1
    end
  end
  if remaining < tonumber(ARGV[2]) then return 'too-few-remaining' end
end
deleteFactor(KEYS[1], fid)
return 'deleted'`,

  /** KEYS: factors, codes, enrolments, enrolment-expiry. Returns the deleted factor ids. */
  deleteLoginFactors: `${FACTOR_FIELDS}
local deleted = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 5) == 'role:' and redis.call('HGET', KEYS[1], field) == 'login' then
    deleted[#deleted + 1] = string.sub(field, 6)
  end
end
for _, fid in ipairs(deleted) do deleteFactor(KEYS[1], fid) end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
return deleted`,

  /**
   * KEYS: account, factors, codes, enrolments, enrolment-expiry, challenges. ARGV: expected account
   * revision ('' = leave the account alone), next revision, updated, data, then the purposes of the
   * challenges to revoke. Disable and recovery in one step: the account's compare-and-set, the
   * removal of its login factors, codes and enrolments, and the revocation of its challenges of
   * those purposes (step-up generation, tombstones, recovery challenges), all or nothing. Returns
   * { 1, deleted factor ids }, or { 0 } (nothing changed) when the account changed or is gone.
   */
  removeLoginFactors: `${FACTOR_FIELDS}${CHALLENGES}${HASHES}
local revoked = revocable(KEYS[6], 5)
hashes(KEYS[1], KEYS[2])
if ARGV[1] ~= '' then
  local rev = redis.call('HGET', KEYS[1], 'rev')
  if not rev or rev ~= ARGV[1] then return {0} end
  redis.call('HSET', KEYS[1], 'updated', ARGV[3], 'data', ARGV[4], 'rev', ARGV[2])
end
local deleted = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.sub(field, 1, 5) == 'role:' and redis.call('HGET', KEYS[2], field) == 'login' then
    deleted[#deleted + 1] = string.sub(field, 6)
  end
end
for _, fid in ipairs(deleted) do deleteFactor(KEYS[2], fid) end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
revoke(KEYS[6], revoked)
return {1, deleted}`,

  /**
   * KEYS: enrolments, enrolment-expiry. ARGV: id, record JSON, expiresAt, prune-before, retention,
   * now (the record's createdAt). Drops enrolments expired longer than the retention, and keeps both
   * keys alive until the last enrolment's expiry plus the retention, counted from now.
   */
  putEnrolment: `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
for _, id in ipairs(stale) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if top[2] then
  local ttl = tonumber(top[2]) + tonumber(ARGV[5]) - tonumber(ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1`,

  /** KEYS: enrolments, enrolment-expiry. ARGV: id. */
  deleteEnrolment: `redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])`,

  /**
   * KEYS: enrolments, enrolment-expiry, factors, codes, operation (a resend returns the first outcome).
   * ARGV: enrolment id (= factor id), now, replaced factor id ('' = none), the nine factor fields
   * (ARGV[4..12]), number of backup codes (-1 = none given), then code id and JSON pairs.
   * Returns { activated, backup codes stored }.
   */
  activateEnrolment: `${FACTOR_FIELDS}${HASHES}
local done = redis.call('GET', KEYS[5])
if done then return {1, tonumber(done)} end
hashes(KEYS[1], KEYS[3], KEYS[4])
local eid = ARGV[1]
local expiry = redis.call('ZSCORE', KEYS[2], eid)
if redis.call('HEXISTS', KEYS[1], eid) == 0 or not expiry then return {0, 0} end
if not (number(expiry, 'enrolment expiresAt') > number(ARGV[2], 'now')) then return {0, 0} end
if redis.call('HEXISTS', KEYS[3], 'v:' .. eid) == 1 then return {0, 0} end
redis.call('HDEL', KEYS[1], eid)
redis.call('ZREM', KEYS[2], eid)
if ARGV[3] ~= '' then deleteFactor(KEYS[3], ARGV[3]) end
writeFactor(KEYS[3], eid, 4)
local count = tonumber(ARGV[13])
local stored = 0
if count >= 0 and redis.call('HLEN', KEYS[4]) == 0 then
  for i = 0, count - 1 do redis.call('HSET', KEYS[4], ARGV[14 + 2 * i], ARGV[15 + 2 * i]) end
  stored = 1
end
redis.call('SET', KEYS[5], stored, 'PX', ${OPERATION_MEMORY_MS})
return {1, stored}`,

  /** KEYS: codes. ARGV: code id and JSON pairs. */
  replaceBackupCodes: `redis.call('DEL', KEYS[1])
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`,

  /**
   * KEYS: challenge (its own slot). ARGV: v, id, purpose, data, created, expiresAt, rev. A challenge
   * bound to no account, stored field by field. Returns the account a pointer named there before
   * (its record, replaced, is dropped from that account's challenges by the caller), or nil.
   */
  putChallenge: `local previous = redis.call('HGET', KEYS[1], 'owner')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'id', ARGV[2], 'purpose', ARGV[3], 'data', ARGV[4], 'created', ARGV[5], 'exp', ARGV[6], 'rev', ARGV[7])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]) - tonumber(ARGV[5]))
return previous`,

  /**
   * KEYS: challenge (its own slot). ARGV: account, life (ms). For a challenge bound to an account:
   * the pointer `{owner}` to the account whose challenges hash holds the record (consumed by id
   * alone, a challenge is found through it). It names the owner only: revoking is the account's.
   * Returns the account the pointer named before (when another, the caller drops its record: the
   * id now names this one), or nil.
   */
  putChallengeOwner: `local previous = redis.call('HGET', KEYS[1], 'owner')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return previous`,

  /** KEYS: challenges. ARGV: id. Drops the account's record of that id (another now holds the id). */
  dropAccountChallenge: `return redis.call('HDEL', KEYS[1], ARGV[1])`,

  /** KEYS: challenge (its own slot). ARGV: account. Deletes the pointer if it names the account. */
  releaseChallengeOwner: `if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,

  /** KEYS: challenge (its own slot). ARGV: account, life (ms). Extends the owner pointer (a later expiry). */
  extendChallengeOwner: `if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`,

  /**
   * KEYS: challenges. ARGV: id, JSON, life (ms), now (for pruning). Stores an account's challenge;
   * drops the account's expired ones and keeps the hash alive as long as its longest-lived record.
   */
  putAccountChallenge: `${CHALLENGES}
local now = tonumber(ARGV[4])
local all = redis.call('HGETALL', KEYS[1])
local expired = {}
for i = 1, #all, 2 do
  -- The record this call replaces is not read (a corrupt one is overwritten).
  if all[i] ~= ARGV[1] and not (record(all[i + 1]).expiresAt > now) then expired[#expired + 1] = all[i] end
end
if not (record(ARGV[2]).expiresAt > now) then expired[#expired + 1] = ARGV[1] end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for _, id in ipairs(expired) do redis.call('HDEL', KEYS[1], id) end
keepAlive(KEYS[1], tonumber(ARGV[3]))
return 1`,

  /**
   * KEYS: challenge, operation (both in the challenge's slot). ARGV: purpose, now. A challenge bound
   * to no account: returns its fields, or nil. Get-and-delete: the record moves to the operation key
   * for 60 s, so a resend of the same call (same operation key) returns it again instead of nil.
   * For an account's challenge (a pointer) returns the owner's id: the caller consumes it there.
   */
  consumeChallenge: `${NUMBER}
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.call('HGETALL', KEYS[2]) end
local found = redis.call('HMGET', KEYS[1], 'purpose', 'exp', 'owner')
if found[3] then return found[3] end
if not found[1] or found[1] ~= ARGV[1] then return false end
if not (number(found[2], 'stored challenge expiresAt') > number(ARGV[2], 'now')) then return false end
local all = redis.call('HGETALL', KEYS[1])
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('PEXPIRE', KEYS[2], ${OPERATION_MEMORY_MS})
return all`,

  /**
   * KEYS: challenges, operation (the account's slot). ARGV: id, purpose, now. Consumes an account's
   * challenge: returns its JSON, or nil; a resend of the same call returns the JSON again.
   */
  consumeAccountChallenge: `${CHALLENGES}
local done = redis.call('GET', KEYS[2])
if done then return done end
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local r = record(json)
if r.purpose ~= ARGV[2] or not (r.expiresAt > tonumber(ARGV[3])) then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], json, 'PX', ${OPERATION_MEMORY_MS})
return json`,

  /** KEYS: challenge. ARGV: expected rev, next rev, data, new expiresAt, now. Returns { replaced, old expiresAt }. */
  compareAndSetChallenge: `${NUMBER}
local found = redis.call('HMGET', KEYS[1], 'rev', 'exp')
if not found[1] or found[1] ~= ARGV[1] then return {0, '0'} end
if not (number(found[2], 'stored challenge expiresAt') > number(ARGV[5], 'now')) then return {0, '0'} end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'exp', ARGV[4], 'rev', ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) - tonumber(ARGV[5]))
return {1, found[2]}`,

  /**
   * KEYS: challenges. ARGV: id, expected rev, new JSON (revision already the next), new expiresAt,
   * now, purpose (the stored one's, or nothing changes). Returns { replaced, old expiresAt }.
   */
  compareAndSetAccountChallenge: `${CHALLENGES}
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {0, 0} end
local r = record(json)
local now = tonumber(ARGV[5])
if r.revision ~= tonumber(ARGV[2]) or r.purpose ~= ARGV[6] or not (r.expiresAt > now) then return {0, 0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
keepAlive(KEYS[1], tonumber(ARGV[4]) - now)
return {1, r.expiresAt}`,

  /** KEYS: challenges. ARGV: purpose, now. The account's live challenges of that purpose: { id, JSON, … }. */
  listAccountChallenges: `${CHALLENGES}
local out = {}
local all = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[2])
for i = 1, #all, 2 do
  local r = record(all[i + 1])
  if r.purpose == ARGV[1] and r.expiresAt > now then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
return out`,

  /** KEYS: challenges. ARGV: the purposes. Deletes the account's challenges of those purposes; returns how many. */
  deleteAccountChallenges: `${CHALLENGES}
return revoke(KEYS[1], revocable(KEYS[1], 1))`,

  /**
   * KEYS: counter. ARGV: now, now + ttl. A fixed window: a live counter counts on, an absent or
   * expired one starts again at 1. Returns { count, window end, previous increment or nil }.
   */
  incrementCounter: `${NUMBER}
local found = redis.call('HMGET', KEYS[1], 'count', 'exp', 'last')
if found[1] and number(found[2], 'stored counter expiresAt') > number(ARGV[1], 'now') then
  local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
  return {count, found[2], found[3]}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'count', 1, 'exp', ARGV[2], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) - tonumber(ARGV[1]))
return {1, ARGV[2], false}`,

  /** KEYS: factor-id claim. ARGV: account. Claims the id for the account; 0 when another owns it. */
  claimFactorId: `local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
if owner == ARGV[1] then return 1 end
return 0`,

  /** KEYS: factor-id claim. ARGV: account. Releases the claim if the account holds it. */
  releaseFactorId: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,

  /**
   * KEYS: credential-id claim. ARGV: claimant, pending lifetime (ms). Claims the credential id as
   * pending (it expires unless confirmed); {1} when claimed (or already ours), else {0, owner, pttl}.
   */
  claimCredential: `local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1}
end
if owner == ARGV[1] then return {1} end
return {0, owner, redis.call('PTTL', KEYS[1])}`,

  /** KEYS: credential-id claim. ARGV: stale owner, claimant, pending lifetime (ms). Takes over a stale claim. */
  takeOverCredential: `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`,

  /** KEYS: credential-id claim. ARGV: claimant. A pending claim becomes permanent (the factor is stored). */
  confirmCredential: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PERSIST', KEYS[1]) end
return 0`,

  /** KEYS: credential-id claim. ARGV: claimant. Drops our pending claim (the factor was not stored). */
  releaseCredential: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
} as const;

/**
 * The name of one store script.
 *
 * @example
 * ```ts
 * const name: RedisStoreScriptName = 'consumeChallenge';
 * ```
 */
export type RedisStoreScriptName = keyof typeof REDIS_STORE_SCRIPTS;
