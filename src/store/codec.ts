/**
 * Decoding of stored values, shared by the PostgreSQL and Redis adapters (internal, not exported
 * from any subpath). A store hands back whatever is in the database; these helpers turn each field
 * into the type the contract promises or throw `MfaError('STORE_CORRUPT')`, and check the schema
 * version first so a record written by a newer mfakit yields `STORE_SCHEMA_VERSION`, not a guess.
 * Records are assembled in one fixed key order so they compare equal as JSON to what was written.
 * @module
 */
import { MfaError } from '../errors.js';
import {
  assertRecordVersion,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
  type MfaJsonObject,
} from './records.js';

/** The record kinds, as `assertRecordVersion` names them. */
export type StoredKind = 'account' | 'factor' | 'enrolment' | 'backup-code' | 'challenge' | 'counter';

/**
 * `MfaError('STORE_CORRUPT')` naming the record kind and field.
 *
 * @example
 * ```ts
 * throw storeCorrupt('factor', 'lastStep', 'not an integer');
 * ```
 */
export function storeCorrupt(kind: StoredKind, field: string, problem: string, cause?: unknown): MfaError {
  return new MfaError('STORE_CORRUPT', `stored ${kind}: ${field} ${problem}`, {
    details: { kind, field },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A stored integer (text of a bigint column or a Redis field) as a safe integer.
 *
 * @example
 * ```ts
 * const lastStep = storedInteger(row.last_step, 'factor', 'lastStep');
 * ```
 */
export function storedInteger(value: unknown, kind: StoredKind, field: string): number {
  let parsed: number | undefined;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'bigint') parsed = Number(value);
  else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) parsed = Number(value);
  if (parsed === undefined || !Number.isSafeInteger(parsed)) throw storeCorrupt(kind, field, 'is not a safe integer');
  return parsed;
}

/**
 * A stored integer or `null`.
 *
 * @example
 * ```ts
 * const lastUsedAt = storedIntegerOrNull(row.last_used_at, 'factor', 'lastUsedAt');
 * ```
 */
export function storedIntegerOrNull(value: unknown, kind: StoredKind, field: string): number | null {
  return value === null || value === undefined ? null : storedInteger(value, kind, field);
}

/**
 * A stored non-empty string.
 *
 * @example
 * ```ts
 * const name = storedString(row.name, 'factor', 'name');
 * ```
 */
export function storedString(value: unknown, kind: StoredKind, field: string, options: { allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string' || (value.length === 0 && options.allowEmpty !== true)) {
    throw storeCorrupt(kind, field, 'is not a string');
  }
  return value;
}

/**
 * A stored string or `null`.
 *
 * @example
 * ```ts
 * const accountId = storedStringOrNull(row.account_id, 'challenge', 'accountId');
 * ```
 */
export function storedStringOrNull(value: unknown, kind: StoredKind, field: string): string | null {
  return value === null || value === undefined ? null : storedString(value, kind, field);
}

/**
 * Stored JSON text that must hold an object (a truncated or hand-edited value is `STORE_CORRUPT`).
 *
 * @example
 * ```ts
 * const data = storedJsonObject(row.data, 'factor', 'data');
 * ```
 */
export function storedJsonObject(value: unknown, kind: StoredKind, field: string): MfaJsonObject {
  if (typeof value !== 'string') throw storeCorrupt(kind, field, 'is missing');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw storeCorrupt(kind, field, 'is not valid JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw storeCorrupt(kind, field, 'is not a JSON object');
  return parsed as MfaJsonObject;
}

/**
 * Checks the stored schema version before anything else: `STORE_SCHEMA_VERSION` for another
 * version, `STORE_CORRUPT` when it is not a number at all.
 *
 * @example
 * ```ts
 * storedVersion(row.v, 'factor');
 * ```
 */
export function storedVersion(value: unknown, kind: Exclude<StoredKind, 'counter'>): 1 {
  const version = storedInteger(value, kind, 'v');
  assertRecordVersion({ v: version }, kind);
  return 1;
}

/**
 * A role field: `login` or `recovery`.
 *
 * @example
 * ```ts
 * const role = storedRole(row.role, 'factor');
 * ```
 */
export function storedRole(value: unknown, kind: StoredKind): 'login' | 'recovery' {
  if (value !== 'login' && value !== 'recovery') throw storeCorrupt(kind, 'role', 'is neither login nor recovery');
  return value;
}

/** Field values of an account, raw as stored. */
export interface StoredAccountFields {
  v: unknown; id: unknown; createdAt: unknown; updatedAt: unknown; revision: unknown; data: unknown;
}

/**
 * Builds an account record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const account = decodeAccount({ v: row.v, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, revision: row.revision, data: row.data });
 * ```
 */
export function decodeAccount(f: StoredAccountFields): MfaAccountRecord {
  const k = 'account';
  return {
    v: storedVersion(f.v, k),
    id: storedString(f.id, k, 'id'),
    createdAt: storedInteger(f.createdAt, k, 'createdAt'),
    updatedAt: storedInteger(f.updatedAt, k, 'updatedAt'),
    revision: storedInteger(f.revision, k, 'revision'),
    data: storedJsonObject(f.data, k, 'data'),
  };
}

/** Field values of a factor, raw as stored. */
export interface StoredFactorFields {
  v: unknown; id: unknown; accountId: unknown; kind: unknown; role: unknown; name: unknown;
  createdAt: unknown; lastUsedAt: unknown; lastStep: unknown; revision: unknown; data: unknown;
}

/**
 * Builds a factor record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const factor = decodeFactor(fieldsOf(row));
 * ```
 */
export function decodeFactor(f: StoredFactorFields): MfaFactorRecord {
  const k = 'factor';
  return {
    v: storedVersion(f.v, k),
    id: storedString(f.id, k, 'id'),
    accountId: storedString(f.accountId, k, 'accountId'),
    kind: storedString(f.kind, k, 'kind'),
    role: storedRole(f.role, k),
    name: storedString(f.name, k, 'name', { allowEmpty: true }),
    createdAt: storedInteger(f.createdAt, k, 'createdAt'),
    lastUsedAt: storedIntegerOrNull(f.lastUsedAt, k, 'lastUsedAt'),
    lastStep: storedInteger(f.lastStep, k, 'lastStep'),
    revision: storedInteger(f.revision, k, 'revision'),
    data: storedJsonObject(f.data, k, 'data'),
  };
}

/** Field values of a pending enrolment, raw as stored. */
export interface StoredEnrolmentFields {
  v: unknown; id: unknown; accountId: unknown; kind: unknown; role: unknown; name: unknown;
  createdAt: unknown; expiresAt: unknown; replacesFactorId: unknown; data: unknown;
}

/**
 * Builds a pending-enrolment record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const pending = decodeEnrolment(fieldsOf(row));
 * ```
 */
export function decodeEnrolment(f: StoredEnrolmentFields): MfaEnrolmentRecord {
  const k = 'enrolment';
  return {
    v: storedVersion(f.v, k),
    id: storedString(f.id, k, 'id'),
    accountId: storedString(f.accountId, k, 'accountId'),
    kind: storedString(f.kind, k, 'kind'),
    role: storedRole(f.role, k),
    name: storedString(f.name, k, 'name', { allowEmpty: true }),
    createdAt: storedInteger(f.createdAt, k, 'createdAt'),
    expiresAt: storedInteger(f.expiresAt, k, 'expiresAt'),
    replacesFactorId: storedStringOrNull(f.replacesFactorId, k, 'replacesFactorId'),
    data: storedJsonObject(f.data, k, 'data'),
  };
}

/** Field values of a backup code, raw as stored. */
export interface StoredBackupCodeFields {
  v: unknown; accountId: unknown; setId: unknown; id: unknown; hash: unknown; createdAt: unknown;
}

/**
 * Builds a backup-code record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const code = decodeBackupCode(fieldsOf(row));
 * ```
 */
export function decodeBackupCode(f: StoredBackupCodeFields): MfaBackupCodeRecord {
  const k = 'backup-code';
  return {
    v: storedVersion(f.v, k),
    accountId: storedString(f.accountId, k, 'accountId'),
    setId: storedString(f.setId, k, 'setId'),
    id: storedString(f.id, k, 'id'),
    hash: storedString(f.hash, k, 'hash'),
    createdAt: storedInteger(f.createdAt, k, 'createdAt'),
  };
}

/** Field values of a challenge, raw as stored. */
export interface StoredChallengeFields {
  v: unknown; id: unknown; accountId: unknown; purpose: unknown; data: unknown;
  createdAt: unknown; expiresAt: unknown; revision: unknown;
}

/**
 * Builds a challenge record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const challenge = decodeChallenge(fieldsOf(row));
 * ```
 */
export function decodeChallenge(f: StoredChallengeFields): MfaChallengeRecord {
  const k = 'challenge';
  return {
    v: storedVersion(f.v, k),
    id: storedString(f.id, k, 'id'),
    accountId: storedStringOrNull(f.accountId, k, 'accountId'),
    purpose: storedString(f.purpose, k, 'purpose'),
    data: storedJsonObject(f.data, k, 'data'),
    createdAt: storedInteger(f.createdAt, k, 'createdAt'),
    expiresAt: storedInteger(f.expiresAt, k, 'expiresAt'),
    revision: storedInteger(f.revision, k, 'revision'),
  };
}
