/**
 * Service-level race cases: the same store guarantees seen through the MFA service, the way an
 * attacker would probe them (50 parallel logins with one code, 200 parallel guesses).
 * @module
 */
import type { Clock } from '../clock.js';
import { decodeBase32Secret, generateTotp } from '../otp/index.js';
import { createMfaService, type MfaService } from '../service/service.js';
import type { MfaServiceOptions } from '../service/options.js';
import type { MfaStore } from '../store/contract.js';
import { check, concurrently, uniqueId } from './check.js';
import type { ConformanceCase, StoreFactory } from './types.js';

const FAST_KDF = { algorithm: 'pbkdf2-sha256', iterations: 1000 } as const;

function service(store: MfaStore, now: Clock, overrides: Partial<MfaServiceOptions> = {}): MfaService {
  return createMfaService({
    issuer: 'Conformance',
    store,
    now,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } },
    backupCodes: { kdf: FAST_KDF, count: 4 },
    ...overrides,
  });
}

/** Enrols one authenticator app; returns its secret and first backup codes. */
async function enrolled(svc: MfaService, accountId: string, now: Clock): Promise<{ secret: Uint8Array; codes: readonly string[] }> {
  const pending = await svc.startAuthenticatorEnrolment(accountId);
  const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
  const confirmed = await svc.confirmEnrolment(accountId, pending.enrolmentId, generateTotp(secret, { now }));
  check(confirmed.ok && confirmed.backupCodes !== null, 'enrolment confirmed with backup codes');
  return { secret, codes: confirmed.ok ? confirmed.backupCodes ?? [] : [] };
}

