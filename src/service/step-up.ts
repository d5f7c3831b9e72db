/**
 * Step-up: sensitive changes need a successful MFA verification within a recent window, not only a
 * session. A verification returns a step-up grant: an opaque token the app keeps in the user's
 * server-side session (never in a URL) and passes back as `stepUpToken`.
 *
 * A token is self-contained and MACed (HMAC-SHA256 under a key derived from the key ring): it binds
 * the account, its expiry and the account's current step-up generation. The store
 * holds one small record per account, the generation (a challenge with purpose `step-up`), not one
 * record per login, so a verification writes nothing extra. Deleting the account's `step-up`
 * challenges (`store.deleteChallenges(accountId, STEP_UP_PURPOSE)`, done by `disable` and by
 * recovery) revokes every outstanding token of the account at once.
 * @module
 */
import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToBase64Url, bytesToUtf8, timingSafeEqualString, utf8ToBytes } from '../internal/bytes.js';
import type { ServiceContext } from './context.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord } from '../store/records.js';

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

const PREFIX = 'su2';
/** The generation record lives long; a new one is made when it is missing (revoked) or expired. */
const GENERATION_TTL_MS = 400 * 86_400_000;

/** The id of the account's step-up generation record (a challenge; a login reads it with its charge). @internal */
export function generationId(accountId: string): string {
  return `stepup:${accountId}`;
}

/*
 * Token: `su2.<kid>.<expiresAt, base 36>.<generation>.<tag>`, where kid is base64url and tag is
 * base64url(HMAC-SHA256(the kid's key derived for `step-up-token/v2`, JSON [expiresAt, generation,
 * accountId, issuer])): the issuer is the service's `issuer` option, so a token is valid only at
 * the service that minted it. The account id is bound by the MAC, not carried: the verifier is always told
 * which account it checks. Every field is plain text, so minting costs one short MAC and no
 * encoding pass over a payload (most logins keep their grant, so this is on the login path; the
 * token of `verify` is minted only when the app reads it).
 */

// Keyed HMAC state per derived key (inner and outer pads absorbed once), and one scratch instance
// the state is cloned into for each MAC: no allocation per token. Synchronous, never re-entrant.
const macStates = new WeakMap<Uint8Array, _HMAC<any>>();
let macScratch: _HMAC<any> | undefined;
const macOut = new Uint8Array(32);
const macInput = new Uint8Array(512);
const encoder = new TextEncoder();
/** Key-ring derivation purpose of the token MAC key (domain separation lives in the key). */
const MAC_KEY_PURPOSE = 'step-up-token/v2';
const kidSegments = new Map<string, string>();

function tagOf(key: Uint8Array, kid: string, issuer: string, accountId: string, expiresAt: number, generation: string): string {
  let state = macStates.get(key);
  if (state === undefined) macStates.set(key, (state = hmac.create(sha256, key) as _HMAC<any>));
  const work = state._cloneInto(macScratch);
  macScratch = work;
  // The key is derived per kid, so the kid is bound without being in the message; a short message
  // (one SHA-256 block for account ids up to ~40 characters) keeps this MAC at two compressions.
  // The issuer binds the token to the service that minted it: another service sharing the key ring
  // and the store (another issuer) refuses it.
  const message = JSON.stringify([expiresAt, generation, accountId, issuer]);
  // Encoded into a scratch buffer (no allocation); a message too long for it takes the slow path.
  const { read, written } = encoder.encodeInto(message, macInput);
  work.update(read === message.length ? macInput.subarray(0, written) : utf8ToBytes(message));
  work.digestInto(macOut);
  return bytesToBase64Url(macOut);
}

function kidSegment(kid: string): string {
  let segment = kidSegments.get(kid);
  if (segment === undefined) kidSegments.set(kid, (segment = bytesToBase64Url(utf8ToBytes(kid))));
  return segment;
}

/** The generation a stored record carries for the account, or `null` (revoked: no record). */
function generationOf(record: MfaChallengeRecord | null, accountId: string): string | null {
  if (record === null || record.purpose !== STEP_UP_PURPOSE || record.accountId !== accountId) return null;
  const generation = record.data['generation'];
  return typeof generation === 'string' ? generation : null;
}

/** The account's current generation, or `null` when revoked (no record). @internal */
export async function currentGeneration(ctx: ServiceContext, accountId: string): Promise<string | null> {
  return generationOf(await ctx.store.getChallenge(generationId(accountId), ctx.now()), accountId);
}

/**
 * After a successful verification: reads what a grant needs now (the account's generation, one
 * store read; a first grant writes it) and returns the function that mints the token, once, on
 * first call. Minting is a MAC and its encoding, about as costly as the code check itself, so
 * `verify` defers it until the app reads `stepUp`. The generation, expiry and key are fixed here:
 * a grant minted later is the grant of this verification (revoked by a disable meanwhile). @internal
 */
export async function prepareStepUp(ctx: ServiceContext, accountId: string, stillEnrolled?: StillEnrolled): Promise<() => StepUpGrant> {
  return stepUpFrom(ctx, accountId, await ctx.store.getChallenge(generationId(accountId), ctx.now()), stillEnrolled);
}

/**
 * Whether what a grant stands for (the factor that verified, the factor just activated) is still
 * enrolled. Asked after a grant wrote the account's first generation. @internal
 */
