/**
 * Authenticator apps (TOTP, RFC 6238): confirmed by a first code, checked at login against every
 * app of the account whose code has the typed number of digits.
 * @module
 */
import { factorStillEnrolled } from '../step-up.js';
import { cachedTotpVerifier, confirmTotpEnrolment, openTotpVerifier, resealTotpFactor, totpData } from '../authenticator-flows.js';
import { summariseUsedFactor } from '../factor-summary.js';
import type { MfaFactorRecord } from '../../store/records.js';
import type { CodeAttempt, FactorKindDefinition, GatheredCodes } from './kind.js';

async function gather(attempt: CodeAttempt): Promise<GatheredCodes> {
  const { ctx, accountId, code, digits } = attempt;
  // The authenticator apps the code could belong to (its digit count).
  const candidates: MfaFactorRecord[] = [];
  let available = false;
  for (const f of attempt.factors) {
    if (f.role !== 'login' || f.kind !== 'totp') continue;
    available = true;
    if (digits !== null && totpData(f.data).digits === digits.length) candidates.push(f);
  }
  if (candidates.length === 0) return { available };
  return {
    available,
    async check(clear) {
      let replayed = false;
      for (const factor of candidates) {
        const cached = cachedTotpVerifier(ctx, factor);
        const { verifier, stale } = cached !== undefined ? { verifier: cached, stale: false } : await openTotpVerifier(ctx, factor);
        const result = verifier.verify(code, { now: ctx.now, afterStep: factor.lastStep });
        if (result.ok) {
          // Exactly one of any number of concurrent requests with this code wins the advance; the
          // winner's advance clears the attempt records in the same round trip (the login's second
          // and last: the step-up generation came with the charge).
          if (await ctx.store.advanceFactorStep(accountId, factor.id, result.step, ctx.now(), { clearAttempts: clear })) {
            const mintStepUp = await attempt.read.stepUp(factorStillEnrolled(ctx, accountId, factor.id));
            if (stale) await resealTotpFactor(ctx, factor);
            return { ok: true, kind: 'totp', factor: summariseUsedFactor(factor, ctx.now()), mintStepUp };
          }
          replayed = true;
        } else if (result.reason === 'replayed') {
          replayed = true;
        }
      }
      return { ok: false, replayed };
    },
  };
}

/**
 * The `totp` kind.
 *
 * @example
 * ```ts
 * totpKind.displayName; // 'Authenticator app'
 * ```
 */
export const totpKind = {
  kind: 'totp',
  displayName: 'Authenticator app',
  confirmEnrolment: confirmTotpEnrolment,
  codeLogin: { shaped: (attempt) => attempt.digits !== null, gather },
} satisfies FactorKindDefinition<'totp'>;
