/**
 * Email and SMS login codes, one check for both kinds: the codes pending for the account's
 * channels (or for a fallback destination, when allowed) are read and tried in turn.
 * @module
 */
import { factorStillEnrolled } from '../step-up.js';
import type { OobChannel } from '../../oob/index.js';
import { summariseFactor } from '../factor-summary.js';
import { checkLoginCode, pendingLoginCodes } from '../oob-flows.js';
import type { CodeAttempt, CodeLogin, GatheredCodes } from './kind.js';

const CHANNELS: readonly OobChannel[] = ['email', 'sms'];

async function gather(attempt: CodeAttempt): Promise<GatheredCodes> {
  const { ctx, accountId, code, digits, factorId, factors } = attempt;
  const channels = CHANNELS.filter((c) => attempt.kinds.has(c));
  const hasFactor = factors.some((f) => f.role === 'login' && (channels as readonly string[]).includes(f.kind));
  // Email/SMS login codes exist only for accounts with such factors, or as an allowed fallback.
  const mayHaveCodes = channels.length > 0 && ctx.oob !== undefined && (hasFactor || ctx.oob.allowFallback === true);
  let challenges = mayHaveCodes ? await pendingLoginCodes(ctx, accountId, channels.length === 1 ? channels[0] : undefined) : [];
  if (factorId !== undefined) challenges = challenges.filter((c) => c.data['factorId'] === factorId);
  const available = challenges.length > 0;
  if (digits === null || !available) return { available, expired: hasFactor };
  return {
    available,
    expired: hasFactor,
    async check(clear) {
      const result = await checkLoginCode(ctx, challenges, code);
      if (!result.ok) return { ok: false, replayed: result.reason === 'replayed' };
      const factor = result.factorId === null ? undefined : factors.find((f) => f.id === result.factorId) ?? (await ctx.store.getFactor(accountId, result.factorId)) ?? undefined;
      // The code was single-use (its challenge is spent): the step only moves lastUsedAt.
      const [, mintStepUp] = await Promise.all([
        factor === undefined
          ? ctx.store.clearAttempts(accountId, clear)
          : ctx.store.advanceFactorStep(accountId, factor.id, Math.max(factor.lastStep + 1, 0), ctx.now(), { clearAttempts: clear }).then(
              (advanced) => (advanced ? undefined : ctx.store.clearAttempts(accountId, clear)),
            ),
        attempt.read.stepUp(factor === undefined ? undefined : factorStillEnrolled(ctx, accountId, factor.id)),
      ]);
      // Without a factor (a fallback destination) verify reports the kind's own summary.
      return { ok: true, kind: result.channel, factor: factor === undefined ? null : summariseFactor(factor), mintStepUp };
    },
  };
}

/**
 * The code check shared by the `email` and `sms` kinds.
 *
 * @example
 * ```ts
 * const kind: FactorKindDefinition<'email'> = { kind: 'email', displayName: 'Email code', codeLogin: oobCodeLogin };
 * ```
 */
export const oobCodeLogin: CodeLogin = { shaped: (attempt) => attempt.digits !== null, gather };
