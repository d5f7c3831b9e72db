/**
 * Faults (issue 18): an account recovery by the phone on file with the store's connection cut at
 * each of its requests in turn (a TCP proxy in front of the real PostgreSQL or Redis cuts the
 * connection just before the k-th request reaches the server; k = 0, 1, … until a call completes
 * untouched). Whatever the cut point: the process survives; the call succeeds or fails with
 * MfaError('STORE_ERROR'); nothing is half-written (the login factors are gone exactly when the
 * account carries its "enrol again" mark, and never while a step-up grant minted before is still
 * valid); `recovery-completed` is emitted exactly when the recovery happened; and a retry (the
 * same code, or a new one when the first was spent) converges to one completed recovery.
 */
import { describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import type { OobMessage } from '../../src/oob/index.js';
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
const tablePrefix = `fr${suffix}_`;
const keyPrefix = `mfakit-faults-r${suffix}:`;

function sweepRecovery(backend: () => StoresBehindProxy) {
  let t = Date.UTC(2026, 4, 1, 9, 0, 0);
  const now = () => t;
  const events: MfaEvent[] = [];
  const sent: OobMessage[] = [];
  const options = {
    ...faultSweepServiceOptions(now, events),
    oob: { key: new Uint8Array(32).fill(9), sender: { send: async (message: OobMessage) => void sent.push(message) } },
  };
  const lastCode = () => sent[sent.length - 1]!.code;

  test('phone recovery, the connection cut before each request in turn: typed error or success, never half-written; a retry converges', async () => {
    const b = backend();
    const direct: MfaService = createMfaService({ ...options, store: b.direct });
    const faulty: MfaService = createMfaService({ ...options, store: b.faulty });
    let cutPoints = 0;
    for (let k = 0; k < 80; k++) {
      const a = `acct-${uniqueSuffix()}`;
      const { token } = await enrolAuthenticatorWithStepUp(direct, a, now);
      const phone = await direct.addRecoveryPhone(a, { phoneNumber: `+4179${String(1_000_000 + k * 7919 + Number.parseInt(suffix.slice(0, 4), 36) % 1000)}`, stepUpToken: token });
      const added = await direct.confirmRecoveryPhone(a, phone.enrolmentId, lastCode());
      if (!added.ok) throw new Error('recovery phone set-up failed');
      await direct.startPhoneRecovery(a);
      const code = lastCode();
      t += 30_000;
      events.length = 0;

      const { outcome: first, cut } = await callWithConnectionCut(b, k, () => faulty.completePhoneRecovery(a, code));

      const loginFactors = async () => (await b.direct.listFactors(a)).filter((f) => f.role === 'login').length;
      const marked = async () => (await b.direct.getAccount(a))?.data['reenrolmentRequired'] !== undefined;
      const completed = () => events.filter((e) => e.type === 'recovery-completed').length;
      const removed = (await loginFactors()) === 0;
      expect(await marked(), `k=${k}: the mark is there exactly when the factors are gone`).toBe(removed);
      expect(removed && (await grantStillValid(b.direct, a, token, now())), `k=${k}: never recovered with the old grant still valid`).toBe(false);
      if (first.ok) {
        expect(first.result.ok, `k=${k}: the code was right`).toBe(true);
        expect(removed, `k=${k}: ok, so the factors are gone`).toBe(true);
        expect(completed(), `k=${k}: ok, one event`).toBe(1);
      } else {
        expect(first.error, `k=${k}: a typed error`).toBeInstanceOf(MfaError);
        expect((first.error as MfaError).code, `k=${k}: STORE_ERROR`).toBe('STORE_ERROR');
        expect(removed, `k=${k}: failed, so nothing was removed`).toBe(false);
        expect(completed(), `k=${k}: failed, no event`).toBe(0);
        // The retry: the same code when it is still pending, else a new one (the first was spent).
        t += 1_000;
        let retried = await direct.completePhoneRecovery(a, code);
        if (!retried.ok) {
          expect(retried.reason, `k=${k}: the first code is only ever spent, never half-used`).toBe('expired');
          await direct.startPhoneRecovery(a);
          retried = await direct.completePhoneRecovery(a, lastCode());
        }
        expect(retried.ok, `k=${k}: the retry recovers`).toBe(true);
        expect(completed(), `k=${k}: one event after the retry`).toBe(1);
      }
      expect(await loginFactors()).toBe(0);
      expect(await marked()).toBe(true);
      expect(await grantStillValid(b.direct, a, token, now()), `k=${k}: the old grant is revoked`).toBe(false);
      if (!cut) break;
      cutPoints++;
    }
    expect(cutPoints, 'the sweep reached a call that completed untouched').toBeGreaterThan(3);
  });
}

describe.runIf(runPg)('faults: phone recovery on PostgreSQL, connection cut before each request', () => {
  sweepRecovery(postgresBehindProxy(tablePrefix));
});

describe.runIf(runRedis)('faults: phone recovery on Redis, connection cut before each request', () => {
  sweepRecovery(redisBehindProxy(keyPrefix));
});
