/**
 * The Redis store: the storage contract over the app's own ioredis client (standalone or Cluster).
 *
 * Each atomic operation is one Lua script over keys of one hash tag, called by hash. An account's
 * records, its challenges included, share its tag, so disable and recovery (`removeLoginFactors`)
 * are one script. What spans two slots on a cluster is ordered so that a crash in between is harmless:
 * - factor ids are unique across accounts through a claim key `{f:<id>}` taken before the factor is
 *   written (a claim left by a crash only reserves a random id for its account);
 * - a challenge is consumed by id alone, so its id's own key `{c:<id>}` points to the account that
 *   holds it (written before the record; alone, it points to nothing). Revoking is the account's.
 *
 * Durability: Redis acknowledges a write before it reaches disk (or never writes it, without
 * persistence). A consumed backup code or an advanced TOTP step can be forgotten after a restart,
 * so use PostgreSQL for the durable records and Redis for counters and challenges
 * (`composeStores`, in `mfakit/stores/composed`); see docs/stores.md.
 * @module
 */
import { MfaError } from '../../errors.js';
import type {
  ActivateEnrolmentInput,
  ActivateEnrolmentResult,
  ChargeAttemptsOptions,
  ChargeAttemptsResult,
  ConsumeBackupCodeOptions,
  DeleteFactorOutcome,
  MfaStore,
  RemoveLoginFactorsInput,
  RemoveLoginFactorsResult,
} from '../../store/contract.js';
import type { MfaAttemptCharge, MfaAttemptChargeInput, MfaAttemptState } from '../../store/attempts.js';
import {
  factorCredentialId,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaCounterState,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from '../../store/records.js';
import { decodeAccount, storeCorrupt, storedInteger, storedIntegerOrNull } from '../../store/codec.js';
import { withArgumentChecks } from '../../store/arguments.js';
import {
  backupCodeFromJson,
  challengeFromHash,
  challengeFromJson,
  counterFrom,
  enrolmentFromJson,
  FACTOR_FIELDS,
  factorFromFields,
  factorsFromFlat,
  factorsFromHash,
  pairsToObject,
} from './decode.js';
import { checkEvictionPolicy } from './eviction-policy.js';
import { bytesToBase64Url, secureRandom } from '../../internal/bytes.js';
import { checkKeyPrefix, redisKeys, type RedisKeys } from './keys.js';
import { runCommand, runScript, runScriptReading, type RedisClientLike, type ScriptCall } from './script-runner.js';
import type { RedisStoreScriptName } from './scripts.js';

/**
 * Operation ids (see `operationKey`): unique, not secret (only the store's own scripts read them).
 * A random prefix per process and a counter: no random bytes drawn per call (4% of a login's
 * client CPU on the bench went to `secureRandom` and its encoding).
 */
const OPERATION_PREFIX = bytesToBase64Url(secureRandom(12));
let operationCounter = 0;

/** A fresh operation id, unique across processes (the 96-bit prefix) and calls (the counter). */
function nextOperationId(): string {
  return `${OPERATION_PREFIX}.${(++operationCounter).toString(36)}`;
}

/** How long a WebAuthn credential-id claim stays pending before it expires unconfirmed (a crash). */
const CREDENTIAL_CLAIM_PENDING_MS = 300_000;

/**
 * Options of {@link createRedisStore}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const options: RedisStoreOptions = { redis: new Redis(process.env.REDIS_URL!), keyPrefix: 'mfakit:' };
 * ```
 */
export interface RedisStoreOptions {
  /** The app's ioredis client: `Redis` or `Cluster`. The store never closes it. */
  readonly redis: RedisClientLike;
  /** Prefix of every key (default `mfakit:`); must not contain `{` or `}`. */
  readonly keyPrefix?: string;
  /**
   * How long an expired pending enrolment is kept so the app can still answer "expired" rather
   * than "unknown" (the key's TTL is its expiry plus this). Default 24 hours.
   */
  readonly expiredEnrolmentRetentionMs?: number;
  /**
   * Run even when Redis's `maxmemory-policy` is `allkeys-*` (default `false`: every operation then
   * rejects with `MfaError('STORE_MISCONFIGURED')`, whose message says how to fix it). Under memory
   * pressure such a Redis evicts factors and backup codes, and their accounts read as having no
   * MFA. Accept it only for a cache-only deployment you can afford to lose.
   */
  readonly allowAllKeysEviction?: boolean;
}

/** A challenge's hash as read (`{}` when absent), or `null` when absent or expired at `now`. */
function challengeFrom(hash: Record<string, string>, now: number): MfaChallengeRecord | null {
  if (Object.keys(hash).length === 0) return null;
  return live(challengeFromHash(hash), now);
}

/** The challenge, or `null` when expired at `now`. */
function live(record: MfaChallengeRecord, now: number): MfaChallengeRecord | null {
  return record.expiresAt > Math.floor(now) ? record : null;
}

/** Whether a script answered 1. */
function isOne(reply: unknown): boolean {
  return reply === 1;
}

/** The nine factor fields as script arguments (see `scripts.ts`). */
function factorArgs(r: MfaFactorRecord): string[] {
  return [
    String(r.v), r.kind, r.role, r.name, String(r.createdAt), r.lastUsedAt === null ? '' : String(r.lastUsedAt),
    String(r.lastStep), String(r.revision), JSON.stringify(r.data),
  ];
}

/** Backup codes as id, JSON pairs for the scripts. */
function backupCodePairs(codes: readonly MfaBackupCodeRecord[]): string[] {
  const pairs: string[] = [];
  for (const code of codes) pairs.push(code.id, JSON.stringify(code));
  return pairs;
}

/**
 * The Redis {@link MfaStore}. Create it with {@link createRedisStore}, which checks the arguments
 * of every call (`withArgumentChecks`); the class's methods take them as valid.
 *
 * @example
 * ```ts
 * const store: RedisStore = createRedisStore({ redis, keyPrefix: 'mfakit:' });
 * const state = await store.incrementCounter('attempts:user-42', { ttlMs: 900_000, now: Date.now() });
 * ```
 */
export class RedisStore implements MfaStore {
  /** The validated key prefix. */
  readonly keyPrefix: string;
  /** The app's client. */
  readonly redis: RedisClientLike;
  private readonly keys: RedisKeys;
  private readonly retentionMs: number;
  /** The eviction-policy check: `true` once passed, the check in flight, or `undefined` (not asked yet, or failed). */
  private serverChecked: true | Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object' || typeof options.redis?.evalsha !== 'function') {
      throw new MfaError('INVALID_OPTION', 'createRedisStore needs { redis }, an ioredis Redis or Cluster client');
    }
    this.redis = options.redis;
    this.keyPrefix = checkKeyPrefix(options.keyPrefix);
    this.keys = redisKeys(this.keyPrefix);
    const retention = options.expiredEnrolmentRetentionMs ?? 86_400_000;
    if (!Number.isSafeInteger(retention) || retention < 0) {
      throw new MfaError('INVALID_OPTION', 'expiredEnrolmentRetentionMs must be a non-negative integer');
    }
    this.retentionMs = retention;
    // Checked once, when the store is first used (creation is synchronous) or by checkServer().
    if (options.allowAllKeysEviction === true) this.serverChecked = true;
  }

  /**
   * Asks Redis for its `maxmemory-policy` now (every operation does before the first one runs):
   * await it at start-up to fail fast. Rejects with `MfaError('STORE_MISCONFIGURED')` for an
   * `allkeys-*` policy (unless `allowAllKeysEviction`), `MfaError('STORE_ERROR')` when Redis does
   * not answer.
   *
   * @example
   * ```ts
   * const store = createRedisStore({ redis });
   * await store.checkServer(); // at start-up
   * ```
   */
  checkServer(): Promise<void> {
    if (this.serverChecked === true) return Promise.resolve();
    this.serverChecked ??= checkEvictionPolicy(this.redis).then(
      () => {
        this.serverChecked = true;
      },
      (error: unknown) => {
        this.serverChecked = undefined; // asked again by the next call: the operator may fix the server
        throw error;
      },
    );
    return this.serverChecked;
  }

  // --- accounts -------------------------------------------------------------------------------

  async getAccount(accountId: string): Promise<MfaAccountRecord | null> {
    const h = await this.command('getAccount', () => this.redis.hgetall(this.keys.account(accountId)));
    if (Object.keys(h).length === 0) return null;
    const record = decodeAccount({ v: h['v'], id: h['id'], createdAt: h['created'], updatedAt: h['updated'], revision: h['rev'], data: h['data'] });
    if (record.id !== accountId) throw storeCorrupt('account', 'id', 'does not match the key it is stored under');
    return record;
  }

  async createAccount(record: MfaAccountRecord): Promise<boolean> {
    const created = await this.script('createAccount', [this.keys.account(record.id)], [
      String(record.v), record.id, String(record.createdAt), String(record.updatedAt), String(record.revision), JSON.stringify(record.data),
    ]);
    return created === 1;
  }

  async compareAndSetAccount(record: MfaAccountRecord, expectedRevision: number): Promise<boolean> {
    const replaced = await this.script('compareAndSetAccount', [this.keys.account(record.id)], [
      String(record.v), String(record.updatedAt), JSON.stringify(record.data), String(expectedRevision), String(expectedRevision + 1),
    ]);
    return replaced === 1;
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    const k = this.keys;
    const [existed, factorIds, challengeIds] = (await this.script('deleteAccount',
      [
        k.account(accountId), k.factors(accountId), k.codes(accountId), k.enrolments(accountId), k.enrolmentExpiry(accountId),
        k.accountChallenges(accountId), k.attempts(accountId),
      ],
      [],
    )) as [number, string[], string[]];
    // The account's own slot, its challenges included, is gone atomically; the factor-id claims
    // and the challenges' pointers (they name the account) live in other slots and follow.
    await Promise.all([
      ...factorIds.map((id) => this.releaseFactorId(accountId, id)),
      ...challengeIds.map((id) => this.script('releaseChallengeOwner', [k.challenge(id)], [accountId])),
    ]);
    return existed === 1;
  }

  // --- factors --------------------------------------------------------------------------------

  async listFactors(accountId: string): Promise<MfaFactorRecord[]> {
    const hash = await this.command('listFactors', () => this.redis.hgetall(this.keys.factors(accountId)));
    return factorsFromHash(accountId, hash);
  }

  async getFactor(accountId: string, factorId: string): Promise<MfaFactorRecord | null> {
    const values = await this.command('getFactor', () =>
      this.redis.hmget(this.keys.factors(accountId), ...FACTOR_FIELDS.map((f) => `${f}:${factorId}`)),
    );
    if (values.every((v) => v === null)) return null;
    return factorFromFields(accountId, factorId, values);
  }

  async insertFactor(record: MfaFactorRecord): Promise<boolean> {
    if (!(await this.claimFactorId(record.accountId, record.id))) return false;
    if (!(await this.claimCredential(record))) return false;
    const inserted = await this.script('insertFactor', [this.keys.factors(record.accountId)], [record.id, ...factorArgs(record)]);
    await this.settleCredential(record, inserted === 1);
    return inserted === 1;
  }

  async compareAndSetFactor(record: MfaFactorRecord, expectedRevision: number): Promise<boolean> {
    const replaced = await this.script('compareAndSetFactor', [this.keys.factors(record.accountId)], [
      record.id, record.name, record.role, JSON.stringify(record.data), String(expectedRevision), String(expectedRevision + 1),
    ]);
    return replaced === 1;
  }

  advanceFactorStep(
    accountId: string,
    factorId: string,
    step: number,
    usedAt: number,
    options: { readonly clearAttempts?: readonly string[] } = {},
  ): Promise<boolean> {
    const clear = options.clearAttempts;
    const k = this.keys;
    const tag = k.accountTag(accountId);
    const operation = k.operationInAccount(tag, nextOperationId());
    const advanced =
      clear === undefined
        ? this.script('advanceFactorStep', [k.inAccount(tag, 'factors'), operation], [factorId, String(step), String(Math.floor(usedAt))])
        : this.script('advanceFactorStepClearing',
            [k.inAccount(tag, 'factors'), k.inAccount(tag, 'attempts'), operation],
            [factorId, String(step), String(Math.floor(usedAt)), ...clear],
          );
    return advanced.then(isOne);
  }

  async deleteFactor(
    accountId: string,
    factorId: string,
    options: { readonly minRemainingLoginFactors?: number } = {},
  ): Promise<DeleteFactorOutcome> {
    const minimum = options.minRemainingLoginFactors;
    const outcome = (await this.script('deleteFactor', [this.keys.factors(accountId)], [
      factorId, minimum === undefined ? '' : String(minimum),
    ])) as DeleteFactorOutcome;
    if (outcome === 'deleted') await this.releaseFactorId(accountId, factorId);
    return outcome;
  }

  async deleteLoginFactors(accountId: string): Promise<number> {
    const k = this.keys;
    const deleted = (await this.script('deleteLoginFactors',
      [k.factors(accountId), k.codes(accountId), k.enrolments(accountId), k.enrolmentExpiry(accountId)],
      [],
    )) as string[];
    await Promise.all(deleted.map((id) => this.releaseFactorId(accountId, id)));
    return deleted.length;
  }

  async removeLoginFactors(input: RemoveLoginFactorsInput): Promise<RemoveLoginFactorsResult> {
    const { accountId, account } = input;
    const k = this.keys;
    // One script in the account's slot: the compare-and-set, the factors, codes and enrolments,
    // and the revoked challenges (they live in the same slot), all or nothing.
    const outcome = (await this.script('removeLoginFactors',
      [k.account(accountId), k.factors(accountId), k.codes(accountId), k.enrolments(accountId), k.enrolmentExpiry(accountId), k.accountChallenges(accountId)],
      [
        ...(account === undefined
          ? ['', '', '', '']
          : [String(account.expectedRevision), String(account.expectedRevision + 1), String(account.updatedAt), JSON.stringify(account.data)]),
        ...input.revokeChallengePurposes,
      ],
    )) as [number, string[]?];
    if (outcome[0] !== 1) return { removed: false };
    const factorIds = outcome[1] ?? [];
    // The factor-id claims live in other slots: released best effort (the step above is done and
    // must be reported; a claim left behind only reserves a random id for its account).
    await Promise.all(factorIds.map((id) => this.releaseFactorId(accountId, id).catch(() => undefined)));
    return { removed: true, factorIds };
  }

  // --- pending enrolments ---------------------------------------------------------------------

  async putEnrolment(record: MfaEnrolmentRecord): Promise<void> {
    const k = this.keys;
    await this.script('putEnrolment', [k.enrolments(record.accountId), k.enrolmentExpiry(record.accountId)], [
      record.id, JSON.stringify(record), String(record.expiresAt), String(record.createdAt - this.retentionMs), String(this.retentionMs),
      String(record.createdAt),
    ]);
  }

  async getEnrolment(accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null> {
    const text = await this.command('getEnrolment', () => this.redis.hget(this.keys.enrolments(accountId), enrolmentId));
    return text === null ? null : enrolmentFromJson(accountId, enrolmentId, text);
  }

  async deleteEnrolment(accountId: string, enrolmentId: string): Promise<boolean> {
    const k = this.keys;
    const deleted = await this.script('deleteEnrolment', [k.enrolments(accountId), k.enrolmentExpiry(accountId)], [enrolmentId]);
    return deleted === 1;
  }

  async activateEnrolment(input: ActivateEnrolmentInput): Promise<ActivateEnrolmentResult> {
    const { accountId, enrolmentId, factor } = input;
    const now = Math.floor(input.now);
    const codePairs = input.backupCodes === undefined ? undefined : backupCodePairs(input.backupCodes);
    const replaces = input.replacesFactorId ?? null;
    if (!(await this.claimFactorId(accountId, enrolmentId))) return { activated: false };
    if (!(await this.claimCredential(factor))) return { activated: false, conflict: 'credential-id' };
    const k = this.keys;
    const [activated, stored] = (await this.script('activateEnrolment',
      [k.enrolments(accountId), k.enrolmentExpiry(accountId), k.factors(accountId), k.codes(accountId), this.operationKey(accountId)],
      [enrolmentId, String(now), replaces ?? '', ...factorArgs(factor), String(codePairs === undefined ? -1 : codePairs.length / 2), ...(codePairs ?? [])],
    )) as [number, number];
    await this.settleCredential(factor, activated === 1);
    if (activated !== 1) return { activated: false };
    if (replaces !== null) await this.releaseFactorId(accountId, replaces);
    return { activated: true, backupCodesStored: stored === 1 };
  }

  // --- backup codes ---------------------------------------------------------------------------

  async replaceBackupCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): Promise<void> {
    const pairs = backupCodePairs(codes);
    await this.script('replaceBackupCodes', [this.keys.codes(accountId)], pairs);
  }

  async getBackupCode(accountId: string, codeId: string): Promise<MfaBackupCodeRecord | null> {
    const text = await this.command('getBackupCode', () => this.redis.hget(this.keys.codes(accountId), codeId));
    return text === null ? null : backupCodeFromJson(accountId, codeId, text);
  }

  async consumeBackupCode(accountId: string, codeId: string, options: ConsumeBackupCodeOptions = {}): Promise<boolean> {
    const k = this.keys;
    const tombstone = options.tombstone;
    // A tombstone of another account (never the service's) is stored apart, just before, best effort.
    if (tombstone !== undefined && tombstone.accountId !== accountId) await this.putChallenge(tombstone).catch(() => undefined);
    const own = tombstone !== undefined && tombstone.accountId === accountId ? tombstone : undefined;
    // One script (HDEL, the account's tombstone, the clears and the operation's outcome): of
    // concurrent calls, exactly one removes the field.
    const consume: ScriptCall = {
      name: 'consumeBackupCode',
      keys: [k.codes(accountId), this.operationKey(accountId), k.attempts(accountId), k.accountChallenges(accountId)],
      args: [
        codeId, own?.id ?? '', own === undefined ? '' : JSON.stringify(own), own === undefined ? '0' : String(own.expiresAt - own.createdAt),
        ...(options.clearAttempts ?? []),
      ],
    };
    // The tombstone's pointer (how it is found by id) first, on its own: alone it points to
    // nothing, while a code used up by a call that then fails (its pointer refused) is lost.
    if (own === undefined) return (await this.script(consume.name, consume.keys, consume.args)) === 1;
    const previous = await this.run(this.ownerPointer(own, accountId));
    const used = (await this.script(consume.name, consume.keys, consume.args)) === 1;
    if (used) await this.dropReplaced(own.id, previous, accountId);
    return used;
  }

  async countBackupCodes(accountId: string): Promise<number> {
    return this.command('countBackupCodes', () => this.redis.hlen(this.keys.codes(accountId)));
  }

  // --- challenges -----------------------------------------------------------------------------

  async putChallenge(record: MfaChallengeRecord): Promise<void> {
    const k = this.keys;
    if (record.accountId === null) {
      const previous = await this.script('putChallenge', [k.challenge(record.id)], [
        String(record.v), record.id, record.purpose, JSON.stringify(record.data), String(record.createdAt), String(record.expiresAt), String(record.revision),
      ]);
      await this.dropReplaced(record.id, previous, null);
      return;
    }
    // The pointer its id's key holds first, then the record in the account's slot (revoked with the
    // account's factors), each once the one before succeeded: a pointer without a record reads as
    // absent, but a record without a pointer would be listed and read by the account's calls while
    // consume by id cannot find it, after a call that failed.
    const previous = await this.run(this.ownerPointer(record, record.accountId));
    await this.script('putAccountChallenge', [k.accountChallenges(record.accountId)], [
      record.id, JSON.stringify(record), String(record.expiresAt - record.createdAt), String(record.createdAt),
    ]);
    await this.dropReplaced(record.id, previous, record.accountId);
  }

  async getChallenge(challengeId: string, now: number): Promise<MfaChallengeRecord | null> {
    return this.challengeFromOwnKey(challengeId, await this.command('getChallenge', () => this.redis.hgetall(this.keys.challenge(challengeId))), now);
  }

  async consumeChallenge(
    challengeId: string,
    options: { readonly purpose: string; readonly now: number },
  ): Promise<MfaChallengeRecord | null> {
    const k = this.keys;
    const now = String(Math.floor(options.now));
    // A fresh operation key in the challenge's slot: a resend after a lost reply returns the record again.
    const operation = k.challengeOperation(challengeId, nextOperationId());
    const reply = await this.script('consumeChallenge', [k.challenge(challengeId), operation], [options.purpose, now]);
    if (typeof reply !== 'string') return Array.isArray(reply) ? challengeFromHash(pairsToObject(reply)) : null;
    // An account's challenge: the reply names the account, whose slot holds (and consumes) it.
    const json = await this.script('consumeAccountChallenge', [k.accountChallenges(reply), this.operationKey(reply)], [challengeId, options.purpose, now]);
    return typeof json === 'string' ? challengeFromJson(reply, challengeId, json) : null;
  }

  async compareAndSetChallenge(record: MfaChallengeRecord, expectedRevision: number, now: number): Promise<boolean> {
    const at = Math.floor(now);
    const k = this.keys;
    if (record.accountId === null) {
      const [replaced] = (await this.script('compareAndSetChallenge', [k.challenge(record.id)], [
        String(expectedRevision), String(expectedRevision + 1), JSON.stringify(record.data), String(record.expiresAt), String(at),
      ])) as [number, string];
      return replaced === 1;
    }
    // The pointer first (it only ever grows, and alone it is harmless: a pointer that outlives its
    // record reads as absent), then the record: a failure in between never leaves a record with a
    // later expiry than the pointer that finds it by id.
    await this.script('extendChallengeOwner', [k.challenge(record.id)], [record.accountId, String(record.expiresAt - at)]);
    const [replaced] = (await this.script('compareAndSetAccountChallenge', [k.accountChallenges(record.accountId)], [
      record.id, String(expectedRevision), JSON.stringify({ ...record, revision: expectedRevision + 1 }), String(record.expiresAt), String(at), record.purpose,
    ])) as [number, number];
    return replaced === 1;
  }

  async listChallenges(accountId: string, purpose: string, now: number): Promise<MfaChallengeRecord[]> {
    const pairs = (await this.script('listAccountChallenges', [this.keys.accountChallenges(accountId)], [purpose, String(Math.floor(now))])) as string[];
    const found: MfaChallengeRecord[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) found.push(challengeFromJson(accountId, pairs[i]!, pairs[i + 1]!));
    return found;
  }

  async deleteChallenges(accountId: string, purpose: string): Promise<number> {
    return (await this.script('deleteAccountChallenges', [this.keys.accountChallenges(accountId)], [purpose])) as number;
  }

  // --- attempt records ------------------------------------------------------------------------

  async chargeAttempts(
    accountId: string,
    charges: readonly MfaAttemptChargeInput[],
    options: ChargeAttemptsOptions,
  ): Promise<ChargeAttemptsResult> {
    const now = Math.floor(options.now);
    const withFactors = options.withFactors === true;
    const codeId = options.withBackupCode;
    const args: string[] = [String(now), withFactors ? '1' : '0', String(charges.length)];
    for (const { name, rule } of charges) {
      args.push(name, String(rule.limit), String(rule.freeAttempts), String(rule.baseDelayMs), String(rule.maxDelayMs), String(rule.memoryMs), String(now + rule.memoryMs));
    }
    args.push(codeId ?? '');
    const ids = options.withChallenges ?? [];
    for (const id of ids) args.push(id);
    const k = this.keys;
    const tag = k.accountTag(accountId);
    // The account's challenges are read by the script (its slot); beside it, in the same write to
    // the socket on a single server (one round trip), each id's own key: a challenge bound to no
    // account lives there, one of another account is pointed to from there.
    const [reply, hashes] = (await this.checkedThen(() =>
      runScriptReading(this.redis, 'chargeAttempts',
        [k.inAccount(tag, 'attempts'), k.inAccount(tag, 'factors'), k.inAccount(tag, 'codes'), k.inAccount(tag, 'challenges')], args, ids.map((id) => k.challenge(id))),
    )) as [unknown[], Record<string, string>[]];
    // The reply read in place: { factors, 5 numbers per charge, [code, count], challenge JSON… }.
    const factors = withFactors ? factorsFromFlat(accountId, Array.isArray(reply[0]) ? (reply[0] as string[]) : []) : null;
    const results: (MfaAttemptCharge | null)[] = new Array<MfaAttemptCharge | null>(charges.length);
    for (let i = 0, at = 1; i < charges.length; i++, at += 5) {
      const state = reply[at];
      results[i] = state === -1 ? null : {
        allowed: state === 1, count: Number(reply[at + 1]), lastAt: reply[at + 2] === 1 ? Number(reply[at + 3]) : null, expiresAt: Number(reply[at + 4]),
      };
    }
    const reads: { challenges?: (MfaChallengeRecord | null)[]; backupCode?: { record: MfaBackupCodeRecord | null; count: number } } = {};
    let at = 1 + charges.length * 5;
    if (codeId !== undefined) {
      const json = reply[at];
      const count = reply[at + 1];
      at += 2;
      reads.backupCode = {
        record: typeof json === 'string' && json !== '' ? backupCodeFromJson(accountId, codeId, json) : null,
        count: storedInteger(count, 'backup-code', 'count'),
      };
    }
    if (options.withChallenges !== undefined) {
      const found: (MfaChallengeRecord | null | Promise<MfaChallengeRecord | null>)[] = [];
      let elsewhere = false;
      for (let i = 0; i < ids.length; i++) {
        const json = reply[at + i];
        const hash = hashes[i]!;
        if (typeof json === 'string' && json !== '') found.push(live(challengeFromJson(accountId, ids[i]!, json), now));
        else if (hash['owner'] === undefined) found.push(challengeFrom(hash, now));
        else if (hash['owner'] === accountId) found.push(null);
        else {
          elsewhere = true;
          found.push(this.challengeFromOwnKey(ids[i]!, hash, now));
        }
      }
      reads.challenges = elsewhere ? await Promise.all(found) : (found as (MfaChallengeRecord | null)[]);
    }
    return { factors, charges: results, ...reads };
  }

  async getAttempts(accountId: string, name: string, now: number): Promise<MfaAttemptState | null> {
    const at = Math.floor(now);
    const [count, last, expiresAt] = await this.command('getAttempts', () => this.redis.hmget(this.keys.attempts(accountId), `c:${name}`, `l:${name}`, `e:${name}`));
    if (count === null || count === undefined || expiresAt === null || expiresAt === undefined) return null;
    const state: MfaAttemptState = {
      count: storedInteger(count, 'counter', 'count'),
      lastAt: storedIntegerOrNull(last, 'counter', 'lastAt'),
      expiresAt: storedInteger(expiresAt, 'counter', 'expiresAt'),
    };
    return state.expiresAt > at ? state : null;
  }

  async clearAttempts(accountId: string, names?: readonly string[]): Promise<void> {
    await this.script('clearAttempts', [this.keys.attempts(accountId)], names === undefined ? [] : [...names]);
  }

  // --- counters -------------------------------------------------------------------------------

  async incrementCounter(key: string, options: { readonly ttlMs: number; readonly now: number }): Promise<MfaCounterState> {
    const now = Math.floor(options.now);
    const [count, expiresAt, previousAt] = (await this.script('incrementCounter', [this.keys.counter(key)], [
      String(now), String(now + Math.ceil(options.ttlMs)),
    ])) as [unknown, unknown, unknown];
    return counterFrom(count, expiresAt, previousAt);
  }

  async getCounter(key: string, now: number): Promise<MfaCounterState | null> {
    const at = Math.floor(now);
    const [count, expiresAt, last] = await this.command('getCounter', () => this.redis.hmget(this.keys.counter(key), 'count', 'exp', 'last'));
    if (count === null || count === undefined) return null;
    const state = counterFrom(count, expiresAt, last);
    return state.expiresAt > at ? state : null;
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Runs `fn` at once when the server check has passed, else after the check (once). */
  private checkedThen<T>(fn: () => Promise<T>): Promise<T> {
    return this.serverChecked === true ? fn() : this.checkServer().then(fn);
  }

  /** Runs a script of the store; before the server check has passed, the check first (once). */
  private script(name: RedisStoreScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (this.serverChecked === true) return runScript(this.redis, name, keys, args);
    return this.checkServer().then(() => runScript(this.redis, name, keys, args));
  }

  /** Runs one command (errors become `MfaError`); before the server check has passed, the check first (once). */
  private command<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (this.serverChecked === true) return runCommand(operation, command);
    return this.checkServer().then(() => runCommand(operation, command));
  }

  private async claimFactorId(accountId: string, factorId: string): Promise<boolean> {
    return (await this.script('claimFactorId', [this.keys.factorOwner(factorId)], [accountId])) === 1;
  }

  /*
   * WebAuthn credential ids are unique across accounts through a claim key in its own slot, taken
   * before the factor is written: pending (it expires after CREDENTIAL_CLAIM_PENDING_MS) until the
   * factor is stored, then permanent. Deleting a factor leaves its claim; a later claimant finds the
   * owner's factor gone (or holding another credential) and takes the claim over, so deletes need
   * no cross-slot step. A pending claim is never taken over: its registration may be in flight.
   */
  private async claimCredential(factor: MfaFactorRecord): Promise<boolean> {
    const credentialId = factorCredentialId(factor);
    if (credentialId === null) return true;
    const key = this.keys.credentialOwner(credentialId);
    const mine = JSON.stringify([factor.accountId, factor.id]);
    const pending = String(CREDENTIAL_CLAIM_PENDING_MS);
    const answer = (await this.script('claimCredential', [key], [mine, pending])) as [number, string?, number?];
    if (answer[0] === 1) return true;
    const [, owner, ttl] = answer;
    if (typeof owner !== 'string' || ttl !== -1) return false;
    let holder: unknown;
    try {
      holder = JSON.parse(owner);
    } catch {
      holder = null;
    }
    if (!Array.isArray(holder) || typeof holder[0] !== 'string' || typeof holder[1] !== 'string') return false;
    const [kind, data] = await this.command('claimCredential', () =>
      this.redis.hmget(this.keys.factors(holder[0] as string), `kind:${holder[1] as string}`, `data:${holder[1] as string}`),
    );
    if (typeof kind === 'string' && typeof data === 'string') {
      try {
        if (factorCredentialId({ kind, data: JSON.parse(data) }) === credentialId) return false;
      } catch {
        return false;
      }
    }
    return (await this.script('takeOverCredential', [key], [owner, mine, pending])) === 1;
  }

  /** After the write: a stored factor's claim becomes permanent, a refused one's is dropped. */
  private async settleCredential(factor: MfaFactorRecord, stored: boolean): Promise<void> {
    const credentialId = factorCredentialId(factor);
    if (credentialId === null) return;
    const mine = JSON.stringify([factor.accountId, factor.id]);
    await this.script(stored ? 'confirmCredential' : 'releaseCredential', [this.keys.credentialOwner(credentialId)], [mine]);
  }

  private async releaseFactorId(accountId: string, factorId: string): Promise<void> {
    await this.script('releaseFactorId', [this.keys.factorOwner(factorId)], [accountId]);
  }

  /**
   * A fresh operation key: the script stores its outcome there, so the same command resent by the
   * driver after a lost reply (ioredis does on reconnect) returns that outcome again.
   */
  private operationKey(accountId: string): string {
    return this.keys.operationInAccount(this.keys.accountTag(accountId), nextOperationId());
  }

  /**
   * After a challenge was stored under an id whose key pointed to another account (`previous`, as
   * the pointer's write returned it): that account's record of the id is dropped, since the id now
   * names the new challenge (`putChallenge` replaces by id). A failure before this step leaves the
   * old record only in its account's slot, never found by id.
   */
  private async dropReplaced(challengeId: string, previous: unknown, owner: string | null): Promise<void> {
    if (typeof previous !== 'string' || previous === owner) return;
    await this.script('dropAccountChallenge', [this.keys.accountChallenges(previous)], [challengeId]);
  }

  /** Runs one script call. */
  private run(call: ScriptCall): Promise<unknown> {
    return this.script(call.name, call.keys, call.args);
  }

  /** The pointer an account's challenge's own key holds: the owner, for as long as the record lives. */
  private ownerPointer(record: MfaChallengeRecord, accountId: string): ScriptCall {
    return { name: 'putChallengeOwner', keys: [this.keys.challenge(record.id)], args: [accountId, String(record.expiresAt - record.createdAt)] };
  }

  /**
   * A challenge from its own key's hash as read: the record of one bound to no account, or the
   * pointer to the account whose slot holds it (read there).
   */
  private async challengeFromOwnKey(challengeId: string, hash: Record<string, string>, now: number): Promise<MfaChallengeRecord | null> {
    const owner = hash['owner'];
    if (owner === undefined) return challengeFrom(hash, now);
    const json = await this.command('getChallenge', () => this.redis.hget(this.keys.accountChallenges(owner), challengeId));
    return json === null ? null : live(challengeFromJson(owner, challengeId, json), now);
  }
}

/**
 * Creates the Redis {@link MfaStore} on the app's ioredis client (`Redis` or `Cluster`). Every key
 * of one account shares the hash tag `{a:<account>}`, so it works on Redis Cluster. Read the
 * durability caveat in docs/stores.md before keeping backup codes or TOTP replay state in Redis.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisStore } from 'mfakit/stores/redis';
 * const store = createRedisStore({ redis: new Redis(process.env.REDIS_URL!), keyPrefix: 'mfakit:' });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  return withArgumentChecks(new RedisStore(options));
}
