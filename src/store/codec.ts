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

/**
 * How one field is read: a decoder taking the raw value, the record kind and the field's name.
 * A record's schema lists one per field, in the contract's key order.
 */
type FieldDecoder<T> = (value: unknown, kind: StoredKind, field: string) => T;

/** One decoder per field of record `R`, in the key order the record is assembled in. */
type RecordSchema<R> = { readonly [K in keyof R]-?: FieldDecoder<R[K]> };

/** The raw stored value of every field of record `R`. */
type StoredFields<R> = { [K in keyof R]: unknown };

const version: FieldDecoder<1> = (value, kind) => storedVersion(value, kind as Exclude<StoredKind, 'counter'>);
const text: FieldDecoder<string> = (value, kind, field) => storedString(value, kind, field);
const textOrEmpty: FieldDecoder<string> = (value, kind, field) => storedString(value, kind, field, { allowEmpty: true });
const role: FieldDecoder<'login' | 'recovery'> = (value, kind) => storedRole(value, kind);
const integer: FieldDecoder<number> = storedInteger;
const json: FieldDecoder<MfaJsonObject> = storedJsonObject;

/**
 * Builds a record from raw stored fields, field by field in the schema's order: the version first
 * (so a newer record is `STORE_SCHEMA_VERSION`, not a guess), then the first bad field is the one
 * `STORE_CORRUPT` names, and the record's keys come out in the contract's order.
 */
function decodeRecord<R>(kind: StoredKind, schema: RecordSchema<R>, fields: StoredFields<R>): R {
  const record: Partial<Record<keyof R, unknown>> = {};
  for (const field of Object.keys(schema) as (keyof R & string)[]) {
    record[field] = schema[field](fields[field], kind, field);
  }
  return record as R;
}

const ACCOUNT: RecordSchema<MfaAccountRecord> = {
  v: version, id: text, createdAt: integer, updatedAt: integer, revision: integer, data: json,
};

const FACTOR: RecordSchema<MfaFactorRecord> = {
  v: version, id: text, accountId: text, kind: text, role, name: textOrEmpty,
  createdAt: integer, lastUsedAt: storedIntegerOrNull, lastStep: integer, revision: integer, data: json,
};

const ENROLMENT: RecordSchema<MfaEnrolmentRecord> = {
  v: version, id: text, accountId: text, kind: text, role, name: textOrEmpty,
  createdAt: integer, expiresAt: integer, replacesFactorId: storedStringOrNull, data: json,
};

const BACKUP_CODE: RecordSchema<MfaBackupCodeRecord> = {
  v: version, accountId: text, setId: text, id: text, hash: text, createdAt: integer,
};

const CHALLENGE: RecordSchema<MfaChallengeRecord> = {
  v: version, id: text, accountId: storedStringOrNull, purpose: text, data: json,
  createdAt: integer, expiresAt: integer, revision: integer,
};

/** Field values of an account, raw as stored. */
export type StoredAccountFields = StoredFields<MfaAccountRecord>;

/**
 * Builds an account record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const account = decodeAccount({ v: row.v, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, revision: row.revision, data: row.data });
 * ```
 */
export function decodeAccount(f: StoredAccountFields): MfaAccountRecord {
  return decodeRecord('account', ACCOUNT, f);
}

/** Field values of a factor, raw as stored. */
export type StoredFactorFields = StoredFields<MfaFactorRecord>;

/**
 * Builds a factor record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const factor = decodeFactor(fieldsOf(row));
 * ```
 */
export function decodeFactor(f: StoredFactorFields): MfaFactorRecord {
  return decodeRecord('factor', FACTOR, f);
}

/** Field values of a pending enrolment, raw as stored. */
export type StoredEnrolmentFields = StoredFields<MfaEnrolmentRecord>;

/**
 * Builds a pending-enrolment record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const pending = decodeEnrolment(fieldsOf(row));
 * ```
 */
export function decodeEnrolment(f: StoredEnrolmentFields): MfaEnrolmentRecord {
  return decodeRecord('enrolment', ENROLMENT, f);
}

/** Field values of a backup code, raw as stored. */
export type StoredBackupCodeFields = StoredFields<MfaBackupCodeRecord>;

/**
 * Builds a backup-code record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const code = decodeBackupCode(fieldsOf(row));
 * ```
 */
export function decodeBackupCode(f: StoredBackupCodeFields): MfaBackupCodeRecord {
  return decodeRecord('backup-code', BACKUP_CODE, f);
}

/** Field values of a challenge, raw as stored. */
export type StoredChallengeFields = StoredFields<MfaChallengeRecord>;

/**
 * Builds a challenge record (fixed key order) from raw stored fields.
 *
 * @example
 * ```ts
 * const challenge = decodeChallenge(fieldsOf(row));
 * ```
 */
export function decodeChallenge(f: StoredChallengeFields): MfaChallengeRecord {
  return decodeRecord('challenge', CHALLENGE, f);
}
