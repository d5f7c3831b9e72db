/**
 * The in-memory store: the embedded default, for tests, demos and single-process apps.
 *
 * Why it is atomic: JavaScript runs one piece of code at a time, and every method below does all
 * of its reading and writing synchronously, with no `await` in between. So concurrent async calls
 * (the 50-requests-at-once case) see each operation as indivisible. Records are copied through
 * JSON on the way in and out, which also proves they are JSON-serialisable like an SQL or Redis
 * adapter needs. Not shared between processes: with several workers use a shared store.
 * @module
 */
import { applyAttemptCharge, type MfaAttemptCharge, type MfaAttemptChargeInput, type MfaAttemptState } from '../../store/attempts.js';
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
import { withArgumentChecks } from '../../store/arguments.js';
import {
  factorCredentialId,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaCounterState,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from '../../store/records.js';

/**
 * Options of {@link createMemoryStore}. None yet; the object keeps the signature stable.
 *
 * @example
 * ```ts
 * const store = createMemoryStore({});
 * ```
 */
export interface MemoryStoreOptions {}

/**
 * Stored values are JSON copies (which also proves they are JSON-serialisable, as SQL and Redis
 * adapters need), deeply frozen: reads can then hand out the stored object itself, and a caller
 * can never change what the store holds.
 */
function frozenCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Map of maps, keyed by account id; optionally an index of which account holds an id. */
class AccountScoped<T> {
  private readonly byAccount = new Map<string, Map<string, T>>();
  private readonly owners: Map<string, string> | undefined;
  /** Values by a key unique across accounts (a WebAuthn credential id), when `uniqueKey` is given. */
  private readonly unique = new Map<string, string>();
  private readonly uniqueKey: ((value: T) => string | null) | undefined;

  constructor(options: { indexIds?: boolean; uniqueKey?: (value: T) => string | null } = {}) {
    this.owners = options.indexIds === true ? new Map() : undefined;
    this.uniqueKey = options.uniqueKey;
  }

  private unindex(value: T | undefined): void {
    const key = value === undefined ? null : (this.uniqueKey?.(value) ?? null);
    if (key !== null) this.unique.delete(key);
  }

  /** Whether any value of any account holds the unique key `key`. */
  hasUniqueKey(key: string): boolean {
    return this.unique.has(key);
  }

  get(accountId: string, id: string): T | undefined {
    return this.byAccount.get(accountId)?.get(id);
  }

  set(accountId: string, id: string, value: T): void {
    let inner = this.byAccount.get(accountId);
    if (inner === undefined) this.byAccount.set(accountId, (inner = new Map()));
    this.unindex(inner.get(id));
    inner.set(id, value);
    const key = this.uniqueKey?.(value) ?? null;
    if (key !== null) this.unique.set(key, id);
    this.owners?.set(id, accountId);
  }

  delete(accountId: string, id: string): boolean {
    const inner = this.byAccount.get(accountId);
    if (inner === undefined) return false;
    this.unindex(inner.get(id));
    const deleted = inner.delete(id);
    if (deleted) this.owners?.delete(id);
    if (inner.size === 0) this.byAccount.delete(accountId);
    return deleted;
  }

  /** Whether any account holds `id` (only with `indexIds`). */
  hasId(id: string): boolean {
    return this.owners?.has(id) ?? false;
  }

  keys(accountId: string): string[] {
    return [...(this.byAccount.get(accountId)?.keys() ?? [])];
  }

  values(accountId: string): T[] {
    return [...(this.byAccount.get(accountId)?.values() ?? [])];
  }

  clear(accountId: string): number {
    const inner = this.byAccount.get(accountId);
    const size = inner?.size ?? 0;
    if (inner !== undefined && this.owners !== undefined) for (const id of inner.keys()) this.owners.delete(id);
    if (inner !== undefined) for (const value of inner.values()) this.unindex(value);
    this.byAccount.delete(accountId);
    return size;
  }
}

/**
 * The in-memory {@link MfaStore}. Each method runs synchronously inside, so it is atomic under
 * concurrent async calls in one process. Its methods take valid arguments for granted: create it
 * with {@link createMemoryStore}, which checks them (`withArgumentChecks`), as the service does.
 *
 * @example
 * ```ts
 * const store: MemoryStore = createMemoryStore();
 * await store.incrementCounter('attempts:user-42', { ttlMs: 60_000, now: Date.now() });
 * ```
 */
export class MemoryStore implements MfaStore {
  private readonly accounts = new Map<string, MfaAccountRecord>();
  private readonly factors = new AccountScoped<MfaFactorRecord>({ indexIds: true, uniqueKey: factorCredentialId });
  private readonly enrolments = new AccountScoped<MfaEnrolmentRecord>();
  private readonly backupCodes = new AccountScoped<MfaBackupCodeRecord>();
  private readonly challenges = new Map<string, MfaChallengeRecord>();
  private readonly attempts = new AccountScoped<MfaAttemptState>();
  private readonly counters = new Map<string, { count: number; readonly expiresAt: number; previousAt: number | null }>();
  private sweepAtSize = 1024;

  constructor(_options: MemoryStoreOptions = {}) {}

  // --- accounts -------------------------------------------------------------------------------

  async getAccount(accountId: string): Promise<MfaAccountRecord | null> {
    const found = this.accounts.get(accountId);
    return found ?? null;
  }

  async createAccount(record: MfaAccountRecord): Promise<boolean> {
    if (this.accounts.has(record.id)) return false;
    this.accounts.set(record.id, frozenCopy(record));
    return true;
  }

  async compareAndSetAccount(record: MfaAccountRecord, expectedRevision: number): Promise<boolean> {
    const stored = this.accounts.get(record.id);
    if (stored === undefined || stored.revision !== expectedRevision) return false;
    this.accounts.set(record.id, Object.freeze({ ...frozenCopy(record), createdAt: stored.createdAt, revision: expectedRevision + 1 }));
    return true;
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    const existed = this.accounts.delete(accountId);
    this.factors.clear(accountId);
    this.enrolments.clear(accountId);
    this.backupCodes.clear(accountId);
    this.attempts.clear(accountId);
    for (const [id, challenge] of this.challenges) if (challenge.accountId === accountId) this.challenges.delete(id);
    return existed;
  }

  // --- factors --------------------------------------------------------------------------------

  async listFactors(accountId: string): Promise<MfaFactorRecord[]> {
    return this.factors.values(accountId);
  }

  async getFactor(accountId: string, factorId: string): Promise<MfaFactorRecord | null> {
    const found = this.factors.get(accountId, factorId);
    return found ?? null;
  }

  async insertFactor(record: MfaFactorRecord): Promise<boolean> {
    if (this.factorIdTaken(record.id) || this.credentialTaken(record)) return false;
    this.factors.set(record.accountId, record.id, frozenCopy(record));
    return true;
  }

  async compareAndSetFactor(record: MfaFactorRecord, expectedRevision: number): Promise<boolean> {
    const stored = this.factors.get(record.accountId, record.id);
    if (stored === undefined || stored.revision !== expectedRevision) return false;
    const next: MfaFactorRecord = {
      ...stored,
      name: record.name,
      role: record.role,
      data: frozenCopy(record.data),
      revision: expectedRevision + 1,
    };
    this.factors.set(record.accountId, record.id, Object.freeze(next));
    return true;
  }

  async advanceFactorStep(
    accountId: string,
    factorId: string,
    step: number,
    usedAt: number,
    options: { readonly clearAttempts?: readonly string[] } = {},
  ): Promise<boolean> {
    const clear = options.clearAttempts;
    const stored = this.factors.get(accountId, factorId);
    if (stored === undefined || !(step > stored.lastStep)) return false;
    this.factors.set(accountId, factorId, Object.freeze({ ...stored, lastStep: step, lastUsedAt: usedAt }));
    if (clear !== undefined) this.clearAttemptRecords(accountId, clear);
    return true;
  }

  async deleteFactor(
    accountId: string,
    factorId: string,
    options: { readonly minRemainingLoginFactors?: number } = {},
  ): Promise<DeleteFactorOutcome> {
    const stored = this.factors.get(accountId, factorId);
    if (stored === undefined) return 'not-found';
    const minimum = options.minRemainingLoginFactors;
    if (minimum !== undefined) {
      const remaining = this.factors.values(accountId).filter((f) => f.role === 'login' && f.id !== factorId).length;
      if (remaining < minimum) return 'too-few-remaining';
    }
    this.factors.delete(accountId, factorId);
    return 'deleted';
  }

  async deleteLoginFactors(accountId: string): Promise<number> {
    let deleted = 0;
    for (const factor of this.factors.values(accountId)) {
      if (factor.role === 'login') {
        this.factors.delete(accountId, factor.id);
        deleted++;
      }
    }
    this.backupCodes.clear(accountId);
    this.enrolments.clear(accountId);
    return deleted;
  }

  async removeLoginFactors(input: RemoveLoginFactorsInput): Promise<RemoveLoginFactorsResult> {
    const { accountId, revokeChallengePurposes: purposes, account } = input;
    let next: MfaAccountRecord | undefined;
    if (account !== undefined) {
      const stored = this.accounts.get(accountId);
      if (stored === undefined || stored.revision !== account.expectedRevision) return { removed: false };
      next = Object.freeze({ ...stored, updatedAt: account.updatedAt, data: frozenCopy(account.data), revision: stored.revision + 1 });
    }
    // All checks done: from here on nothing can fail, so the step is all-or-nothing.
    const revoked = new Set(purposes);
    for (const [id, challenge] of this.challenges) {
      if (challenge.accountId === accountId && revoked.has(challenge.purpose)) this.challenges.delete(id);
    }
    const factorIds: string[] = [];
    for (const factor of this.factors.values(accountId)) {
      if (factor.role === 'login') {
        this.factors.delete(accountId, factor.id);
        factorIds.push(factor.id);
      }
    }
    this.backupCodes.clear(accountId);
    this.enrolments.clear(accountId);
    if (next !== undefined) this.accounts.set(accountId, next);
    return { removed: true, factorIds };
  }

  // --- pending enrolments ---------------------------------------------------------------------

  async putEnrolment(record: MfaEnrolmentRecord): Promise<void> {
    // Expired enrolments of this account are dead weight: drop them here (bounded memory).
    for (const stale of this.enrolments.values(record.accountId)) {
      if (!(stale.expiresAt > record.createdAt)) this.enrolments.delete(record.accountId, stale.id);
    }
    this.enrolments.set(record.accountId, record.id, frozenCopy(record));
  }

  async getEnrolment(accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null> {
    const found = this.enrolments.get(accountId, enrolmentId);
    return found ?? null;
  }

  async deleteEnrolment(accountId: string, enrolmentId: string): Promise<boolean> {
    return this.enrolments.delete(accountId, enrolmentId);
  }

  async activateEnrolment(input: ActivateEnrolmentInput): Promise<ActivateEnrolmentResult> {
    const { accountId, enrolmentId, factor, now } = input;
    const pending = this.enrolments.get(accountId, enrolmentId);
    if (pending === undefined || !(pending.expiresAt > now)) return { activated: false };
    if (this.factorIdTaken(factor.id)) return { activated: false };
    if (this.credentialTaken(factor)) return { activated: false, conflict: 'credential-id' };
    // All checks done: from here on nothing can fail, so the step is all-or-nothing.
    const storeCodes = input.backupCodes !== undefined && this.backupCodes.values(accountId).length === 0;
    this.enrolments.delete(accountId, enrolmentId);
    if (input.replacesFactorId != null) this.factors.delete(accountId, input.replacesFactorId);
    this.factors.set(accountId, factor.id, frozenCopy(factor));
    if (storeCodes) for (const code of input.backupCodes ?? []) this.backupCodes.set(accountId, code.id, frozenCopy(code));
    return { activated: true, backupCodesStored: storeCodes };
  }

  // --- backup codes ---------------------------------------------------------------------------

  async replaceBackupCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): Promise<void> {
    this.backupCodes.clear(accountId);
    for (const code of codes) this.backupCodes.set(accountId, code.id, frozenCopy(code));
  }

  async getBackupCode(accountId: string, codeId: string): Promise<MfaBackupCodeRecord | null> {
    const found = this.backupCodes.get(accountId, codeId);
    return found ?? null;
  }

  async consumeBackupCode(accountId: string, codeId: string, options: ConsumeBackupCodeOptions = {}): Promise<boolean> {
    if (!this.backupCodes.delete(accountId, codeId)) return false;
    if (options.clearAttempts !== undefined) this.clearAttemptRecords(accountId, options.clearAttempts);
    // putChallenge writes before its first await: all three happen in one synchronous step.
    if (options.tombstone !== undefined) await this.putChallenge(options.tombstone);
    return true;
  }

  async countBackupCodes(accountId: string): Promise<number> {
    return this.backupCodes.values(accountId).length;
  }

  // --- challenges -----------------------------------------------------------------------------

  async putChallenge(record: MfaChallengeRecord): Promise<void> {
    // Challenges nobody reads again would pile up: sweep the expired ones whenever the map has
    // doubled since the last sweep (amortised O(1) per put, memory bounded by twice the live set).
    if (this.challenges.size + this.counters.size >= this.sweepAtSize) {
      for (const [id, stale] of this.challenges) if (!(stale.expiresAt > record.createdAt)) this.challenges.delete(id);
      for (const [key, counter] of this.counters) if (!(counter.expiresAt > record.createdAt)) this.counters.delete(key);
      this.sweepAtSize = Math.max(1024, 2 * (this.challenges.size + this.counters.size));
    }
    this.challenges.set(record.id, frozenCopy(record));
  }

  async getChallenge(challengeId: string, now: number): Promise<MfaChallengeRecord | null> {
    const found = this.liveChallenge(challengeId, now);
    return found ?? null;
  }

  async consumeChallenge(
    challengeId: string,
    options: { readonly purpose: string; readonly now: number },
  ): Promise<MfaChallengeRecord | null> {
    const found = this.liveChallenge(challengeId, options.now);
    if (found === undefined || found.purpose !== options.purpose) return null;
    this.challenges.delete(challengeId);
    return found;
  }

  async compareAndSetChallenge(record: MfaChallengeRecord, expectedRevision: number, now: number): Promise<boolean> {
    const stored = this.liveChallenge(record.id, now);
    if (stored === undefined || stored.revision !== expectedRevision) return false;
    this.challenges.set(
      record.id,
      Object.freeze({ ...stored, data: frozenCopy(record.data), expiresAt: record.expiresAt, revision: expectedRevision + 1 }),
    );
    return true;
  }

  async listChallenges(accountId: string, purpose: string, now: number): Promise<MfaChallengeRecord[]> {
    const found: MfaChallengeRecord[] = [];
    for (const id of this.challenges.keys()) {
      const challenge = this.liveChallenge(id, now);
      if (challenge !== undefined && challenge.accountId === accountId && challenge.purpose === purpose) found.push(challenge);
    }
    return found;
  }

  async deleteChallenges(accountId: string, purpose: string): Promise<number> {
    let deleted = 0;
    for (const [id, challenge] of this.challenges) {
      if (challenge.accountId === accountId && challenge.purpose === purpose) {
        this.challenges.delete(id);
        deleted++;
      }
    }
    return deleted;
  }

  // --- attempt records ------------------------------------------------------------------------

  async chargeAttempts(
    accountId: string,
    charges: readonly MfaAttemptChargeInput[],
    options: ChargeAttemptsOptions,
  ): Promise<ChargeAttemptsResult> {
    const factors = options.withFactors === true ? this.factors.values(accountId) : null;
    const reads: { challenges?: (MfaChallengeRecord | null)[]; backupCode?: { record: MfaBackupCodeRecord | null; count: number } } = {};
    if (options.withChallenges !== undefined) reads.challenges = options.withChallenges.map((id) => this.liveChallenge(id, options.now) ?? null);
    if (options.withBackupCode !== undefined) {
      reads.backupCode = { record: this.backupCodes.get(accountId, options.withBackupCode) ?? null, count: this.backupCodes.values(accountId).length };
    }
    const results: (MfaAttemptCharge | null)[] = [];
    let going = factors === null || factors.some((f) => f.role === 'login');
    for (const { name, rule } of charges) {
      if (!going) {
        results.push(null);
        continue;
      }
      const outcome = applyAttemptCharge(this.attempts.get(accountId, name) ?? null, rule, options.now);
      if (outcome.allowed) this.attempts.set(accountId, name, { count: outcome.count, lastAt: outcome.lastAt, expiresAt: outcome.expiresAt });
      results.push(outcome);
      going = outcome.allowed;
    }
    return { factors, charges: results, ...reads };
  }

  async getAttempts(accountId: string, name: string, now: number): Promise<MfaAttemptState | null> {
    const stored = this.attempts.get(accountId, name);
    if (stored === undefined) return null;
    if (!(stored.expiresAt > now)) {
      this.attempts.delete(accountId, name);
      return null;
    }
    return { ...stored };
  }

  async clearAttempts(accountId: string, names?: readonly string[]): Promise<void> {
    this.clearAttemptRecords(accountId, names);
  }

  // --- counters -------------------------------------------------------------------------------

  async incrementCounter(key: string, options: { readonly ttlMs: number; readonly now: number }): Promise<MfaCounterState> {
    const stored = this.counters.get(key);
    if (stored !== undefined && stored.expiresAt > options.now) {
      // The stored state never leaves the store (getCounter copies it): updated in place.
      const result: MfaCounterState = { count: stored.count + 1, expiresAt: stored.expiresAt, previousAt: stored.previousAt };
      stored.count = result.count;
      stored.previousAt = options.now;
      return result;
    }
    // Stored `previousAt` is the time of the latest increment; it is reported by the next one.
    const expiresAt = options.now + options.ttlMs;
    this.counters.set(key, { count: 1, expiresAt, previousAt: options.now });
    return { count: 1, expiresAt, previousAt: null };
  }

  async getCounter(key: string, now: number): Promise<MfaCounterState | null> {
    const stored = this.counters.get(key);
    if (stored === undefined) return null;
    if (!(stored.expiresAt > now)) {
      this.counters.delete(key);
      return null;
    }
    return { ...stored };
  }

  // --- helpers --------------------------------------------------------------------------------

  private liveChallenge(challengeId: string, now: number): MfaChallengeRecord | undefined {
    const found = this.challenges.get(challengeId);
    if (found === undefined) return undefined;
    if (!(found.expiresAt > now)) {
      this.challenges.delete(challengeId);
      return undefined;
    }
    return found;
  }

  /** Clears in place (the record keeps its expiry); absent or clear records are left alone. */
  private clearAttemptRecords(accountId: string, names: readonly string[] | undefined): void {
    const targets = names ?? this.attempts.keys(accountId);
    for (const name of targets) {
      const stored = this.attempts.get(accountId, name);
      if (stored !== undefined && stored.count > 0) this.attempts.set(accountId, name, { count: 0, lastAt: null, expiresAt: stored.expiresAt });
    }
  }

  private credentialTaken(factor: MfaFactorRecord): boolean {
    const credentialId = factorCredentialId(factor);
    return credentialId !== null && this.factors.hasUniqueKey(credentialId);
  }

  private factorIdTaken(factorId: string): boolean {
    return this.factors.hasId(factorId);
  }
}

/**
 * Creates an in-memory {@link MfaStore}: the embedded default, atomic under concurrent async calls
 * in one process, not shared between processes.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from 'mfakit/stores/memory';
 * import { createMfaService } from 'mfakit/service';
 * const service = createMfaService({ issuer: 'Example', store: createMemoryStore(), keyRing });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return withArgumentChecks(new MemoryStore(options));
}