export type StillEnrolled = () => Promise<boolean>;

/** A {@link StillEnrolled} for one stored factor of the account. @internal */
export function factorStillEnrolled(ctx: ServiceContext, accountId: string, factorId: string): StillEnrolled {
  return async () => (await ctx.store.getFactor(accountId, factorId)) !== null;
}

/**
 * {@link prepareStepUp} from the generation record the caller read already (a login reads it with
 * its charge, `null` when there is none; `undefined`: not read, read it now): no store call in the
 * usual case. @internal
 */
export async function stepUpFrom(
  ctx: ServiceContext,
  accountId: string,
  record: MfaChallengeRecord | null | undefined,
  stillEnrolled?: StillEnrolled,
): Promise<() => StepUpGrant> {
  if (record === undefined) return prepareStepUp(ctx, accountId, stillEnrolled);
  const now = ctx.now();
  const stored = generationOf(record, accountId);
  const generation = stored ?? (await firstGeneration(ctx, accountId, now, stillEnrolled));
  const expiresAt = now + ctx.stepUpWindowMs;
  const { kid, key } = ctx.sealer.macKey(MAC_KEY_PURPOSE)!;
  let grant: StepUpGrant | undefined;
  return () =>
    (grant ??= Object.freeze({
      token: `${PREFIX}.${kidSegment(kid)}.${expiresAt.toString(36)}.${generation}.${tagOf(key, kid, ctx.issuer, accountId, expiresAt, generation)}`,
      expiresAt,
    }));
}

/**
 * Writes the account's first generation since it was created or last revoked. Two racing first
 * grants may each write one; the re-read makes both use the survivor (rarely, the loser's token is
 * refused).
 *
 * A disable or a recovery (one atomic store step: factors removed, generation deleted) may commit
 * between the login's read of "no generation" and this write, which would then start a generation
 * nobody revokes, and a live grant with MFA off. So, after the write, what verified must still be
 * enrolled (`stillEnrolled`); when it is not, the generation just written is deleted and the grant
 * is dead on arrival (refused wherever it is checked). The write comes before the check, so a
 * disable either precedes the check (seen here) or follows the write (and deletes it).
 */
async function firstGeneration(ctx: ServiceContext, accountId: string, now: number, stillEnrolled?: StillEnrolled): Promise<string> {
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
  const generation = await currentGeneration(ctx, accountId);
  if (generation === null) throw new MfaError('STORE_ERROR', 'step-up generation was not stored');
  if (stillEnrolled !== undefined && !(await stillEnrolled())) await ctx.store.deleteChallenges(accountId, STEP_UP_PURPOSE);
  return generation;
}

/** Issues a grant at once (enrolment confirmations and WebAuthn logins). @internal */
export async function issueStepUp(ctx: ServiceContext, accountId: string, stillEnrolled?: StillEnrolled): Promise<StepUpGrant> {
  return (await prepareStepUp(ctx, accountId, stillEnrolled))();
}

const EXPIRY = /^[0-9a-z]{1,12}$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `token` is a live grant of the account. Never throws for a bad token. @internal */
export async function hasStepUp(ctx: ServiceContext, accountId: string, token: unknown): Promise<boolean> {
  return (await liveStepUpGeneration(ctx, accountId, token)) !== null;
}

/**
 * The account's current generation when `token` is a live grant of it (read once, so a caller that
 * needs the generation too does not read it again); otherwise `null`. Never throws for a bad token.
 */
async function liveStepUpGeneration(ctx: ServiceContext, accountId: string, token: unknown): Promise<string | null> {
  if (typeof token !== 'string' || token.length > 512) return null;
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) return null;
  const [, kidText, expiryText, generation, tag] = parts as [string, string, string, string, string];
  if (!BASE64URL.test(kidText) || !EXPIRY.test(expiryText) || !BASE64URL.test(generation) || !BASE64URL.test(tag)) return null;
  const expiresAt = parseInt(expiryText, 36);
  if (!Number.isSafeInteger(expiresAt) || !(expiresAt > ctx.now())) return null;
  let kid: string;
  try {
    kid = bytesToUtf8(base64ToBytes(kidText));
  } catch {
    return null;
  }
  const derived = ctx.sealer.macKey(MAC_KEY_PURPOSE, kid);
  if (derived === null) return null;
  if (!timingSafeEqualString(tagOf(derived.key, kid, ctx.issuer, accountId, expiresAt, generation), tag)) return null;
  return generation === (await currentGeneration(ctx, accountId)) ? generation : null;
}

/**
 * Throws `MfaError('STEP_UP_REQUIRED')` unless `token` is a live grant of the account. Emits
 * `step-up-refused`. Returns the account's current generation (which the token carries).
 * @internal
 */
export async function requireStepUp(ctx: ServiceContext, accountId: string, token: unknown, action: string): Promise<string> {
  const generation = await liveStepUpGeneration(ctx, accountId, token);
  if (generation !== null) return generation;
  await ctx.emit({ type: 'step-up-refused', accountId, reason: action });
  throw new MfaError('STEP_UP_REQUIRED', `${action} needs a recent MFA verification (pass the stepUpToken of a verification within the last ${Math.round(ctx.stepUpWindowMs / 60000)} minutes)`, {
    details: { action },
  });
}
