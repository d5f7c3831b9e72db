/**
 * Sending one email or SMS code, the same way for every flow that sends one (login and enrolment
 * codes of email/SMS factors, a recovery phone's verification code, a phone recovery code).
 * @module
 */
import { MfaError } from '../errors.js';
import { issueOobCode, type OobChannel } from '../oob/index.js';
import type { ServiceContext } from './context.js';
import { maskDestination } from './events.js';
import { freshRevision } from './oob-attempt.js';
import type { OobSettings } from './options.js';
import { chargeSend } from './send-limits.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord, type MfaJsonObject } from '../store/records.js';

/** What to send, and where its challenge is kept. @internal */
export interface OobCodeDelivery {
  readonly accountId: string;
  readonly channel: OobChannel;
  /** The code's purpose (bound into it, and named in the `oob-code-sent` event). */
  readonly codePurpose: string;
  /** The purpose of the challenge record that keeps it. */
  readonly recordPurpose: string;
  readonly destination: string;
  /** The challenge id (a resend under the same id replaces the code). */
  readonly id: string;
  /** The factor or phone it is for; `null` for a code to a destination the app names. */
  readonly factorId: string | null;
}

/**
 * Issues one code, stores it (as a keyed hash, in a challenge) before sending it, so a delivered
 * code always has its record, sends it and emits `oob-code-sent`. Counts toward the send limits of
 * the destination and of the account, one set of counters for every flow. A send that fails takes
 * the challenge back and throws `MfaError('DELIVERY_FAILED')`. Returns when the code expires.
 * @internal
 */
export async function deliverOobCode(ctx: ServiceContext, oob: OobSettings, input: OobCodeDelivery): Promise<number> {
  const now = ctx.now();
  await chargeSend(ctx, oob, { accountId: input.accountId, channel: input.channel, destination: input.destination });
  const issued = issueOobCode(
    { purpose: input.codePurpose, channel: input.channel, destination: input.destination },
    { key: oob.key, now: ctx.now, random: ctx.random, ...(oob.ttlSeconds === undefined ? {} : { ttlSeconds: oob.ttlSeconds }) },
  );
  const record: MfaChallengeRecord = {
    v: MFA_RECORD_VERSION,
    id: input.id,
    accountId: input.accountId,
    purpose: input.recordPurpose,
    data: { code: issued.record as unknown as MfaJsonObject, factorId: input.factorId },
    createdAt: now,
    expiresAt: issued.record.expiresAt,
    revision: freshRevision(ctx),
  };
  await ctx.store.putChallenge(record);
  try {
    await oob.sender.send(issued.message);
  } catch (cause) {
    await ctx.store.consumeChallenge(record.id, { purpose: record.purpose, now });
    throw new MfaError('DELIVERY_FAILED', `the ${input.channel === 'sms' ? 'SMS' : 'email'} code could not be sent`, { cause });
  }
  await ctx.emit({
    type: 'oob-code-sent',
    accountId: input.accountId,
    kind: input.channel,
    ...(input.factorId === null ? {} : { factorId: input.factorId }),
    details: { purpose: input.codePurpose, destination: maskDestination(input.destination) },
  });
  return issued.record.expiresAt;
}
