/**
 * The two limits every email/SMS send is charged to, before it is sent: per destination
 * (normalised fully, so `victim@example.com.` is `victim@example.com`) and per account across
 * destinations. See docs/security.md.
 * @module
 */
import { MfaError } from '../errors.js';
import { oobSendLimitKey, type OobChannel } from '../oob/index.js';
import type { ServiceContext } from './context.js';
import type { OobSettings } from './options.js';

const HOUR_MS = 3_600_000;
/** Default of `oob.maxSendsPerHour` (per destination). */
export const DEFAULT_SENDS_PER_DESTINATION = 5;
/** Default of `oob.maxSendsPerAccountPerHour`. */
export const DEFAULT_SENDS_PER_ACCOUNT = 10;

/**
 * Charges one send to the account and to the destination; throws `MfaError('SEND_LIMIT_EXCEEDED')`
 * (with `details.retryAt`) when either limit is spent. The account is charged first, so a refused
 * account never spends a destination's budget. @internal
 */
export async function chargeSend(ctx: ServiceContext, oob: OobSettings, input: { accountId: string; channel: OobChannel; destination: string }): Promise<void> {
  const now = ctx.now();
  const destinationKey = 'oob-sends:' + oobSendLimitKey({ channel: input.channel, destination: input.destination }, { key: oob.key });
  const account = await ctx.store.incrementCounter(`oob-account-sends:${input.accountId}`, { ttlMs: HOUR_MS, now });
  if (account.count > (oob.maxSendsPerAccountPerHour ?? DEFAULT_SENDS_PER_ACCOUNT)) {
    throw new MfaError('SEND_LIMIT_EXCEEDED', 'too many codes sent for this account; try again later', { details: { retryAt: account.expiresAt, limit: 'account' } });
  }
  const sends = await ctx.store.incrementCounter(destinationKey, { ttlMs: HOUR_MS, now });
  if (sends.count > (oob.maxSendsPerHour ?? DEFAULT_SENDS_PER_DESTINATION)) {
    throw new MfaError('SEND_LIMIT_EXCEEDED', 'too many codes sent to this destination; try again later', { details: { retryAt: sends.expiresAt, limit: 'destination' } });
  }
}
