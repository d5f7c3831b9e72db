/**
 * Redis replies to records. Every value is checked (see `store/codec.ts`).
 * @module
 */
import type { MfaBackupCodeRecord, MfaChallengeRecord, MfaCounterState, MfaEnrolmentRecord, MfaFactorRecord } from '../../store/records.js';
import {
  decodeBackupCode,
  decodeChallenge,
  decodeEnrolment,
  decodeFactor,
  storeCorrupt,
  storedInteger,
  storedIntegerOrNull,
  type StoredKind,
} from '../../store/codec.js';

/** The per-factor fields of the account's `factors` hash, in script order. */
export const FACTOR_FIELDS = ['v', 'kind', 'role', 'name', 'created', 'used', 'step', 'rev', 'data'] as const;

const [V, KIND, ROLE, NAME, CREATED, USED, STEP, REV, DATA] = FACTOR_FIELDS.map((_, i) => i) as number[];

/** A factor from its fields (`values` in {@link FACTOR_FIELDS} order, `null` for absent). */
export function factorFromFields(accountId: string, factorId: string, values: readonly (string | null | undefined)[]): MfaFactorRecord {
  return decodeFactor({
    v: values[V!], id: factorId, accountId, kind: values[KIND!], role: values[ROLE!], name: values[NAME!],
    createdAt: values[CREATED!], lastUsedAt: values[USED!] ?? null, lastStep: values[STEP!], revision: values[REV!], data: values[DATA!],
  });
}

/** Every factor of an account from `HGETALL` of its `factors` hash. */
export function factorsFromHash(accountId: string, hash: Record<string, string>): MfaFactorRecord[] {
  const list: string[] = [];
  for (const field of Object.keys(hash)) list.push(field, hash[field]!);
  return factorsFromFlat(accountId, list);
}

/**
 * The position in {@link FACTOR_FIELDS} of a `factors` hash field `<name>:<factorId>` whose colon
 * is at `colon`, or -1: told apart by the first character and the name's length, then checked
 * whole (`startsWith`, no string cut out for a lookup: this runs for every field of every login).
 */
function fieldIndex(field: string, colon: number): number {
  let index: number;
  switch (field.charCodeAt(0)) {
    case 118: index = V!; break; // v
    case 107: index = KIND!; break; // kind
    case 114: index = colon === 3 ? REV! : ROLE!; break; // rev, role
    case 110: index = NAME!; break; // name
    case 99: index = CREATED!; break; // created
    case 117: index = USED!; break; // used
    case 115: index = STEP!; break; // step
    case 100: index = DATA!; break; // data
    default: return -1;
  }
  const name = FACTOR_FIELDS[index]!;
  return colon === name.length && field.startsWith(name) ? index : -1;
}

/**
 * Every factor of an account from the flat `[field, value, …]` list of its `factors` hash (as a
 * script returns `HGETALL`), without building the hash first. A hash's fields usually come factor
 * by factor, so the previous factor's id is tried first (no map lookup, no string cut out).
 */
export function factorsFromFlat(accountId: string, list: readonly string[]): MfaFactorRecord[] {
  const byId = new Map<string, (string | undefined)[]>();
  let lastId = '';
  let last: (string | undefined)[] | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const field = list[i]!;
    const colon = field.indexOf(':');
    const index = colon < 0 ? -1 : fieldIndex(field, colon);
    if (index < 0) throw storeCorrupt('factor', field, 'is not a factor field');
    let values: (string | undefined)[] | undefined;
    if (last !== undefined && field.length - colon - 1 === lastId.length && field.endsWith(lastId)) {
      values = last;
    } else {
      const id = field.slice(colon + 1);
      values = byId.get(id);
      if (values === undefined) byId.set(id, (values = new Array<string | undefined>(FACTOR_FIELDS.length)));
      lastId = id;
      last = values;
    }
    values[index] = list[i + 1];
  }
  const factors: MfaFactorRecord[] = [];
  for (const [id, values] of byId) factors.push(factorFromFields(accountId, id, values));
  return factors;
}

