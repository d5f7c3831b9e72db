/**
 * Service-level security cases: the attacks of a review (issue 17), replayed through the MFA
 * service on the store under test, so every store keeps them closed.
 * @module
 */
import type { Clock } from '../clock.js';
import { decodeBase32Secret, generateTotp } from '../otp/index.js';
import type { OobMessage } from '../oob/index.js';
import { createMfaService, type MfaService } from '../service/service.js';
import type { MfaServiceOptions } from '../service/options.js';
import type { MfaStore } from '../store/contract.js';
import { check, checkRejects, concurrently, uniqueId } from './check.js';
import type { ConformanceCase, StoreFactory } from './types.js';

const FAST_KDF = { algorithm: 'pbkdf2-sha256', iterations: 1000 } as const;

interface Rig {
  readonly svc: MfaService;
  readonly now: Clock;
  readonly advance: (ms: number) => void;
  readonly sent: OobMessage[];
}

function rig(store: MfaStore, start: number, overrides: Partial<MfaServiceOptions> = {}): Rig {
  let t = start;
  const now: Clock = () => t;
  const sent: OobMessage[] = [];
  const svc = createMfaService({
    issuer: 'Conformance',
    store,
    now,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } },
    backupCodes: { kdf: FAST_KDF, count: 4 },
    oob: { key: new Uint8Array(32).fill(9), sender: { send: async (m) => void sent.push(m) } },
    ...overrides,
  });
  return { svc, now, advance: (ms) => void (t += ms), sent };
}

/** The code of the last message sent. */
function lastCode(sent: readonly OobMessage[]): string {
  return sent[sent.length - 1]?.code ?? '';
}

function appOf(manualKey: string, now: Clock): () => string {
  const secret = decodeBase32Secret(manualKey.replace(/ /g, ''));
  return () => generateTotp(secret, { now });
}

