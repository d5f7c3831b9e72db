/**
 * Faults: a Redis reply lost after the server ran the command, and the command resent by ioredis
 * when it reconnects (`autoResendUnfulfilledCommands`, on by default). A TCP proxy in front of the
 * real Redis lets the command through, swallows its reply and cuts the connection. The resend must
 * return the first outcome: before, a legitimate TOTP login was refused as `replayed` (its step
 * spent by the first run) and a right backup code was consumed with its login refused.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import { createMfaService, type MfaService } from '../../src/service/service.js';
import { createRedisStore, REDIS_STORE_SCRIPTS } from '../../src/stores/redis/index.js';
import { MFA_RECORD_VERSION } from '../../src/store/records.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { deleteRedisKeys, REDIS_URL, redisReachable, serverGate, uniqueSuffix } from '../stores/fixtures/servers.js';
import { guardProcess } from './process-guard.js';

const run = serverGate('Redis', REDIS_URL, await redisReachable());
const keyPrefix = `mfakit-faults-resend-${uniqueSuffix()}:`;

/** The EVALSHA of a store script, or (a plain command) its name. */
function commandOf(script: keyof typeof REDIS_STORE_SCRIPTS, plain?: string): (chunk: Buffer) => boolean {
  const sha = createHash('sha1').update(REDIS_STORE_SCRIPTS[script]).digest('hex');
  return (chunk) => chunk.includes(sha) || (plain !== undefined && chunk.includes(`\r\n${plain}\r\n`));
}

