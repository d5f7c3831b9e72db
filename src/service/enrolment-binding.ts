/**
 * Binding a pending enrolment to the account's MFA state when it starts.
 *
 * A pending enrolment (authenticator app, WebAuthn registration, email/SMS, recovery phone) is only
 * as good as the authority of whoever started it. Someone holding only the password can start one
 * while the account has no MFA; if the owner then turns MFA on, that enrolment must not turn into a
 * second factor. So each enrolment records a digest of the account's MFA state at its start: the
 * ids of every factor and recovery method, the step-up generation (revoked by disable and by
 * recovery) and the account record's revision (moved by recovery). Confirming it re-reads that
 * state; if anything changed, the enrolment is dead (`MfaError('ENROLMENT_STALE')`, and it is
 * deleted): the user starts again, under the checks (step-up, policy) that hold now. A dead
 * enrolment was chosen over "needs a step-up minted after the change" because a restart costs the
 * user one screen and re-runs every start check, while a revived enrolment would carry a secret
 * chosen before the change.
 *
 * The enrolment also records whether it is the account's first login factor. Only a first factor's
 * confirmation returns a step-up grant (the user just turned MFA on and has proved nothing else);
 * a later factor was started with a step-up the caller still holds, so its confirmation returns
 * none: confirming never yields more authority than the starter had.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { bytesToBase64Url, utf8ToBytes } from '../internal/bytes.js';
import type { ServiceContext } from './context.js';
import { currentGeneration } from './step-up.js';
import type { MfaEnrolmentRecord, MfaFactorRecord, MfaJsonObject } from '../store/records.js';

/** Keys of the binding inside an enrolment's `data` (stripped before the factor is stored). */
const STATE_KEY = 'boundMfaState';
const FIRST_KEY = 'firstLoginFactor';

/**
 * What an enrolment is bound to. @internal
 */
export interface EnrolmentBinding {
  readonly [STATE_KEY]: string;
  readonly [FIRST_KEY]: boolean;
}

/** The digest of the account's MFA state given its factor ids. */
async function stateDigest(ctx: ServiceContext, accountId: string, factorIds: readonly string[]): Promise<string> {
  const [account, generation] = await Promise.all([ctx.store.getAccount(accountId), currentGeneration(ctx, accountId)]);
  const ids = [...factorIds].sort();
  const text = JSON.stringify(['mfakit/enrolment-binding/v1', accountId, account?.revision ?? null, generation, ids]);
  return bytesToBase64Url(sha256(utf8ToBytes(text)));
}

/** The binding of an enrolment starting now, given the account's factors. @internal */
export async function bindEnrolment(ctx: ServiceContext, accountId: string, factors: readonly MfaFactorRecord[]): Promise<EnrolmentBinding> {
  const hasLogin = factors.some((f) => f.role === 'login') || (await ctx.store.countBackupCodes(accountId)) > 0;
  return { [STATE_KEY]: await stateDigest(ctx, accountId, factors.map((f) => f.id)), [FIRST_KEY]: !hasLogin };
}

/** Whether the enrolment was started as the account's first login factor. @internal */
export function isFirstLoginFactor(pending: MfaEnrolmentRecord): boolean {
  return pending.data[FIRST_KEY] === true;
}

/** The enrolment's data without its binding (what the factor keeps). @internal */
export function withoutBinding(data: MfaJsonObject): MfaJsonObject {
  const { [STATE_KEY]: _state, [FIRST_KEY]: _first, ...rest } = data;
  return rest;
}

/**
 * Ends a stale enrolment. `whenGone: 'not-found'` is for a confirmation that read the enrolment
 * before a concurrent confirmation (or cancellation) took it: the state it sees changed because of
 * that other call, and when there is no enrolment left to delete, this call is told the enrolment is
 * gone (`ENROLMENT_NOT_FOUND`, as if it had read a moment later), not that the account changed.
 */
async function stale(ctx: ServiceContext, pending: MfaEnrolmentRecord, whenGone: 'not-found' | 'stale' = 'stale'): Promise<never> {
  const deleted = await ctx.store.deleteEnrolment(pending.accountId, pending.id);
  if (!deleted && whenGone === 'not-found') {
    throw new MfaError('ENROLMENT_NOT_FOUND', 'no such pending enrolment (unknown, already confirmed or cancelled)', {
      details: { enrolmentId: pending.id },
    });
  }
  await ctx.emit({ type: 'enrolment-failed', accountId: pending.accountId, factorId: pending.id, kind: pending.kind, reason: 'stale' });
  throw new MfaError('ENROLMENT_STALE', "the account's MFA changed since this enrolment started; start again", {
    details: { enrolmentId: pending.id },
  });
}

/**
 * Throws `MfaError('ENROLMENT_STALE')` (and deletes the enrolment) unless the account's MFA state
 * is the one the enrolment was bound to. An enrolment without a binding (started by an older
 * mfakit) is stale too. @internal
 */
export async function requireBinding(ctx: ServiceContext, pending: MfaEnrolmentRecord): Promise<void> {
  const bound = pending.data[STATE_KEY];
  const factors = await ctx.store.listFactors(pending.accountId);
  if (typeof bound !== 'string' || bound !== (await stateDigest(ctx, pending.accountId, factors.map((f) => f.id)))) await stale(ctx, pending, 'not-found');
}

/**
 * After a first login factor was activated: the state, this factor aside, must still be the bound
 * one. Closes the window between {@link requireBinding} and the activation: two first enrolments
 * confirmed at once (the owner's and one started by someone holding only the password) each see
 * the other here and are undone (deleted, with the backup codes they stored), which leaves the
 * account as it was before, never with a factor nobody vouched for. When the check itself cannot
 * read the store, the activation is undone too and the enrolment put back, so the user may retry
 * (a factor is never left active with backup codes nobody saw). @internal
 */
export async function recheckFirstActivation(ctx: ServiceContext, pending: MfaEnrolmentRecord, backupCodesStored: boolean): Promise<void> {
  const undo = async (): Promise<void> => {
    await ctx.store.deleteFactor(pending.accountId, pending.id);
    if (backupCodesStored) await ctx.store.replaceBackupCodes(pending.accountId, []);
    ctx.verifiers.forget(pending.id);
  };
  let unchanged: boolean;
  try {
    const others = (await ctx.store.listFactors(pending.accountId)).filter((f) => f.id !== pending.id);
    unchanged = pending.data[STATE_KEY] === (await stateDigest(ctx, pending.accountId, others.map((f) => f.id)));
  } catch (error) {
    await undo();
    await ctx.store.putEnrolment(pending);
    throw error;
  }
  if (unchanged) return;
  await undo();
  await stale(ctx, pending);
}
