/**
 * One attempt at an email/SMS code stored in a challenge, decided atomically. Internal.
 *
 * The outcome of an attempt is only ever returned after it has been written, with a
 * compare-and-set on the exact revision the code was checked against: the attempt count grows by
 * one (a right code is also marked used). A request that loses the race to a parallel attempt, or
 * to a resend that replaced the code, re-reads the challenge and decides again on what is stored
 * now. So of any number of parallel guesses at most `maxAttempts` are ever decided, and a right
 * code is accepted once; a check of an old code never uses up the new one a resend stored.
 *
 * Every code is stored with a random starting revision ({@link freshRevision}), so a resend never
 * brings back a revision an in-flight attempt of the old code could match.
 * @module
 */
import { MfaError } from '../errors.js';
import { verifyOobCode, type OobCodeRecord } from '../oob/index.js';
import type { ServiceContext } from './context.js';
import type { MfaChallengeRecord, MfaJsonObject } from '../store/records.js';

/** How often a request re-reads after losing a write race before it gives up (as a mismatch). */
const MAX_ROUNDS = 32;

/** What one attempt decided. @internal */
export type OobAttemptOutcome = 'accepted' | 'mismatch' | 'replayed' | 'expired' | 'exhausted' | 'malformed';

/** The OOB record inside a challenge. @internal */
export function storedOobCode(challenge: MfaChallengeRecord): OobCodeRecord {
  const code = challenge.data['code'];
  if (typeof code !== 'object' || code === null || Array.isArray(code)) throw new MfaError('STORE_CORRUPT', 'stored email/SMS challenge is malformed');
  return code as unknown as OobCodeRecord;
}

/**
 * A random starting revision for a newly stored code (48 bits: exact in a double, in Lua and in
 * a PostgreSQL `bigint`). @internal
 */
export function freshRevision(ctx: ServiceContext): number {
  const b = ctx.random(6);
  return ((b[0]! * 256 + b[1]!) * 65536 + (b[2]! * 256 + b[3]!)) * 65536 + (b[4]! * 256 + b[5]!);
}

/**
 * Checks `input` against the code in `challenge` and records the attempt atomically.
 * `expected` names what the code must be for (a code for another purpose or channel is a
 * mismatch). @internal
 */
export async function attemptOobCode(
  ctx: ServiceContext,
  challenge: MfaChallengeRecord,
  input: string,
  expected: { readonly purpose: string; readonly channel?: 'email' | 'sms' },
  key: Uint8Array,
): Promise<OobAttemptOutcome> {
  let current: MfaChallengeRecord | null = challenge;
  for (let round = 0; round < MAX_ROUNDS && current !== null; round++) {
    const result = verifyOobCode(input, storedOobCode(current), { key, now: ctx.now, expected });
    if (!result.ok && result.reason !== 'mismatch') return result.reason;
    const attempted: MfaChallengeRecord = { ...current, data: { ...current.data, code: result.record as unknown as MfaJsonObject } };
    if (await ctx.store.compareAndSetChallenge(attempted, current.revision, ctx.now())) return result.ok ? 'accepted' : 'mismatch';
    // Lost a race: decide again on what is stored now (a parallel attempt, or a resent code).
    const fresh: MfaChallengeRecord | null = await ctx.store.getChallenge(current.id, ctx.now());
    current = fresh !== null && fresh.purpose === challenge.purpose && fresh.accountId === challenge.accountId ? fresh : null;
  }
  // Gone (consumed, expired) or still contended after many rounds: nothing was accepted.
  return current === null ? 'expired' : 'mismatch';
}
