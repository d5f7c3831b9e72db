/**
 * Remembered devices ("don't ask for a code on this browser for 30 days").
 *
 * After a successful second factor the app may ask for a device token, proving the factor with the
 * step-up token that verification returned. The token is `rd1.<id>.<secret>`: the store keeps only
 * SHA-256 of the 256-bit secret (a challenge with purpose `remembered-device`), with the name the app
 * gave, the times, and the account's step-up generation at creation. A token is honoured only while:
 * it has not expired (a fixed life: use never extends it, so a second factor is asked at least once
 * per `lifetimeMs`), its record still exists (revocation deletes it, at once, on every store), the
 * account's step-up generation is unchanged (disabling MFA and recovery revoke every grant and so
 * every device), the account still has MFA, and no policy forbids remembered devices.
 *
 * A remembered device only skips the login's second step: it never yields a step-up grant.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { assertId, assertNonEmptyString } from '../internal/assert.js';
import { bytesToBase64Url, timingSafeEqualString, utf8ToBytes } from '../internal/bytes.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord } from '../store/records.js';
import type { ServiceContext } from './context.js';
import { askPolicy } from './policy-check.js';
import type { RememberDevicePolicyDecision } from './policy-hook.js';
import { currentGeneration, requireStepUp } from './step-up.js';
import type { RememberedDeviceSettings } from './options.js';

export type { RememberedDeviceSettings } from './options.js';
export { resolveRememberedDevices, type ResolvedRememberedDevices } from './settings.js';

/** Challenge purpose of remembered-device records. @internal */
export const REMEMBERED_DEVICE_PURPOSE = 'remembered-device';

const PREFIX = 'rd1';
const ID = /^rd_[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const MAX_NAME_LENGTH = 100;


/**
 * A remembered device as the app lists it (never the token).
 *
 * @example
 * ```ts
 * const devices: RememberedDevice[] = await service.listRememberedDevices(userId);
 * for (const d of devices) console.log(d.name, new Date(d.lastUsedAt ?? d.createdAt));
 * ```
 */
export interface RememberedDevice {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number;
}

/**
 * What `rememberDevice` returns: the token to put in a long-lived, `HttpOnly`, `Secure`,
 * `SameSite=Lax` cookie (it is a bearer secret), and the device as listed.
 *
 * @example
 * ```ts
 * const { token, device }: RememberedDeviceToken = await service.rememberDevice(userId, { stepUpToken, name: 'Firefox on macOS' });
 * ```
 */
export interface RememberedDeviceToken {
  readonly token: string;
  readonly device: RememberedDevice;
}

/**
 * Options of `rememberDevice`.
 *
 * @example
 * ```ts
 * const options: RememberDeviceOptions = { stepUpToken: result.stepUp.token, name: 'Chrome on Windows' };
 * ```
 */
export interface RememberDeviceOptions {
  /** The step-up token of the second factor the user just passed. */
  readonly stepUpToken: string;
  /** A name the user will recognise in the list, such as the browser and OS (1–100 characters). */
  readonly name: string;
}


function digest(secret: string): string {
  return bytesToBase64Url(sha256(utf8ToBytes(secret)));
}

function deviceOf(record: MfaChallengeRecord): RememberedDevice {
  const data = record.data as { name?: unknown; lastUsedAt?: unknown };
  return {
    id: record.id,
    name: typeof data.name === 'string' ? data.name : '',
    createdAt: record.createdAt,
    lastUsedAt: typeof data.lastUsedAt === 'number' ? data.lastUsedAt : null,
    expiresAt: record.expiresAt,
  };
}

async function policyAllows(
  ctx: ServiceContext,
  accountId: string,
  known?: RememberDevicePolicyDecision,
): Promise<{ allowed: true } | { allowed: false; code: string; message: string; owners: readonly { id: string; name: string }[] }> {
  // The login decision may carry the answer already (createPolicyHook does): no second question.
  const decision = known ?? (await askPolicy(ctx, accountId, { type: 'remember-device' }, []));
  return decision.allowed ? { allowed: true } : decision;
}

/** Whether the record is one of the account's and still bound to the current generation. */
function belongs(record: MfaChallengeRecord | null, accountId: string, generation: string | null): record is MfaChallengeRecord {
  return (
    record !== null &&
    record.purpose === REMEMBERED_DEVICE_PURPOSE &&
    record.accountId === accountId &&
    generation !== null &&
    (record.data as { generation?: unknown }).generation === generation
  );
}

/** @internal */
export async function rememberDevice(ctx: ServiceContext, accountId: string, options: RememberDeviceOptions): Promise<RememberedDeviceToken> {
  assertId(accountId, 'accountId');
  if (options === null || typeof options !== 'object') throw new MfaError('INVALID_ARGUMENT', 'options must be { stepUpToken, name }');
  assertNonEmptyString(options.name, 'name');
  const name = options.name.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new MfaError('INVALID_ARGUMENT', `name must be 1 to ${MAX_NAME_LENGTH} characters`);
  // The generation the step-up token was checked against (one read). A disable racing this call
  // replaces it, so a device bound to it is never honoured (checkDeviceToken compares).
  const generation = await requireStepUp(ctx, accountId, options.stepUpToken, 'rememberDevice');
  const policy = await policyAllows(ctx, accountId);
  if (!policy.allowed) {
    await ctx.store.deleteChallenges(accountId, REMEMBERED_DEVICE_PURPOSE);
    throw new MfaError('REMEMBERED_DEVICES_FORBIDDEN', policy.message, { details: { owners: policy.owners.map((b) => ({ id: b.id, name: b.name })) } });
  }
  const now = ctx.now();
  const listed = await ctx.store.listChallenges(accountId, REMEMBERED_DEVICE_PURPOSE, now);
  const live = listed.filter((r) => belongs(r, accountId, generation));
  const stale = listed.filter((r) => !belongs(r, accountId, generation));
  // Over the limit: forget the least recently used first.
  const byUse = live.map(deviceOf).sort((a, b) => (a.lastUsedAt ?? a.createdAt) - (b.lastUsedAt ?? b.createdAt));
  const evicted = byUse.slice(0, Math.max(0, byUse.length - ctx.rememberedDevices.maxPerAccount + 1));
  for (const record of [...stale, ...evicted]) await ctx.store.consumeChallenge(record.id, { purpose: REMEMBERED_DEVICE_PURPOSE, now });
  for (const device of evicted) {
    await ctx.emit({ type: 'remembered-device-revoked', accountId, name: device.name, reason: 'limit', details: { deviceId: device.id } });
  }
  const id = `rd_${bytesToBase64Url(ctx.random(16))}`;
  const secret = bytesToBase64Url(ctx.random(32));
  const record: MfaChallengeRecord = {
    v: MFA_RECORD_VERSION,
    id,
    accountId,
    purpose: REMEMBERED_DEVICE_PURPOSE,
    data: { hash: digest(secret), name, generation, lastUsedAt: null },
    createdAt: now,
    expiresAt: now + ctx.rememberedDevices.lifetimeMs,
    revision: 0,
  };
  await ctx.store.putChallenge(record);
  await ctx.emit({ type: 'remembered-device-created', accountId, name, details: { deviceId: id, expiresAt: record.expiresAt } });
  return { token: `${PREFIX}.${id}.${secret}`, device: deviceOf(record) };
}

/**
 * The device a token names, if it is honoured now (see the module comment); otherwise `null`.
 * Never throws for a malformed or foreign token. Records the use (best effort).
 * @internal
 */
export async function checkDeviceToken(ctx: ServiceContext, accountId: string, token: unknown, policyDecision?: RememberDevicePolicyDecision): Promise<RememberedDevice | null> {
  if (typeof token !== 'string' || token.length > 200) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !ID.test(parts[1]!) || !SECRET.test(parts[2]!)) return null;
  const [, id, secret] = parts as [string, string, string];
  const now = ctx.now();
  const record = await ctx.store.getChallenge(id, now);
  if (record === null || record.accountId !== accountId || record.purpose !== REMEMBERED_DEVICE_PURPOSE) return null;
  const hash = (record.data as { hash?: unknown }).hash;
  if (typeof hash !== 'string' || !timingSafeEqualString(hash, digest(secret))) return null;
  if (!belongs(record, accountId, await currentGeneration(ctx, accountId))) {
    // Revoked by a disable or a recovery: drop the record now rather than at its expiry.
    await ctx.store.consumeChallenge(id, { purpose: REMEMBERED_DEVICE_PURPOSE, now });
    return null;
  }
  const policy = await policyAllows(ctx, accountId, policyDecision);
  if (!policy.allowed) {
    await ctx.store.deleteChallenges(accountId, REMEMBERED_DEVICE_PURPOSE);
    await ctx.emit({ type: 'remembered-device-revoked', accountId, reason: 'policy', details: { deviceId: id } });
    return null;
  }
  const used = { ...record, data: { ...record.data, lastUsedAt: now } };
  // Best effort: a concurrent use or revocation wins; the answer for this request stands.
  await ctx.store.compareAndSetChallenge(used, record.revision, now).catch(() => false);
  const device = deviceOf(used);
  await ctx.emit({ type: 'remembered-device-used', accountId, name: device.name, details: { deviceId: id } });
  return device;
}