function parseJson(text: string, kind: StoredKind): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw storeCorrupt(kind, 'record', 'is not valid JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw storeCorrupt(kind, 'record', 'is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** Checks that a record found under a key is the one the key names. */
function sameOwner(kind: StoredKind, actual: unknown, expected: string, field: string): void {
  if (actual !== expected) throw storeCorrupt(kind, field, 'does not match the key it is stored under');
}

/** A backup code from its JSON (stored whole: codes never change). */
export function backupCodeFromJson(accountId: string, codeId: string, text: string): MfaBackupCodeRecord {
  const o = parseJson(text, 'backup-code');
  const record = decodeBackupCode({ v: o['v'], accountId: o['accountId'], setId: o['setId'], id: o['id'], hash: o['hash'], createdAt: o['createdAt'] });
  sameOwner('backup-code', record.accountId, accountId, 'accountId');
  sameOwner('backup-code', record.id, codeId, 'id');
  return record;
}

/** A pending enrolment from its JSON. */
export function enrolmentFromJson(accountId: string, enrolmentId: string, text: string): MfaEnrolmentRecord {
  const o = parseJson(text, 'enrolment');
  const data = o['data'] === undefined ? undefined : JSON.stringify(o['data']);
  const record = decodeEnrolment({
    v: o['v'], id: o['id'], accountId: o['accountId'], kind: o['kind'], role: o['role'], name: o['name'],
    createdAt: o['createdAt'], expiresAt: o['expiresAt'], replacesFactorId: o['replacesFactorId'], data,
  });
  sameOwner('enrolment', record.accountId, accountId, 'accountId');
  sameOwner('enrolment', record.id, enrolmentId, 'id');
  return record;
}

/** A challenge from its hash fields (`HGETALL`, or the flat array a script returns). */
export function challengeFromHash(hash: Record<string, string>): MfaChallengeRecord {
  return decodeChallenge({
    v: hash['v'], id: hash['id'], accountId: hash['acct'] ?? null, purpose: hash['purpose'], data: hash['data'],
    createdAt: hash['created'], expiresAt: hash['exp'], revision: hash['rev'],
  });
}

/**
 * An account's challenge from its JSON (`JSON.stringify` of the record, stored in the account's
 * challenges hash). The data object is taken as parsed (one parse, no second pass over it).
 */
export function challengeFromJson(accountId: string, challengeId: string, text: string): MfaChallengeRecord {
  const o = parseJson(text, 'challenge');
  const data = o['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw storeCorrupt('challenge', 'data', 'is not a JSON object');
  const record = decodeChallenge({
    v: o['v'], id: o['id'], accountId: o['accountId'], purpose: o['purpose'], data: '{}',
    createdAt: o['createdAt'], expiresAt: o['expiresAt'], revision: o['revision'],
  });
  sameOwner('challenge', record.accountId, accountId, 'accountId');
  sameOwner('challenge', record.id, challengeId, 'id');
  // The record is this call's own, fresh from decodeChallenge: its data set in place, no copy.
  (record as { data: MfaChallengeRecord['data'] }).data = data as MfaChallengeRecord['data'];
  return record;
}

/** `[k1, v1, k2, v2, …]` to an object. */
export function pairsToObject(pairs: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) out[String(pairs[i])] = String(pairs[i + 1]);
  return out;
}

/** A counter state from raw values. */
export function counterFrom(count: unknown, expiresAt: unknown, previousAt: unknown): MfaCounterState {
  return {
    count: storedInteger(count, 'counter', 'count'),
    expiresAt: storedInteger(expiresAt, 'counter', 'expiresAt'),
    previousAt: storedIntegerOrNull(previousAt, 'counter', 'previousAt'),
  };
}

export { storedInteger };
