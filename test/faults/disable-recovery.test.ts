/**
 * Faults: disabling MFA and recovering an account with the store's connection cut at each of its
 * requests in turn (a TCP proxy in front of the real PostgreSQL or Redis cuts the connection just
 * before the k-th request reaches the server; k = 1, 2, … until a call completes untouched).
 * Whatever the cut point: the process survives, the call succeeds or fails with
 * MfaError('STORE_ERROR'), MFA is never off while a step-up grant minted before is still valid,
 * the event is emitted exactly when the change happened, and a retry converges.
 */
import { describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import type { MfaEvent } from '../../src/service/events.js';
import { createMfaService, type MfaService } from '../../src/service/service.js';
import { postgresBehindProxy, redisBehindProxy, type StoresBehindProxy } from '../support/stores-behind-proxy.js';
import { enrolAuthenticatorWithStepUp, grantStillValid } from '../support/step-up-grants.js';
import { callWithConnectionCut, faultSweepServiceOptions } from '../support/fault-sweep.js';
import { PG_URL, postgresReachable, REDIS_URL, redisReachable, serverGate, uniqueSuffix } from '../stores/fixtures/servers.js';

const [pgUp, redisUp] = await Promise.all([postgresReachable(), redisReachable()]);
const runPg = serverGate('PostgreSQL', PG_URL, pgUp);
const runRedis = serverGate('Redis', REDIS_URL, redisUp);
const suffix = uniqueSuffix();
const tablePrefix = `fd${suffix}_`;
const keyPrefix = `mfakit-faults-d${suffix}:`;

function sweepDisable(backend: () => StoresBehindProxy) {
  let t = Date.UTC(2026, 4, 1, 9, 0, 0);
  const now = () => t;
  const events: MfaEvent[] = [];
  const options = faultSweepServiceOptions(now, events);

  test('disable, the connection cut before each request in turn: never off with old grants valid; a retry converges', async () => {
    const b = backend();
    const direct: MfaService = createMfaService({ ...options, store: b.direct });
    const faulty: MfaService = createMfaService({ ...options, store: b.faulty });
    let cutPoints = 0;
    for (let k = 0; k < 60; k++) {
      const a = `acct-${uniqueSuffix()}`;
      const { secret, token } = await enrolAuthenticatorWithStepUp(direct, a, now);
      t += 30_000;
      events.length = 0;

      const { outcome: first, cut } = await callWithConnectionCut(b, k, () => faulty.disable(a, { confirmation: 'disable', stepUpToken: token }));

      const loginFactors = (await b.direct.listFactors(a)).filter((f) => f.role === 'login').length;
      const disabledEvents = () => events.filter((e) => e.type === 'mfa-disabled').length;
      const grantValid = await grantStillValid(b.direct, a, token, now());
      if (first.ok) {
        expect(loginFactors, `k=${k}: ok, so MFA is off`).toBe(0);
        expect(disabledEvents(), `k=${k}: ok, one event`).toBe(1);
      } else {
        expect(first.error, `k=${k}: a typed error`).toBeInstanceOf(MfaError);
        expect((first.error as MfaError).code, `k=${k}: STORE_ERROR`).toBe('STORE_ERROR');
        expect(loginFactors, `k=${k}: failed, so nothing was removed`).toBe(1);
        expect(disabledEvents(), `k=${k}: failed, no event`).toBe(0);
      }
      expect(loginFactors === 0 && grantValid, `k=${k}: never off with the old grant still valid`).toBe(false);

      // The retry converges: with the same grant when it is still valid, else after a new verification.
      if (!first.ok) {
        let retryToken = token;
        if (!grantValid) {
          const verified = await direct.verify(a, generateTotp(secret, { now }));
          if (!verified.ok) throw new Error(`k=${k}: the user could not verify again: ${verified.reason}`);
          retryToken = verified.stepUp.token;
          t += 30_000;
        }
        await faulty.disable(a, { confirmation: 'disable', stepUpToken: retryToken });
        expect(disabledEvents(), `k=${k}: one event after the retry`).toBe(1);
      }
      expect((await b.direct.listFactors(a)).filter((f) => f.role === 'login').length).toBe(0);
      expect(await grantStillValid(b.direct, a, token, now()), `k=${k}: the old grant is revoked`).toBe(false);
      // Re-enabled: the grant minted before the disable stays dead.
      const again = await direct.startAuthenticatorEnrolment(a);
      const secret2 = decodeBase32Secret(again.manualKey.replace(/ /g, ''));
      expect((await direct.confirmEnrolment(a, again.enrolmentId, generateTotp(secret2, { now }))).ok).toBe(true);
      t += 30_000;
      expect(await grantStillValid(b.direct, a, token, now()), `k=${k}: the old grant is dead after re-enabling`).toBe(false);
      if (!cut) break;
      cutPoints++;
    }
    expect(cutPoints, 'the sweep reached a call that completed untouched').toBeGreaterThan(2);
  });
}

describe.runIf(runPg)('faults: disable on PostgreSQL, connection cut before each request', () => {
  sweepDisable(postgresBehindProxy(tablePrefix));
});

describe.runIf(runRedis)('faults: disable on Redis, connection cut before each request', () => {
  sweepDisable(redisBehindProxy(keyPrefix));
});
