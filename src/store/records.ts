/**
 * The records of the storage contract. Every record is plain JSON (bytes as base64url strings) so a
 * SQL row or a Redis hash can hold it without custom encoding, and every record carries a schema
 * version `v` so an adapter (or the service) can refuse a record written by a newer mfakit.
 * @module
 */
import { MfaError } from '../errors.js';
import type { LoginFactorKind, RecoveryMethodKind } from '../factor-kinds.js';

/**
 * The schema version of every record this mfakit version writes. A store that reads a record with
 * another `v` must throw `MfaError('STORE_SCHEMA_VERSION')` rather than guess.
 *
 * @example
 * ```ts
 * const record: MfaChallengeRecord = { v: MFA_RECORD_VERSION, id, purpose: 'webauthn', data: {}, createdAt: now, expiresAt: now + 300_000, revision: 0 };
 * ```
 */
export const MFA_RECORD_VERSION = 1 as const;

/**
 * Any JSON value. Kind-specific data in records is typed as JSON so adapters can store it as
 * `jsonb` or a string without knowing the kinds.
 *
 * @example
 * ```ts
 * const data: MfaJsonValue = { digits: 6, period: 30, tags: ['phone'] };
 * ```
 */
export type MfaJsonValue = null | boolean | number | string | MfaJsonValue[] | { [key: string]: MfaJsonValue };

/**
 * A JSON object (the shape of every `data` field).
 *
 * @example
 * ```ts
 * const data: MfaJsonObject = { channel: 'sms' };
 * ```
 */
export type MfaJsonObject = { [key: string]: MfaJsonValue };

/**
 * Factor and recovery-method kinds. Login factors: `totp`, `email`, `sms`, `webauthn`
 * (`backup-codes` are stored as their own records, but report as this kind). Recovery methods, which
 * never satisfy a login: `ssh-key`, `phone`. The union is open so later modules can add kinds
 * without changing the contract.
 *
 * @example
 * ```ts
 * const kind: MfaFactorKind = 'totp';
 * ```
 */
export type MfaFactorKind = LoginFactorKind | RecoveryMethodKind | (string & {});

/**
 * Whether a factor can satisfy a login (`login`) or only recover an account (`recovery`).
 *
 * @example
 * ```ts
 * const role: MfaFactorRole = 'recovery'; // an SSH key registered for account recovery
 * ```
 */
export type MfaFactorRole = 'login' | 'recovery';

/**
 * An account known to the MFA layer (the app owns users; this record only exists once the account
 * starts using MFA). `revision` grows on every {@link MfaStore.compareAndSetAccount}.
 *
 * @example
 * ```ts
 * const account: MfaAccountRecord = { v: 1, id: 'user-42', createdAt: now, updatedAt: now, revision: 0, data: {} };
 * ```
 */
export interface MfaAccountRecord {
  readonly v: typeof MFA_RECORD_VERSION;
  readonly id: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly revision: number;
  /** App- and flow-specific state (for example "must enrol again after recovery"). */
  readonly data: MfaJsonObject;
}

/**
 * An active factor or recovery method. `lastStep` is only moved by
 * {@link MfaStore.advanceFactorStep} (TOTP time step, WebAuthn sign counter; `-1`
 * before first use). `revision` grows on every {@link MfaStore.compareAndSetFactor}, which never
 * changes `lastStep` or `lastUsedAt`.
 *
 * @example
 * ```ts
 * const factor: MfaFactorRecord = {
 *   v: 1, id, accountId: 'user-42', kind: 'totp', role: 'login', name: 'Phone',
 *   createdAt: now, lastUsedAt: null, lastStep: -1, revision: 0, data: { secret: sealed, digits: 6 },
 * };
 * ```
 */
export interface MfaFactorRecord {
  readonly v: typeof MFA_RECORD_VERSION;
  readonly id: string;
  readonly accountId: string;
  readonly kind: MfaFactorKind;
  readonly role: MfaFactorRole;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly lastStep: number;
  readonly revision: number;
  /** Kind-specific data: for TOTP the encrypted secret and its parameters. Never a plaintext secret. */
  readonly data: MfaJsonObject;
}

/**
 * A pending enrolment: a factor that exists only after its first correct code. Its `id` is the id
 * the factor will get, so encryption bound to the factor id holds from the start.
 *
 * @example
 * ```ts
 * const pending: MfaEnrolmentRecord = {
 *   v: 1, id, accountId: 'user-42', kind: 'totp', role: 'login', name: 'Phone',
 *   createdAt: now, expiresAt: now + 600_000, replacesFactorId: null, data: { secret: sealed },
 * };
 * ```
 */