/** The service-level security cases. */
export function securityCases(makeStore: StoreFactory, clock: Clock): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add = (name: string, body: (store: MfaStore, start: number) => Promise<void>): void => {
    cases.push({ name, run: async () => body(await makeStore(), Math.floor(clock())) });
  };

  add('security: a TOTP enrolment started before MFA was turned on is dead once the owner enrols', async (store, start) => {
    const { svc, now, advance } = rig(store, start);
    const accountId = uniqueId('acct');
    // The attacker holds only the password; the account has no MFA, so no step-up is asked.
    const attacker = await svc.startAuthenticatorEnrolment(accountId, { name: 'Attacker' });
    const owner = await svc.startAuthenticatorEnrolment(accountId, { name: 'Owner' });
    const ownerDone = await svc.confirmEnrolment(accountId, owner.enrolmentId, appOf(owner.manualKey, now)());
    check(ownerDone.ok && ownerDone.stepUp !== null, 'the owner turns MFA on (first factor: a grant)');
    advance(30_000);
    await checkRejects(() => svc.confirmEnrolment(accountId, attacker.enrolmentId, appOf(attacker.manualKey, now)()), 'ENROLMENT_STALE', "the attacker's enrolment");
    const factors = await svc.listFactors(accountId);
    check(!factors.some((f) => f.name === 'Attacker'), 'no attacker factor', { factors: factors.map((f) => f.name) });
    await checkRejects(() => svc.confirmEnrolment(accountId, attacker.enrolmentId, appOf(attacker.manualKey, now)()), 'ENROLMENT_NOT_FOUND', 'a stale enrolment is deleted');
  });

  add('security: an email enrolment started before MFA was turned on is dead once the owner enrols', async (store, start) => {
    const { svc, now, advance, sent } = rig(store, start);
    const accountId = uniqueId('acct');
    const attacker = await svc.startOobEnrolment(accountId, { channel: 'email', destination: 'attacker@example.net' });
    const attackerCode = lastCode(sent);
    const owner = await svc.startAuthenticatorEnrolment(accountId, { name: 'Owner' });
    check((await svc.confirmEnrolment(accountId, owner.enrolmentId, appOf(owner.manualKey, now)())).ok, 'the owner turns MFA on');
    advance(30_000);
    await checkRejects(() => svc.confirmEnrolment(accountId, attacker.enrolmentId, attackerCode), 'ENROLMENT_STALE', "the attacker's email enrolment");
    check(!(await svc.listFactors(accountId)).some((f) => f.kind === 'email'), 'no email factor');
  });

  add('security race: two first enrolments confirmed at once never both become factors', async (store, start) => {
    const { svc, now } = rig(store, start);
    const accountId = uniqueId('acct');
    const a = await svc.startAuthenticatorEnrolment(accountId, { name: 'A' });
    const b = await svc.startAuthenticatorEnrolment(accountId, { name: 'B' });
    const settled = await Promise.allSettled([a, b].map((p) => svc.confirmEnrolment(accountId, p.enrolmentId, appOf(p.manualKey, now)())));
    const ok = settled.filter((r) => r.status === 'fulfilled' && r.value.ok).length;
    const factors = (await svc.listFactors(accountId)).filter((f) => f.kind === 'totp');
    check(factors.length <= 1, 'at most one of them is active', { factors: factors.map((f) => f.name) });
    check(ok === factors.length, 'a confirmation reported ok is exactly a factor that stayed', { ok, factors: factors.length });
    for (const r of settled) {
      if (r.status === 'rejected') check((r.reason as { code?: string }).code === 'ENROLMENT_STALE', 'the loser is told its enrolment is stale', { reason: String(r.reason) });
    }
  });

  add('security: a pending enrolment dies when a factor is added or removed after it started', async (store, start) => {
    const { svc, now, advance } = rig(store, start);
    const accountId = uniqueId('acct');
    const first = await svc.startAuthenticatorEnrolment(accountId, { name: 'First' });
    const firstApp = appOf(first.manualKey, now);
    const confirmed = await svc.confirmEnrolment(accountId, first.enrolmentId, firstApp());
    check(confirmed.ok, 'first factor');
    advance(30_000);
    const login = await svc.verify(accountId, firstApp());
    check(login.ok, 'step-up');
    const token = login.ok ? login.stepUp.token : '';
    const a = await svc.startAuthenticatorEnrolment(accountId, { name: 'A', stepUpToken: token });
    const b = await svc.startAuthenticatorEnrolment(accountId, { name: 'B', stepUpToken: token });
    check((await svc.confirmEnrolment(accountId, b.enrolmentId, appOf(b.manualKey, now)())).ok, 'B is added');
    await checkRejects(() => svc.confirmEnrolment(accountId, a.enrolmentId, appOf(a.manualKey, now)()), 'ENROLMENT_STALE', 'A after B was added');
    const c = await svc.startAuthenticatorEnrolment(accountId, { name: 'C', stepUpToken: token });
    const bId = (await svc.listFactors(accountId)).find((f) => f.name === 'B')?.id ?? '';
    await svc.removeFactor(accountId, bId, { stepUpToken: token });
    await checkRejects(() => svc.confirmEnrolment(accountId, c.enrolmentId, appOf(c.manualKey, now)()), 'ENROLMENT_STALE', 'C after B was removed');
  });

  add('security: confirming a second factor returns no step-up grant; the first factor does', async (store, start) => {
    const { svc, now, advance } = rig(store, start);
    const accountId = uniqueId('acct');
    const first = await svc.startAuthenticatorEnrolment(accountId);
    const firstApp = appOf(first.manualKey, now);
    const one = await svc.confirmEnrolment(accountId, first.enrolmentId, firstApp());
    check(one.ok && one.stepUp !== null, 'first factor: a grant (the user just turned MFA on)');
    advance(30_000);
    const login = await svc.verify(accountId, firstApp());
    check(login.ok, 'step-up');
    const second = await svc.startAuthenticatorEnrolment(accountId, { name: 'Second', stepUpToken: login.ok ? login.stepUp.token : '' });
    const two = await svc.confirmEnrolment(accountId, second.enrolmentId, appOf(second.manualKey, now)());
    check(two.ok && two.stepUp === null, 'second factor: no grant beyond the one the caller holds', { stepUp: two.ok ? two.stepUp : null });
  });

  add('security: a trailing dot or capitals in the domain share the destination\'s send limit', async (store, start) => {
    const { svc } = rig(store, start);
    const variants = ['victim@example.com', 'victim@example.com.', 'victim@EXAMPLE.COM.', 'Victim@Example.com', 'victim+x@example.com'];
    for (const destination of variants) await svc.startOobEnrolment(uniqueId('acct'), { channel: 'email', destination });
    await checkRejects(() => svc.startOobEnrolment(uniqueId('acct'), { channel: 'email', destination: 'victim@example.com.' }), 'SEND_LIMIT_EXCEEDED', 'the sixth send to one mailbox');
  });

  add('security: one account cannot make the service send more than the per-account cap across destinations', async (store, start) => {
    const { svc, sent } = rig(store, start);
    const accountId = uniqueId('acct');
    for (let i = 0; i < 10; i++) await svc.startOobEnrolment(accountId, { channel: 'email', destination: `d${i}@example.net` });
    await checkRejects(() => svc.startOobEnrolment(accountId, { channel: 'email', destination: 'd10@example.net' }), 'SEND_LIMIT_EXCEEDED', 'the 11th send of one account in an hour');
    check(sent.length === 10, 'ten messages went out', { sent: sent.length });
  });

  add('security: a step-up token minted by one service is refused by another sharing its key ring and store', async (store, start) => {
    const a = rig(store, start, { issuer: 'Service A' });
    const b = rig(store, start, { issuer: 'Service B' });
    const accountId = uniqueId('acct');
    const pending = await a.svc.startAuthenticatorEnrolment(accountId);
    const app = appOf(pending.manualKey, a.now);
    check((await a.svc.confirmEnrolment(accountId, pending.enrolmentId, app())).ok, 'enrolled');
    a.advance(30_000);
    b.advance(30_000);
    const login = await a.svc.verify(accountId, app());
    check(login.ok, 'verified at service A');
    const token = login.ok ? login.stepUp.token : '';
    check(await a.svc.hasRecentStepUp(accountId, token), 'service A accepts its own token');
    check(!(await b.svc.hasRecentStepUp(accountId, token)), 'service B refuses it');
    await checkRejects(() => b.svc.regenerateBackupCodes(accountId, { stepUpToken: token }), 'STEP_UP_REQUIRED', 'a change at service B');
  });

  add('security race: 50 parallel uses of one backup code: one wins, every loser is replayed with its event', async (store, start) => {
    const events: { type: string; reason?: string }[] = [];
    const { svc, now } = rig(store, start, { limits: { freeAttempts: 100, lockAfter: 100 }, events: (e) => void events.push(e) });
    const accountId = uniqueId('acct');
    const pending = await svc.startAuthenticatorEnrolment(accountId);
    const confirmed = await svc.confirmEnrolment(accountId, pending.enrolmentId, appOf(pending.manualKey, now)());
    const code = confirmed.ok ? confirmed.backupCodes?.[0] ?? '' : '';
    const results = await concurrently(50, () => svc.verify(accountId, code));
    check(results.filter((r) => r.ok).length === 1, 'exactly one use succeeds');
    const reasons = results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason));
    check(reasons.every((r) => r === 'replayed'), 'every loser is told replayed', { reasons: [...new Set(reasons)] });
    const refused = events.filter((e) => e.type === 'replay-refused').length;
    check(refused === 49, 'each loser raised replay-refused', { refused });
  });

  return cases;
}
