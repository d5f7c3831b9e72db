/**
 * SSH public keys registered on an account as recovery methods (kind `ssh-key`, role `recovery`):
 * they never satisfy a login, they only prove a recovery. Registering and removing one needs a
 * recent step-up, like enrolling a factor, so it also needs MFA to be on. The factor id derives
 * from the account and the key, so the store's atomic insert refuses a duplicate even under
 * concurrent registrations.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { base64ToBytes, bytesToBase64, bytesToBase64Url, concatBytes, utf8ToBytes } from '../internal/bytes.js';
import { parseSshPublicKey, type SshKeyType } from '../ssh/index.js';
import { loadFactors, loginFactorSummaries, requireAccount, requireFactor } from './accounts.js';
import type { ServiceContext } from './context.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import { requirePolicy } from './policy-check.js';
import { requireStepUp } from './step-up.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../store/records.js';

/** Keys one account may register (a raw signature is tried against each RSA/ECDSA key). */
const MAX_SSH_KEYS = 10;

/**
 * Options of `registerSshKey`.
 *
 * @example
 * ```ts
 * const options: RegisterSshKeyOptions = { stepUpToken: session.mfaStepUp, name: 'Laptop key' };
 * ```
 */
export interface RegisterSshKeyOptions {
  /** A step-up token from a verification within the step-up window (MFA must be on). */
  readonly stepUpToken: string;
  /** Shown in lists; default the key's comment, else "SSH key" (numbered when taken). */
  readonly name?: string;
}

/**
 * Options of `removeSshKey`.
 *
 * @example
 * ```ts
 * await service.removeSshKey(userId, keyId, { stepUpToken: session.mfaStepUp } satisfies RemoveSshKeyOptions);
 * ```
 */
export interface RemoveSshKeyOptions {
  readonly stepUpToken: string;
}

/**
 * An SSH key registered for recovery, as the service reports it.
 *
 * @example
 * ```ts
 * const key: RegisteredSshKey = await service.registerSshKey(userId, pastedKey, { stepUpToken });
 * show(`${key.name}: ${key.keyType} ${key.fingerprint}`);
 * ```
 */
export interface RegisteredSshKey {
  readonly id: string;
  readonly name: string;
  readonly keyType: SshKeyType;
  /** `SHA256:…`, exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  readonly bits: number;
  /** The comment the key was pasted with ('' when none). */
  readonly comment: string;
  readonly createdAt: number;
  /** When it last proved a recovery, if ever. */
  readonly lastUsedAt?: number;
}

/** A stored SSH key: its canonical line for verification, and its blob for the embedded-key match. @internal */
export interface StoredSshKey {
  readonly record: MfaFactorRecord;
  readonly keyType: SshKeyType;
  readonly blob: Uint8Array;
  /** `type base64`, the form the verifiers take (and cache). */
  readonly line: string;
}

/** The factor id of a key on an account: one id per (account, key), so a duplicate cannot be inserted. */
function sshKeyFactorId(accountId: string, blob: Uint8Array): string {
  return 'ssh_' + bytesToBase64Url(sha256(concatBytes(utf8ToBytes(`mfakit/service/ssh-key/v1\u0000${accountId}\u0000`), blob)));
}

/** Reads a stored key (`STORE_CORRUPT` when its data is not a key). @internal */
export function storedSshKey(record: MfaFactorRecord): StoredSshKey {
  const d = record.data;
  const keyType = d['keyType'];
  const encoded = d['publicKey'];
  if (typeof keyType !== 'string' || typeof encoded !== 'string') throw new MfaError('STORE_CORRUPT', 'stored SSH key is malformed', { details: { factorId: record.id } });
  const blob = base64ToBytes(encoded);
  return { record, keyType: keyType as SshKeyType, blob, line: `${keyType} ${bytesToBase64(blob)}` };
}

/** The account's registered SSH keys. @internal */
export async function loadSshKeys(ctx: ServiceContext, accountId: string): Promise<StoredSshKey[]> {
  return (await loadFactors(ctx, accountId))
    .filter((f) => f.kind === 'ssh-key' && f.role === 'recovery')
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .map(storedSshKey);
}