describe.runIf(run)('faults: Redis reply lost, command resent on reconnect', () => {
  const direct = new Redis(REDIS_URL);
  let proxy: TcpProxy;
  let client: Redis;
  let t = Date.UTC(2026, 4, 1, 9, 0, 0);
  const now = () => t;
  let direct_: MfaService;
  let faulty: MfaService;

  beforeAll(async () => {
    const url = new URL(REDIS_URL);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 6379) });
    // ioredis defaults: a command whose reply was lost is sent again after the reconnect.
    client = new Redis({ host: '127.0.0.1', port: proxy.port, retryStrategy: () => 5 });
    client.on('error', () => {});
    const options = {
      issuer: 'Resend',
      now,
      keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(5) } },
      backupCodes: { kdf: { algorithm: 'pbkdf2-sha256' as const, iterations: 1000 }, count: 4 },
      verifierCacheSize: 0,
    };
    direct_ = createMfaService({ ...options, store: createRedisStore({ redis: direct, keyPrefix }) });
    faulty = createMfaService({ ...options, store: createRedisStore({ redis: client, keyPrefix }) });
  });
  afterAll(async () => {
    client.disconnect();
    await proxy.close();
    await deleteRedisKeys(direct, keyPrefix);
    direct.disconnect();
  });

  async function enrolled() {
    const a = `acct-${uniqueSuffix()}`;
    const pending = await direct_.startAuthenticatorEnrolment(a);
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    const confirmed = await direct_.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now }));
    if (!confirmed.ok || confirmed.backupCodes === null) throw new Error('set-up failed');
    t += 30_000;
    return { a, secret, codes: confirmed.backupCodes };
  }

  test('a TOTP login whose step advance lost its reply: accepted once, not refused as replayed', async () => {
    const { a, secret } = await enrolled();
    const guard = guardProcess();
    // The script a successful TOTP login sends now: advance the step and clear the attempt record.
    const fired = proxy.arm({ kind: 'drop-reply', match: commandOf('advanceFactorStepClearing') });
    const code = generateTotp(secret, { now });
    const result = await faulty.verify(a, code);
    await fired;
    guard.stop();
    expect(guard.escaped).toEqual([]);
    expect(result.ok ? 'ok' : result.reason).toBe('ok');
    // Nothing accepted twice: the same code again is a replay.
    const again = await direct_.verify(a, code);
    expect(again.ok ? 'ok' : again.reason).toBe('replayed');
  });

  test('a backup-code login whose consume lost its reply: accepted once, the code spent once', async () => {
    const { a, codes } = await enrolled();
    const guard = guardProcess();
    const fired = proxy.arm({ kind: 'drop-reply', match: commandOf('consumeBackupCode' as keyof typeof REDIS_STORE_SCRIPTS, 'HDEL') });
    const result = await faulty.verify(a, codes[0]!);
    await fired;
    guard.stop();
    expect(guard.escaped).toEqual([]);
    expect(result.ok ? 'ok' : result.reason).toBe('ok');
    expect(result.ok && result.backupCodesRemaining).toBe(codes.length - 1);
    const again = await direct_.verify(a, codes[0]!);
    expect(again.ok ? 'ok' : again.reason).toBe('replayed');
  });

  test('a challenge consume whose reply was lost: the resend returns the record, and it is consumed once', async () => {
    const directStore = createRedisStore({ redis: direct, keyPrefix });
    const faultyStore = createRedisStore({ redis: client, keyPrefix });
    const challenge = {
      v: MFA_RECORD_VERSION, id: `wl-${uniqueSuffix()}`, accountId: `acct-${uniqueSuffix()}`, purpose: 'webauthn-login',
      data: { challenge: 'abc' }, createdAt: t, expiresAt: t + 300_000, revision: 0,
    };
    await directStore.putChallenge(challenge);
    const guard = guardProcess();
    const fired = proxy.arm({ kind: 'drop-reply', match: commandOf('consumeChallenge') });
    const consumed = await faultyStore.consumeChallenge(challenge.id, { purpose: 'webauthn-login', now: t });
    await fired;
    guard.stop();
    expect(guard.escaped).toEqual([]);
    expect(consumed, 'the resend returns the first outcome, not "already used"').toEqual(challenge);
    expect(await directStore.consumeChallenge(challenge.id, { purpose: 'webauthn-login', now: t }), 'consumed once').toBeNull();
    expect(await directStore.getChallenge(challenge.id, t)).toBeNull();
  });

  test("an account's challenge consumed in the account's slot, the reply lost: the resend returns the record, and it is consumed once", async () => {
    const directStore = createRedisStore({ redis: direct, keyPrefix });
    const faultyStore = createRedisStore({ redis: client, keyPrefix });
    const challenge = {
      v: MFA_RECORD_VERSION, id: `rec-${uniqueSuffix()}`, accountId: `acct-${uniqueSuffix()}`, purpose: 'ssh-recovery',
      data: { nonce: 'n' }, createdAt: t, expiresAt: t + 300_000, revision: 0,
    };
    await directStore.putChallenge(challenge);
    const guard = guardProcess();
    const fired = proxy.arm({ kind: 'drop-reply', match: commandOf('consumeAccountChallenge') });
    const consumed = await faultyStore.consumeChallenge(challenge.id, { purpose: 'ssh-recovery', now: t });
    await fired;
    guard.stop();
    expect(guard.escaped).toEqual([]);
    expect(consumed, 'the resend returns the first outcome, not "already used"').toEqual(challenge);
    expect(await directStore.consumeChallenge(challenge.id, { purpose: 'ssh-recovery', now: t }), 'consumed once').toBeNull();
    expect(await directStore.listChallenges(challenge.accountId, 'ssh-recovery', t)).toEqual([]);
  });

  test('a first enrolment whose activation lost its reply: confirmed, its backup codes shown', async () => {
    const a = `acct-${uniqueSuffix()}`;
    const pending = await direct_.startAuthenticatorEnrolment(a);
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    const guard = guardProcess();
    const fired = proxy.arm({ kind: 'drop-reply', match: commandOf('activateEnrolment') });
    const confirmed = await faulty.confirmEnrolment(a, pending.enrolmentId, generateTotp(secret, { now })).catch((e: unknown) => e);
    await fired;
    guard.stop();
    expect(guard.escaped).toEqual([]);
    expect(confirmed).toMatchObject({ ok: true });
    expect((confirmed as { backupCodes: string[] }).backupCodes).toHaveLength(4);
    t += 30_000;
  });
});
