/**
 * Step-up grants as the fault tests check them (test/faults/recovery.test.ts,
 * test/faults/disable-recovery.test.ts): an account with one authenticator app and the grant its
 * enrolment returned, and whether a grant minted before still holds.
 */
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import type { MfaService } from '../../src/service/service.js';
import type { MfaStore } from '../../src/store/contract.js';

/**
 * Whether a step-up token minted before still matches the account's generation, as the service
 * keeps it (challenge `stepup:<account>`) and its tokens carry it (4th segment).
 */
export async function grantStillValid(store: MfaStore, accountId: string, token: string, now: number): Promise<boolean> {
  const record = await store.getChallenge(`stepup:${accountId}`, now);
  return record !== null && record.data['generation'] === token.split('.')[3];
}

/** Enrols an authenticator app for the account; returns its secret and the step-up token the confirmation granted. */
export async function enrolAuthenticatorWithStepUp(service: MfaService, accountId: string, now: () => number): Promise<{ secret: Uint8Array; token: string }> {
  const pending = await service.startAuthenticatorEnrolment(accountId);
  const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
  const confirmed = await service.confirmEnrolment(accountId, pending.enrolmentId, generateTotp(secret, { now }));
  if (!confirmed.ok || confirmed.stepUp === null) throw new Error('set-up failed');
  return { secret, token: confirmed.stepUp.token };
}