export interface MfaEnrolmentRecord {
  readonly v: typeof MFA_RECORD_VERSION;
  readonly id: string;
  readonly accountId: string;
  readonly kind: MfaFactorKind;
  readonly role: MfaFactorRole;
  readonly name: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set when this enrolment replaces a lost device: activation removes that factor atomically. */
  readonly replacesFactorId: string | null;
  readonly data: MfaJsonObject;
}

/**
 * One backup code, stored only as its hash. `id` is derived from the code's lookup part (see
 * `backupCodeId`), so a check reads exactly one record. Codes of one account form one set
 * (`setId`); replacing the set removes every older code.
 *
 * @example
 * ```ts
 * const code: MfaBackupCodeRecord = { v: 1, accountId: 'user-42', setId, id: 'k3j9', hash: '$scrypt$…', createdAt: now };
 * ```
 */
export interface MfaBackupCodeRecord {
  readonly v: typeof MFA_RECORD_VERSION;
  readonly accountId: string;
  readonly setId: string;
  readonly id: string;
  readonly hash: string;
  readonly createdAt: number;
}

/**
 * A generic short-lived, single-use challenge: WebAuthn challenges, SSH recovery challenges,
 * email/SMS codes (their keyed-hash record in `data`), step-up grants, used backup codes (their
 * salted hash, so a reuse reads as `replayed`). `purpose` is checked on consume so a challenge
 * issued for one flow can never be spent by another.
 *
 * @example
 * ```ts
 * const challenge: MfaChallengeRecord = {
 *   v: 1, id, accountId: 'user-42', purpose: 'webauthn-login', data: { challenge: 'b64url…' },
 *   createdAt: now, expiresAt: now + 300_000, revision: 0,
 * };
 * ```
 */
export interface MfaChallengeRecord {
  readonly v: typeof MFA_RECORD_VERSION;
  readonly id: string;
  readonly accountId: string | null;
  readonly purpose: string;
  readonly data: MfaJsonObject;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Grows on every {@link MfaStore.compareAndSetChallenge}. */
  readonly revision: number;
}

/**
 * A counter with a time-to-live (attempt throttling, send limits). `previousAt`: from
 * `incrementCounter`, when the counter was incremented before this increment (`null` on the first
 * of a window), so a throttle can enforce delays without a second record; from `getCounter`, when
 * it was last incremented.
 *
 * @example
 * ```ts
 * const state: MfaCounterState = await store.incrementCounter('send:+41…', { ttlMs: 3_600_000, now: Date.now() });
 * if (state.count > 5) throw new MfaError('SEND_LIMIT_EXCEEDED', 'too many codes sent');
 * ```
 */
export interface MfaCounterState {
  readonly count: number;
  readonly expiresAt: number;
  readonly previousAt: number | null;
}

/**
 * The WebAuthn credential id a factor holds, or `null`: for a factor of kind `webauthn`, its
 * `data.credentialId` (base64url). A store keeps these unique across all accounts (see
 * `MfaStore.insertFactor`), so a credential id is registered to at most one user.
 *
 * @example
 * ```ts
 * const id = factorCredentialId(factor);
 * if (id !== null && credentialIndex.has(id)) return false; // already registered
 * ```
 */
export function factorCredentialId(record: Pick<MfaFactorRecord, 'kind' | 'data'>): string | null {
  const id = record.kind === 'webauthn' ? record.data['credentialId'] : undefined;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

/** The record kinds, as named in {@link MfaError} details. */
type RecordKind = 'account' | 'factor' | 'enrolment' | 'backup-code' | 'challenge';

/**
 * Throws `MfaError('STORE_SCHEMA_VERSION')` unless `record.v` is the version this mfakit writes,
 * and `MfaError('STORE_CORRUPT')` when the value is not a record at all. Adapters call it on every
 * record they read; the service calls it too.
 *
 * @example
 * ```ts
 * const record = JSON.parse(row.body);
 * assertRecordVersion(record, 'factor');
 * ```
 */
export function assertRecordVersion(record: unknown, kind: RecordKind): void {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new MfaError('STORE_CORRUPT', `stored ${kind} is not an object`, { details: { kind } });
  }
  const version = (record as { v?: unknown }).v;
  if (version !== MFA_RECORD_VERSION) {
    throw new MfaError('STORE_SCHEMA_VERSION', `stored ${kind} has schema version ${String(version)}, expected ${MFA_RECORD_VERSION}`, {
      details: { kind, version: typeof version === 'number' ? version : String(version) },
    });
  }
}