/** What the app sees of a stored key. @internal */
export function summariseSshKey(record: MfaFactorRecord): RegisteredSshKey {
  const d = record.data;
  return {
    id: record.id,
    name: record.name,
    keyType: d['keyType'] as SshKeyType,
    fingerprint: String(d['fingerprint']),
    bits: typeof d['bits'] === 'number' ? d['bits'] : 0,
    comment: typeof d['comment'] === 'string' ? d['comment'] : '',
    createdAt: record.createdAt,
    ...(record.lastUsedAt === null ? {} : { lastUsedAt: record.lastUsedAt }),
  };
}

/** A usable default name from the key's comment, if it makes one. */
function nameFromComment(comment: string): string | undefined {
  try {
    const name = checkFactorName(comment.slice(0, 64), '');
    return name.length > 0 ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Registers an SSH public key as a recovery method. @internal */
export async function registerSshKey(ctx: ServiceContext, accountId: string, publicKey: string, options: RegisterSshKeyOptions): Promise<RegisteredSshKey> {
  await requireAccount(ctx, accountId);
  if (typeof publicKey !== 'string') throw new MfaError('INVALID_ARGUMENT', 'publicKey must be the OpenSSH public key text');
  await requireStepUp(ctx, accountId, options?.stepUpToken, 'register-ssh-key');
  const key = parseSshPublicKey(publicKey);
  const factors = await loadFactors(ctx, accountId);
  await requirePolicy(ctx, accountId, { type: 'enrol', kind: 'ssh-key' }, await loginFactorSummaries(ctx, accountId, factors));
  const keys = factors.filter((f) => f.kind === 'ssh-key');
  const id = sshKeyFactorId(accountId, key.blob);
  const duplicate = () => new MfaError('DUPLICATE', `this SSH key (${key.fingerprint}) is already registered on the account`, { details: { fingerprint: key.fingerprint } });
  if (keys.some((f) => f.id === id || f.data['fingerprint'] === key.fingerprint)) throw duplicate();
  if (keys.length >= MAX_SSH_KEYS) throw new MfaError('FACTOR_NOT_ALLOWED', `an account can register at most ${MAX_SSH_KEYS} SSH keys`);
  const name = options.name === undefined ? defaultName(factors, nameFromComment(key.comment) ?? 'SSH key') : checkFactorName(options.name, '');
  checkNameFree(factors, name);
  const record: MfaFactorRecord = {
    v: MFA_RECORD_VERSION,
    id,
    accountId,
    kind: 'ssh-key',
    role: 'recovery',
    name,
    createdAt: ctx.now(),
    lastUsedAt: null,
    lastStep: -1,
    revision: 0,
    data: { keyType: key.type, publicKey: bytesToBase64Url(key.blob), fingerprint: key.fingerprint, bits: key.bits, comment: key.comment },
  };
  if (!(await ctx.store.insertFactor(record))) throw duplicate();
  await ctx.emit({ type: 'enrolment-confirmed', accountId, factorId: id, kind: 'ssh-key', name, details: { role: 'recovery', fingerprint: key.fingerprint } });
  return summariseSshKey(record);
}

/** The account's SSH keys, oldest first. @internal */
export async function listSshKeys(ctx: ServiceContext, accountId: string): Promise<RegisteredSshKey[]> {
  await requireAccount(ctx, accountId);
  return (await loadSshKeys(ctx, accountId)).map((k) => summariseSshKey(k.record));
}

/** Removes a registered SSH key (step-up). @internal */
export async function removeSshKey(ctx: ServiceContext, accountId: string, keyId: string, options: RemoveSshKeyOptions): Promise<RegisteredSshKey> {
  await requireAccount(ctx, accountId);
  assertId(keyId, 'keyId');
  const factor = await requireFactor(ctx, accountId, keyId);
  if (factor.kind !== 'ssh-key') throw new MfaError('FACTOR_NOT_FOUND', 'no such SSH key on this account', { details: { factorId: keyId } });
  await requireStepUp(ctx, accountId, options?.stepUpToken, 'remove-ssh-key');
  await requirePolicy(ctx, accountId, { type: 'remove-factor', factorId: keyId }, await loginFactorSummaries(ctx, accountId));
  if ((await ctx.store.deleteFactor(accountId, keyId)) !== 'deleted') {
    throw new MfaError('FACTOR_NOT_FOUND', 'no such SSH key on this account', { details: { factorId: keyId } });
  }
  await ctx.emit({ type: 'factor-removed', accountId, factorId: keyId, kind: 'ssh-key', name: factor.name, details: { role: 'recovery', fingerprint: String(factor.data['fingerprint']) } });
  return summariseSshKey(factor);
}
