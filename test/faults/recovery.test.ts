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
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { MfaError } from '../../src/errors.js';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import type { OobMessage } from '../../src/oob/index.js';
import type { MfaEvent } from '../../src/service/events.js';
import { createMfaService, type MfaService } from '../../src/service/service.js';
import type { MfaStore } from '../../src/store/contract.js';
import { createPostgresStore, migrate } from '../../src/stores/postgres/index.js';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import {
  deleteRedisKeys,
  dropPostgresTables,
  PG_URL,
  postgresReachable,
  REDIS_URL,
  redisReachable,
  serverGate,
  uniqueSuffix,
} from '../stores/fixtures/servers.js';
import { guardProcess, type ProcessGuard } from './process-guard.js';

const [pgUp, redisUp] = await Promise.all([postgresReachable(), redisReachable()]);
const runPg = serverGate('PostgreSQL', PG_URL, pgUp);
const runRedis = serverGate('Redis', REDIS_URL, redisUp);
const suffix = uniqueSuffix();
const tablePrefix = `fr${suffix}_`;
const keyPrefix = `mfakit-faults-r${suffix}:`;

/** A PostgreSQL request (simple query, parse or bind) or a Redis command (a RESP array). */
const isPgRequest = (chunk: Buffer) => chunk[0] === 0x51 || chunk[0] === 0x50 || chunk[0] === 0x42;
const isRedisCommand = (chunk: Buffer) => chunk[0] === 0x2a;

interface Backend {
  direct: MfaStore;
  faulty: MfaStore;
  proxy: TcpProxy;
  isRequest: (chunk: Buffer) => boolean;
}

/** Whether a step-up token minted before still matches the account's generation. */
async function grantStillValid(store: MfaStore, accountId: string, token: string, now: number): Promise<boolean> {
  const record = await store.getChallenge(`stepup:${accountId}`, now);
  return record !== null && record.data['generation'] === token.split('.')[3];
}

function sweepRecovery(backend: () => Backend) {
  let t = Date.UTC(2026, 4, 1, 9, 0, 0);
  const now = () => t;
  const events: MfaEvent[] = [];
  const sent: OobMessage[] = [];
  const options = {
    issuer: 'Faults',
    now,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(3) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256' as const, iterations: 1000 }, count: 4 },
    oob: { key: new Uint8Array(32).fill(9), sender: { send: async (message: OobMessage) => void sent.push(message) } },
    verifierCacheSize: 0,
    events: (event: MfaEvent) => void events.push(event),
  };
  const lastCode = () => sent[sent.length - 1]!.code;
  let guard: ProcessGuard | undefined;
  afterEach(() => guard?.stop());

  test('phone recovery, the connection cut before each request in turn: typed error or success, never half-written; a retry converges', async () => {
    const b = backend();
    const direct: MfaService = createMfaService({ ...options, store: b.direct });
    const faulty: MfaService = createMfaService({ ...options, store: b.faulty });
    let cutPoints = 0;
    for (let k = 0; k < 80; k++) {
      const a = `acct-${uniqueSuffix()}`;
      const pending = await direct.startAuthenticatorEnrolment(a);
      const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
      const confirmed = await direct.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now }));
      if (!confirmed.ok || confirmed.stepUp === null) throw new Error('set-up failed');
      const token = confirmed.stepUp.token;
      const phone = await direct.addRecoveryPhone(a, { phoneNumber: `+4179${String(1_000_000 + k * 7919 + Number.parseInt(suffix.slice(0, 4), 36) % 1000)}`, stepUpToken: token });
      const added = await direct.confirmRecoveryPhone(a, phone.enrolmentId, lastCode());
      if (!added.ok) throw new Error('recovery phone set-up failed');
      await direct.startPhoneRecovery(a);
      const code = lastCode();
      t += 30_000;
      events.length = 0;

      guard = guardProcess();
      const fired = b.proxy.firedCount;
      void b.proxy.arm({ kind: 'cut-before', match: b.isRequest, skip: k });
      const first = await faulty.completePhoneRecovery(a, code).then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const cut = b.proxy.firedCount > fired;
      b.proxy.disarm();
      await new Promise((r) => setTimeout(r, 20));
      expect(guard.escaped, `k=${k}: nothing escaped`).toEqual([]);
      guard.stop();

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
  const direct = new pg.Pool({ connectionString: PG_URL, max: 2 });
  direct.on('error', () => {});
  let proxy: TcpProxy;
  let faultyPool: pg.Pool;
  beforeAll(async () => {
    await migrate(direct, { tablePrefix });
    const url = new URL(PG_URL);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    faultyPool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    faultyPool.on('error', () => {});
  });
  afterAll(async () => {
    await faultyPool.end().catch(() => {});
    await proxy.close();
    await dropPostgresTables(direct, tablePrefix);
    await direct.end();
  });
  sweepRecovery(() => ({
    direct: createPostgresStore({ pool: direct, tablePrefix }),
    faulty: createPostgresStore({ pool: faultyPool, tablePrefix }),
    proxy,
    isRequest: isPgRequest,
  }));
});

describe.runIf(runRedis)('faults: phone recovery on Redis, connection cut before each request', () => {
  const direct = new Redis(REDIS_URL);
  let proxy: TcpProxy;
  let faultyClient: Redis;
  beforeAll(async () => {
    const url = new URL(REDIS_URL);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 6379) });
    // Fail-fast settings (docs/stores.md): a command on a dead connection fails at once, and one
    // that may have reached the server is not sent again.
    faultyClient = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, retryStrategy: () => 5 });
    faultyClient.on('error', () => {});
  });
  afterAll(async () => {
    faultyClient.disconnect();
    await proxy.close();
    await deleteRedisKeys(direct, keyPrefix);
    direct.disconnect();
  });
  sweepRecovery(() => ({
    direct: createRedisStore({ redis: direct, keyPrefix }),
    faulty: createRedisStore({ redis: faultyClient, keyPrefix }),
    proxy,
    isRequest: isRedisCommand,
  }));
});
