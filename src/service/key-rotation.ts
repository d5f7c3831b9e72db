/**
 * Key rotation: re-sealing an account's stored secrets under the key ring's current key. A secret
 * is also re-sealed by itself the next time it verifies; this is for the accounts that do not log
 * in, so the old key can be dropped once no stored secret names it and the pending enrolments
 * started before the switch have expired (`pendingEnrolmentsNeedOldKeysForMs` after it).
 * @module
 */
import { assertId } from '../internal/assert.js';
import { loadFactors } from './accounts.js';
import { resealTotpFactor, totpData } from './authenticator-flows.js';
import type { ServiceContext } from './context.js';

/**
 * Outcome of `resealSecrets` for one account.
 *
 * @example
 * ```ts
 * const { resealed, keyIds }: ResealOutcome = await service.resealSecrets('user-42');
 * if (keyIds.every((kid) => kid === '2026-11')) console.log('user-42 no longer needs the old key');
 * ```
 */
export interface ResealOutcome {
  /** Secrets moved to the current key by this call. */
  readonly resealed: number;
  /** The key ids the account's stored secrets are sealed under afterwards (sorted, unique). */
  readonly keyIds: readonly string[];
  /**
   * Pending enrolments are not re-sealed (the store cannot list them; they are short-lived): one
   * started before the new key became current stays sealed under the old key until it expires,
   * at most this long (the service's `enrolmentTtlMs`) after the switch. Keep the old key in the
   * ring that long after making the new key current, or such an enrolment cannot be confirmed.
   */
  readonly pendingEnrolmentsNeedOldKeysForMs: number;
}

/** Re-seals every stored secret of the account under the current key. @internal */
export async function resealSecrets(ctx: ServiceContext, accountId: string): Promise<ResealOutcome> {
  assertId(accountId, 'accountId');
  const current = ctx.sealer.currentKeyId;
  let resealed = 0;
  const keyIds = new Set<string>();
  for (const factor of await loadFactors(ctx, accountId)) {
    if (factor.kind !== 'totp') continue;
    const kid = totpData(factor.data).secret.kid;
    // Compare-and-set on the factor's revision: when a concurrent change wins, its old key id is
    // reported (conservatively) and the next call (or the next login) re-seals it.
    if (kid !== current && (await resealTotpFactor(ctx, factor))) {
      resealed++;
      keyIds.add(current);
    } else {
      keyIds.add(kid);
    }
  }
  return { resealed, keyIds: [...keyIds].sort(), pendingEnrolmentsNeedOldKeysForMs: ctx.enrolmentTtlMs };
}
