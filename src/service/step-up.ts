/**
 * Step-up: sensitive changes need a successful MFA verification within a recent window, not only a
 * session. A verification returns a step-up grant: an opaque token the app keeps in the user's
 * server-side session (never in a URL) and passes back as `stepUpToken`.
 *
 * A token is self-contained and MACed (HMAC-SHA256 under a key derived from the key ring): it names
 * the account, the factor, its expiry and the account's current step-up generation. The store
 * holds one small record per account, the generation (a challenge with purpose `step-up`), not one
 * record per login, so a verification writes nothing extra. Deleting the account's `step-up`
 * challenges (`store.deleteChallenges(accountId, STEP_UP_PURPOSE)`, done by `disable` and by
 * recovery) revokes every outstanding token of the account at once.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToBase64Url, bytesToUtf8, timingSafeEqual, utf8ToBytes } from '../internal/bytes.js';
import type { ServiceContext } from './context.js';
import { MFA_RECORD_VERSION } from './store-records.js';

/**
 * Proof of a recent MFA verification: keep `token` in the server-side session, pass it as
 * `stepUpToken` to enrol, remove, regenerate or disable. Valid until `expiresAt`, unless MFA is
 * disabled or the account recovered meanwhile.
 *
 * @example
 * ```ts
 * const result = await service.verify(userId, code);
 * if (result.ok) session.mfaStepUp = result.stepUp.token;
 * ```
 */
export interface StepUpGrant {
  readonly token: string;
  readonly expiresAt: number;
}

/** Challenge purpose of the per-account step-up generation record; deleting it revokes all grants. */
export const STEP_UP_PURPOSE = 'step-up';

const PREFIX = 'su1';
/** The generation record lives long; a new one is made when it is missing (revoked) or expired. */
const GENERATION_TTL_MS = 400 * 86_400_000;

function generationId(accountId: string): string {
  return `stepup:${accountId}`;
}

// Keyed HMAC state per derived key: each MAC then costs the message blocks only.
const macStates = new WeakMap<Uint8Array, ReturnType<typeof hmac.create>>();

function mac(key: Uint8Array, signed: string): string {
  let state = macStates.get(key);
  if (state === undefined) macStates.set(key, (state = hmac.create(sha256, key)));
  return bytesToBase64Url(state.clone().update(utf8ToBytes(`mfakit/step-up/v1.${signed}`)).digest());
}

/** The account's current generation, or `null` when revoked (no record). */
async function currentGeneration(ctx: ServiceContext, accountId: string): Promise<string | null> {
  const record = await ctx.store.getChallenge(generationId(accountId), ctx.now());
  if (record === null || record.purpose !== STEP_UP_PURPOSE || record.accountId !== accountId) return null;
  const generation = record.data['generation'];
  return typeof generation === 'string' ? generation : null;
}

/** Issues a grant after a successful verification. @internal */
export async function issueStepUp(ctx: ServiceContext, accountId: string, factorId: string): Promise<StepUpGrant> {
  const now = ctx.now();
  let generation = await currentGeneration(ctx, accountId);
  if (generation === null) {
    // First grant since the account was created or last revoked. Two racing first grants may each
    // write one; the re-read makes both use the survivor (rarely, the loser's token is refused).
    await ctx.store.putChallenge({
      v: MFA_RECORD_VERSION,
      id: generationId(accountId),
      accountId,
      purpose: STEP_UP_PURPOSE,
      data: { generation: bytesToBase64Url(ctx.random(16)) },
      createdAt: now,
      expiresAt: now + GENERATION_TTL_MS,
      revision: 0,
    });
    generation = await currentGeneration(ctx, accountId);
    if (generation === null) throw new MfaError('STORE_ERROR', 'step-up generation was not stored');
  }
  const expiresAt = now + ctx.stepUpWindowMs;
  const { kid, key } = ctx.sealer.macKey(STEP_UP_PURPOSE)!;
  const payload = bytesToBase64Url(utf8ToBytes(JSON.stringify([accountId, factorId, expiresAt, generation])));
  const signed = `${PREFIX}.${bytesToBase64Url(utf8ToBytes(kid))}.${payload}`;
  return { token: `${signed}.${mac(key, signed)}`, expiresAt };
}

/** Whether `token` is a live grant of the account. Never throws for a bad token. @internal */
export async function hasStepUp(ctx: ServiceContext, accountId: string, token: unknown): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 2048) return false;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) return false;
  let fields: unknown;
  try {
    const derived = ctx.sealer.macKey(STEP_UP_PURPOSE, bytesToUtf8(base64ToBytes(parts[1]!)));
    if (derived === null) return false;
    const expected = mac(derived.key, `${parts[0]}.${parts[1]}.${parts[2]}`);
    if (!timingSafeEqual(utf8ToBytes(expected), utf8ToBytes(parts[3]!))) return false;
    fields = JSON.parse(bytesToUtf8(base64ToBytes(parts[2]!)));
  } catch {
    return false;
  }
  if (!Array.isArray(fields) || fields.length !== 4) return false;
  const [forAccount, , expiresAt, generation] = fields as [unknown, unknown, unknown, unknown];
  if (forAccount !== accountId || typeof expiresAt !== 'number' || !(expiresAt > ctx.now())) return false;
  return typeof generation === 'string' && generation === (await currentGeneration(ctx, accountId));
}

/**
 * Throws `MfaError('STEP_UP_REQUIRED')` unless `token` is a live grant of the account. Emits
 * `step-up-refused`.
 * @internal
 */
export async function requireStepUp(ctx: ServiceContext, accountId: string, token: unknown, action: string): Promise<void> {
  if (await hasStepUp(ctx, accountId, token)) return;
  await ctx.emit({ type: 'step-up-refused', accountId, reason: action });
  throw new MfaError('STEP_UP_REQUIRED', `${action} needs a recent MFA verification (pass the stepUpToken of a verification within the last ${Math.round(ctx.stepUpWindowMs / 60000)} minutes)`, {
    details: { action },
  });
}