/** The service-level race cases. */
export function serviceLevelCases(makeStore: StoreFactory, clock: Clock): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add = (name: string, body: (store: MfaStore, now: Clock) => Promise<void>): void => {
    cases.push({
      name,
      run: async () => {
        // Time stands still inside a case: the confirmation code's step and the login code's step
        // must differ, so cases move the clock forward by whole periods explicitly.
        let t = Math.floor(clock());
        const now: Clock = () => t;
        const advance = (ms: number): void => {
          t += ms;
        };
        await body(await makeStore(), Object.assign(now, { advance }));
      },
    });
  };
  const advance = (now: Clock, ms: number): void => (now as Clock & { advance(ms: number): void }).advance(ms);

  add('service race: 50 concurrent verifications of one valid TOTP code: exactly one succeeds', async (store, now) => {
    const svc = service(store, now, { limits: { freeAttempts: 100, lockAfter: 100 } });
    const accountId = uniqueId('acct');
    const { secret } = await enrolled(svc, accountId, now);
    advance(now, 30_000);
    const code = generateTotp(secret, { now });
    const results = await concurrently(50, () => svc.verify(accountId, code));
    const wins = results.filter((r) => r.ok).length;
    check(wins === 1, 'exactly one verification succeeds', { wins });
    check(results.every((r) => r.ok || r.reason === 'replayed'), 'every other one is refused as replayed');
  });

  add('service: a remembered device is honoured, and forgetting it (one or all) or disabling MFA takes effect at once', async (store, now) => {
    const svc = service(store, now);
    const accountId = uniqueId('acct');
    const { secret } = await enrolled(svc, accountId, now);
    advance(now, 30_000);
    const login = await svc.verify(accountId, generateTotp(secret, { now }));
    check(login.ok, 'second factor passed');
    if (!login.ok) return;
    const stepUpToken = login.stepUp.token;
    const one = await svc.rememberDevice(accountId, { stepUpToken, name: 'Laptop' });
    const two = await svc.rememberDevice(accountId, { stepUpToken, name: 'Phone' });
    const skips = async (token: string) => !(await svc.loginRequirement(accountId, { deviceToken: token })).mfaRequired;
    check(await skips(one.token), 'a remembered device skips the second step');
    check((await svc.listRememberedDevices(accountId)).length === 2, 'both are listed');
    check(await svc.forgetRememberedDevice(accountId, one.device.id), 'forgotten');
    check(!(await skips(one.token)), 'a forgotten device is refused at once');
    check(await skips(two.token), 'the other one still works');
    const three = await svc.rememberDevice(accountId, { stepUpToken, name: 'Tablet' });
    check((await svc.forgetAllRememberedDevices(accountId)) === 2, 'forget all removes the two left');
    check(!(await skips(two.token)) && !(await skips(three.token)), 'all refused at once');
    const four = await svc.rememberDevice(accountId, { stepUpToken, name: 'Desktop' });
    await svc.disable(accountId, { confirmation: 'disable', stepUpToken });
    await enrolled(svc, accountId, now);
    check(!(await skips(four.token)), 'disabling MFA revoked it, also after MFA is on again');
  });

  add('service race: 50 concurrent uses of one backup code: exactly one succeeds', async (store, now) => {
    const svc = service(store, now, { limits: { freeAttempts: 100, lockAfter: 100 } });
    const accountId = uniqueId('acct');
    const { codes } = await enrolled(svc, accountId, now);
    const results = await concurrently(50, () => svc.verify(accountId, codes[0]!));
    const wins = results.filter((r) => r.ok).length;
    check(wins === 1, 'exactly one use succeeds', { wins });
    // A loser that read the code before it was consumed, or its tombstone after, says 'replayed';
    // one that read between the two, 'mismatch'.
    check(results.every((r) => r.ok || r.reason === 'replayed' || r.reason === 'mismatch'), 'every other one is refused');
  });

  add('service: a used backup code is refused as replayed later; a regenerated set forgets it', async (store, now) => {
    const svc = service(store, now);
    const accountId = uniqueId('acct');
    const { secret, codes } = await enrolled(svc, accountId, now);
    check((await svc.verify(accountId, codes[0]!)).ok, 'the backup code works once');
    const again = await svc.verify(accountId, codes[0]!);
    check(!again.ok && again.reason === 'replayed', 'used again: replayed (its tombstone, a challenge record)', { again });
    advance(now, 30_000);
    const login = await svc.verify(accountId, generateTotp(secret, { now }));
    check(login.ok, 'the authenticator app still works');
    await svc.regenerateBackupCodes(accountId, { stepUpToken: login.ok ? login.stepUp.token : '' });
    const old = await svc.verify(accountId, codes[0]!);
    check(!old.ok && old.reason === 'mismatch', 'after regeneration the old used code is simply wrong', { old });
  });

  add('service race: 200 parallel wrong guesses with a limit of 7: at most 7 are evaluated', async (store, now) => {
    const limit = 7;
    const svc = service(store, now, { limits: { freeAttempts: limit, lockAfter: limit } });
    const accountId = uniqueId('acct');
    const { secret } = await enrolled(svc, accountId, now);
    advance(now, 30_000);
    const right = generateTotp(secret, { now });
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const results = await concurrently(200, () => svc.verify(accountId, wrong));
    const evaluated = results.filter((r) => !r.ok && r.reason === 'mismatch').length;
    check(evaluated <= limit, 'at most the limit was evaluated', { evaluated });
    check(results.every((r) => !r.ok), 'no wrong guess succeeds');
    const after = await svc.verify(accountId, right);
    check(!after.ok && after.reason === 'locked', 'the right code is not even checked once locked');
  });

  add('service race: two concurrent confirmations of one enrolment: activated once', async (store, now) => {
    const svc = service(store, now);
    const accountId = uniqueId('acct');
    const pending = await svc.startAuthenticatorEnrolment(accountId);
    const code = generateTotp(decodeBase32Secret(pending.manualKey.replace(/ /g, '')), { now });
    const settled = await Promise.allSettled([0, 1].map(() => svc.confirmEnrolment(accountId, pending.enrolmentId, code)));
    const activated = settled.filter((s) => s.status === 'fulfilled' && s.value.ok).length;
    check(activated === 1, 'exactly one confirmation activates', { activated });
    const loser = settled.find((s) => !(s.status === 'fulfilled' && s.value.ok));
    check(loser?.status === 'rejected' && (loser.reason as { code?: string }).code === 'ENROLMENT_NOT_FOUND', 'the other is told the enrolment is gone');
    const factors = await svc.listFactors(accountId);
    check(factors.filter((f) => f.kind === 'totp').length === 1, 'one factor');
    check(factors.find((f) => f.kind === 'backup-codes')?.remaining === 4, 'one backup-code set');
  });

  return cases;
}