/** @internal */
export async function listRememberedDevices(ctx: ServiceContext, accountId: string): Promise<RememberedDevice[]> {
  assertId(accountId, 'accountId');
  const generation = await currentGeneration(ctx, accountId);
  const records = await ctx.store.listChallenges(accountId, REMEMBERED_DEVICE_PURPOSE, ctx.now());
  return records
    .filter((r) => belongs(r, accountId, generation))
    .map(deviceOf)
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

/** Forgets one device. Returns whether it existed. @internal */
export async function forgetDevice(ctx: ServiceContext, accountId: string, deviceId: string): Promise<boolean> {
  assertId(accountId, 'accountId');
  assertId(deviceId, 'deviceId');
  const now = ctx.now();
  const record = await ctx.store.getChallenge(deviceId, now);
  if (record === null || record.accountId !== accountId || record.purpose !== REMEMBERED_DEVICE_PURPOSE) return false;
  const removed = (await ctx.store.consumeChallenge(deviceId, { purpose: REMEMBERED_DEVICE_PURPOSE, now })) !== null;
  if (removed) await ctx.emit({ type: 'remembered-device-revoked', accountId, name: deviceOf(record).name, reason: 'user', details: { deviceId } });
  return removed;
}

/** Forgets every device of the account. Returns how many. @internal */
export async function forgetAllDevices(ctx: ServiceContext, accountId: string, reason = 'user'): Promise<number> {
  assertId(accountId, 'accountId');
  const removed = await ctx.store.deleteChallenges(accountId, REMEMBERED_DEVICE_PURPOSE);
  if (removed > 0) await ctx.emit({ type: 'remembered-device-revoked', accountId, reason, details: { count: removed } });
  return removed;
}

/** After a login factor was removed or replaced: forget every device when the settings say so. @internal */
export async function revokeDevicesOnFactorChange(ctx: ServiceContext, accountId: string): Promise<void> {
  if (ctx.rememberedDevices.revokeOnFactorChange) await forgetAllDevices(ctx, accountId, 'factor-change');
}
