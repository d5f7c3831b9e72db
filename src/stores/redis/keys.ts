/**
 * Key layout of the Redis store. Every key of one account carries the hash tag `{a:<account>}`, so
 * on Redis Cluster they live in one slot and each script touches one slot only: the account's
 * challenges too (step-up generation, tombstones, recovery challenges, remembered devices), so
 * disable and recovery are one script. Records the contract looks up without an account carry
 * their own tag: a challenge's id `{c:<id>}` (consumed by id alone: for an account's challenge only
 * a pointer to the account, for one bound to no account the record itself), a counter `{k:<key>}`, a factor-id claim `{f:<id>}` (factor ids are unique across
 * accounts), a WebAuthn credential-id claim `{w:<credential id>}` (unique across accounts). Ids are escaped (`%`, `{`, `}`, `:`) so no id can reach into another key or tag.
 *
 * ```
 * <prefix>{a:<account>}:account          hash   the account record, field by field
 * <prefix>{a:<account>}:factors          hash   every factor, fields "<field>:<factorId>"
 * <prefix>{a:<account>}:codes            hash   backup codes: codeId -> record JSON
 * <prefix>{a:<account>}:enrolments       hash   pending enrolments: id -> record JSON      (TTL)
 * <prefix>{a:<account>}:enrolment-expiry zset   id -> expiresAt                          (TTL)
 * <prefix>{a:<account>}:challenges       hash   the account's challenges: id -> record JSON (TTL)
 * <prefix>{a:<account>}:attempts         hash   attempt records: c:/l:/e:<name> -> count,
 *                                               last counted attempt, expiry              (TTL)
 * <prefix>{a:<account>}:op:<operation>   string the outcome of one consume / advance / activation,
 *                                               or a consumed challenge's JSON           (TTL 60 s)
 * <prefix>{c:<challenge>}:challenge      hash   {owner} of an account's challenge, or the
 *                                               record of one bound to no account           (TTL)
 * <prefix>{c:<challenge>}:op:<operation> hash   a consumed challenge (no account), kept for a
 *                                               resend                                  (TTL 60 s)
 * <prefix>{k:<counter>}:counter          hash   count, window end, last increment         (TTL)
 * <prefix>{f:<factor>}:owner             string the account that owns a factor id
 * <prefix>{w:<credential>}:owner         string [account, factor] holding a WebAuthn credential id
 *                                               (TTL while the registration is in flight)
 * ```
 * @module
 */
import { MfaError } from '../../errors.js';

/** The default key prefix. */
export const DEFAULT_KEY_PREFIX = 'mfakit:';

const SPECIAL = /[%{}:]/;

/** `%`, `{`, `}` and `:` as `%25`, `%7B`, `%7D` and `%3A` (`%` first, so no escape is escaped again). */
function escapePart(value: string): string {
  // Most ids have none of the four characters: nothing to do (this runs for every command). Those
  // that have some are mostly the service's `<purpose>:<account>` ids: native replaces, no callback.
  if (!SPECIAL.test(value)) return value;
  let out = value;
  if (out.includes('%')) out = out.replaceAll('%', '%25');
  if (out.includes('{')) out = out.replaceAll('{', '%7B');
  if (out.includes('}')) out = out.replaceAll('}', '%7D');
  if (out.includes(':')) out = out.replaceAll(':', '%3A');
  return out;
}

/** Validates a key prefix: any text without `{` or `}` (it must not capture the hash tag). */
export function checkKeyPrefix(prefix: string | undefined): string {
  const value = prefix ?? DEFAULT_KEY_PREFIX;
  if (typeof value !== 'string' || /[{}]/.test(value) || value.length > 200) {
    throw new MfaError('INVALID_OPTION', 'keyPrefix must be a string of at most 200 characters without { or }');
  }
  return value;
}

/** Builds the keys of one prefix. */
export function redisKeys(prefix: string) {
  const account = (accountId: string) => `${prefix}{a:${escapePart(accountId)}}`;
  return {
    /**
     * The account's tag (`<prefix>{a:<account>}`), escaped once: a hot path builds several of the
     * account's keys from it (`${tag}:factors`, …) instead of escaping the id for each.
     */
    accountTag: account,
    /** One of the account's keys from its tag (see `accountTag`). */
    inAccount: (tag: string, name: 'attempts' | 'factors' | 'codes' | 'challenges') => `${tag}:${name}`,
    /** An operation key from the account's tag, for an id of the store's own (no character to escape). */
    operationInAccount: (tag: string, operationId: string) => `${tag}:op:${operationId}`,
    account: (accountId: string) => `${account(accountId)}:account`,
    factors: (accountId: string) => `${account(accountId)}:factors`,
    codes: (accountId: string) => `${account(accountId)}:codes`,
    enrolments: (accountId: string) => `${account(accountId)}:enrolments`,
    enrolmentExpiry: (accountId: string) => `${account(accountId)}:enrolment-expiry`,
    accountChallenges: (accountId: string) => `${account(accountId)}:challenges`,
    attempts: (accountId: string) => `${account(accountId)}:attempts`,
    challenge: (challengeId: string) => `${prefix}{c:${escapePart(challengeId)}}:challenge`,
    challengeOperation: (challengeId: string, operationId: string) => `${prefix}{c:${escapePart(challengeId)}}:op:${escapePart(operationId)}`,
    counter: (key: string) => `${prefix}{k:${escapePart(key)}}:counter`,
    factorOwner: (factorId: string) => `${prefix}{f:${escapePart(factorId)}}:owner`,
    credentialOwner: (credentialId: string) => `${prefix}{w:${escapePart(credentialId)}}:owner`,
  };
}

/** The keys of one prefix. */
export type RedisKeys = ReturnType<typeof redisKeys>;
