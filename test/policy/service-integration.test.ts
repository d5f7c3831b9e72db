// The policy adapter with the real MFA service on the in-memory store: login requirements, disable,
// remove and enrol refusals come from `mfakit/policy` decisions, naming the blocking owners.
import { describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createMfaService,
  createPolicyHook,
  decodeBase32Secret,
  generateTotp,
  type FactorSummary,
  type MfaPolicy,
  type MfaService,
  type PolicyOwner,
} from '../../src/index.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);
const acme: PolicyOwner = { id: 'org_1', name: 'Acme', type: 'organization' };
const globex: PolicyOwner = { id: 'org_2', name: 'Globex', type: 'organization' };
const payroll: PolicyOwner = { id: 'prj_1', name: 'Payroll', type: 'project' };

interface Setup {
  service: MfaService;
  clock: { (): number; advance(ms: number): void };
  policies: Map<string, MfaPolicy[]>;
  asked: string[];
}

function setup(): Setup {
  let t = T0;
  const clock = Object.assign(() => t, { advance: (ms: number) => void (t += ms) });
  const policies = new Map<string, MfaPolicy[]>();
  const asked: string[] = [];
  const service = createMfaService({
    issuer: 'ACME Cloud',
    store: createMemoryStore(),
    now: clock,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
    oob: { key: new Uint8Array(32).fill(9), sender: { send: async () => {} } },
    policy: createPolicyHook(async (accountId) => {
      asked.push(accountId);
      return policies.get(accountId) ?? [];
    }),
  });
  return { service, clock, policies, asked };
}

async function enrolApp(s: Setup, accountId: string, stepUpToken?: string) {
  const pending = await s.service.startAuthenticatorEnrolment(accountId, stepUpToken === undefined ? {} : { stepUpToken });
  const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
  const code = () => generateTotp(secret, { now: s.clock });
  const confirmed = await s.service.confirmEnrolment(accountId, pending.enrolmentId, code());
  if (!confirmed.ok) throw new Error(`enrolment failed: ${confirmed.reason}`);
  s.clock.advance(30_000);
  return { factorId: confirmed.factor.id, code };
}

async function stepUp(s: Setup, accountId: string, code: () => string): Promise<string> {
  const result = await s.service.verify(accountId, code());
  if (!result.ok) throw new Error(`verify failed: ${result.reason}`);
  s.clock.advance(30_000);
  return result.stepUp.token;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; details: { owners: { id: string; name: string }[] } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a refusal');
}

describe('createPolicyHook with the MFA service', () => {
  it('login results say enrolment is required by policy and by when, then blocked, then fine', async () => {
    const s = setup();
    s.policies.set('u1', [{ owner: acme, requireMfa: true, grace: { since: T0 - DAY, durationMs: 14 * DAY } }]);
    let need = await s.service.loginRequirement('u1');
    expect(need).toMatchObject({ mfaRequired: false, enrolmentRequiredBy: T0 + 13 * DAY });
    expect(need.blocked).toBeUndefined();
    expect(s.asked).toEqual(['u1']);

    s.clock.advance(13 * DAY);
    need = await s.service.loginRequirement('u1');
    expect(need.enrolmentRequiredBy).toBeUndefined();
    expect(need.blocked).toMatchObject({ code: 'MFA_REQUIRED_BY_POLICY', owners: [{ id: 'org_1', name: 'Acme' }] });

    // A blocked member may still enrol, and then complies.
    await enrolApp(s, 'u1');
    need = await s.service.loginRequirement('u1');
    expect(need.mfaRequired).toBe(true);
    expect(need.blocked).toBeUndefined();
    expect(need.enrolmentRequiredBy).toBeUndefined();
  });

  it('a member below the minimum number of factors gets the earliest deadline', async () => {
    const s = setup();
    await enrolApp(s, 'u1');
    s.policies.set('u1', [
      { owner: globex, requireMfa: true, minFactors: 2, grace: { since: T0, durationMs: 30 * DAY } },
      { owner: acme, requireMfa: true, minFactors: 2, grace: { since: T0, durationMs: 7 * DAY } },
    ]);
    // Backup codes came with the first enrolment, but never count toward a minimum.
    const need = await s.service.loginRequirement('u1');
    expect(need.factors.map((f) => f.kind).sort()).toEqual(['backup-codes', 'totp']);
    expect(need).toMatchObject({ mfaRequired: true, enrolmentRequiredBy: T0 + 7 * DAY });
  });

  it('disabling is refused with every requiring owner, sorted by name', async () => {
    const s = setup();
    const app = await enrolApp(s, 'u1');
    s.policies.set('u1', [
      { owner: payroll, requireMfa: false, excludeLowAssurance: true },
      { owner: globex, requireMfa: true },
      { owner: acme, requireMfa: true, minFactors: 1 },
    ]);
    const token = await stepUp(s, 'u1', app.code);
    const error = await refusal(s.service.disable('u1', { confirmation: 'disable', stepUpToken: token }));
    expect(error).toMatchObject({ name: 'MfaError', code: 'MFA_REQUIRED_BY_POLICY' });
    expect(error.details.owners).toEqual([
      { id: 'org_1', name: 'Acme' },
      { id: 'org_2', name: 'Globex' },
    ]);

    // Once the member leaves those organisations, disabling works.
    s.policies.set('u1', [{ owner: payroll, requireMfa: false }]);
    await expect(s.service.disable('u1', { confirmation: 'disable', stepUpToken: token })).resolves.toMatchObject({ ok: true, factorsRemoved: 1 });
  });

  it('removing a factor is refused below a minimum, and the last one only as disable', async () => {
    const s = setup();
    const first = await enrolApp(s, 'u1');
    const token = await stepUp(s, 'u1', first.code);
    const second = await enrolApp(s, 'u1', token);
    s.policies.set('u1', [
      { owner: acme, requireMfa: true },
      { owner: payroll, requireMfa: true, minFactors: 2 },
      { owner: globex, requireMfa: true, minFactors: 2 },
    ]);
    const error = await refusal(s.service.removeFactor('u1', second.factorId, { stepUpToken: token }));
    expect(error.code).toBe('MFA_REQUIRED_BY_POLICY');
    expect(error.details.owners).toEqual([
      { id: 'org_2', name: 'Globex' },
      { id: 'prj_1', name: 'Payroll' },
    ]);

    s.policies.set('u1', [{ owner: acme, requireMfa: true }]);
    await expect(s.service.removeFactor('u1', second.factorId, { stepUpToken: token })).resolves.toMatchObject({ ok: true, mfaDisabled: false });
    const last = await refusal(s.service.removeFactor('u1', first.factorId, { stepUpToken: token, confirmation: 'disable' }));
    expect(last).toMatchObject({ code: 'MFA_REQUIRED_BY_POLICY', details: { owners: [{ id: 'org_1', name: 'Acme' }] } });
  });

  it('enrolling a kind a policy forbids is refused, naming the owners', async () => {
    const s = setup();
    s.policies.set('u1', [
      { owner: globex, requireMfa: false, excludeLowAssurance: true },
      { owner: acme, requireMfa: true, excludeLowAssurance: true },
    ]);
    const sms = await refusal(s.service.startOobEnrolment('u1', { channel: 'sms', destination: '+33612345678' }));
    expect(sms).toMatchObject({ code: 'FACTOR_NOT_ALLOWED', details: { owners: [{ id: 'org_1', name: 'Acme' }, { id: 'org_2', name: 'Globex' }] } });
    const email = await refusal(s.service.startOobEnrolment('u1', { channel: 'email', destination: 'a@example.com' }));
    expect(email.code).toBe('FACTOR_NOT_ALLOWED');
    await expect(enrolApp(s, 'u1')).resolves.toBeDefined();

    s.policies.set('u2', [{ owner: payroll, requireMfa: true, allowedKinds: ['webauthn', 'backup-codes'] }]);
    const totp = await refusal(s.service.startAuthenticatorEnrolment('u2'));
    expect(totp).toMatchObject({ code: 'FACTOR_NOT_ALLOWED', details: { owners: [{ id: 'prj_1', name: 'Payroll' }] } });
  });

  it('a policy that starts forbidding a kind while an enrolment is pending refuses its confirmation', async () => {
    const s = setup();
    const pending = await s.service.startAuthenticatorEnrolment('u3');
    const code = generateTotp(decodeBase32Secret(pending.manualKey.replace(/ /g, '')), { now: s.clock });
    s.policies.set('u3', [{ owner: payroll, requireMfa: true, allowedKinds: ['webauthn', 'backup-codes'] }]);
    const refused = await refusal(s.service.confirmEnrolment('u3', pending.enrolmentId, code));
    expect(refused).toMatchObject({ code: 'FACTOR_NOT_ALLOWED', details: { owners: [{ id: 'prj_1', name: 'Payroll' }] } });
    expect(await s.service.listFactors('u3')).toEqual([]);
  });

  it("a login blocked by a non-requiring organisation's allowedKinds names that organisation", async () => {
    const s = setup();
    await enrolApp(s, 'u1');
    s.policies.set('u1', [
      { owner: acme, requireMfa: true },
      { owner: globex, requireMfa: false, allowedKinds: ['webauthn', 'backup-codes'] },
    ]);
    const need = await s.service.loginRequirement('u1');
    expect(need.blocked).toMatchObject({ code: 'MFA_REQUIRED_BY_POLICY', owners: [{ id: 'org_1', name: 'Acme' }, { id: 'org_2', name: 'Globex' }] });
    expect(need.blocked?.message).toContain('Globex');
  });

  it('fails closed when the resolver fails or returns a malformed policy', async () => {
    const s = setup();
    const app = await enrolApp(s, 'u1');
    const token = await stepUp(s, 'u1', app.code);
    s.policies.set('u1', [{ owner: acme } as MfaPolicy]);
    await expect(s.service.disable('u1', { confirmation: 'disable', stepUpToken: token })).rejects.toMatchObject({ code: 'INVALID_POLICY' });
    const failing = createPolicyHook(() => {
      throw new Error('db down');
    });
    await expect(failing.check({ type: 'disable' }, { accountId: 'u1', factors: [], now: T0 })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('createPolicyHook on its own', () => {
  const summary = (id: string, kind: string, extra: Partial<FactorSummary> = {}): FactorSummary => ({ id, kind, role: 'login', name: id, createdAt: T0, ...extra });
  const hook = createPolicyHook(() => [{ owner: acme, requireMfa: true, excludeLowAssurance: true }]);
  const context = (factors: FactorSummary[]) => ({ accountId: 'u1', factors, now: T0 });

  it('maps each action to its decision', async () => {
    expect(await hook.check({ type: 'login' }, context([summary('a', 'totp')]))).toEqual({ allowed: true, rememberDevice: { allowed: true } });
    expect(await hook.check({ type: 'login' }, context([]))).toMatchObject({ allowed: false, code: 'MFA_REQUIRED_BY_POLICY', owners: [{ id: 'org_1', name: 'Acme' }] });
    expect(await hook.check({ type: 'disable' }, context([]))).toMatchObject({ allowed: false, code: 'MFA_REQUIRED_BY_POLICY' });
    expect(await hook.check({ type: 'enrol', kind: 'sms' }, context([]))).toMatchObject({ allowed: false, code: 'FACTOR_NOT_ALLOWED' });
    expect(await hook.check({ type: 'enrol', kind: 'webauthn' }, context([]))).toEqual({ allowed: true });
    expect(await hook.check({ type: 'remove-factor', factorId: 'a' }, context([summary('a', 'totp'), summary('b', 'webauthn')]))).toEqual({ allowed: true });
    expect(await hook.check({ type: 'remove-factor', factorId: 'b' }, context([summary('a', 'sms'), summary('b', 'webauthn')]))).toMatchObject({ allowed: false, code: 'MFA_REQUIRED_BY_POLICY' });
  });

  it('names the organisation whose restriction blocks: a login, a removal, an unsatisfiable combination', async () => {
    const restricted = createPolicyHook(() => [
      { owner: acme, requireMfa: true },
      { owner: globex, requireMfa: false, allowedKinds: ['webauthn'] },
    ]);
    const both = [{ id: 'org_1', name: 'Acme', type: 'organization' }, { id: 'org_2', name: 'Globex', type: 'organization' }];
    const login = await restricted.check({ type: 'login' }, context([summary('a', 'totp')]));
    expect(login).toMatchObject({ allowed: false, owners: both });
    expect(login.allowed ? '' : login.message).toContain('Globex');
    const removal = await restricted.check({ type: 'remove-factor', factorId: 'b' }, context([summary('a', 'totp'), summary('b', 'webauthn')]));
    expect(removal).toMatchObject({ allowed: false, code: 'MFA_REQUIRED_BY_POLICY', owners: both });
    const conflicting = createPolicyHook(() => [
      { owner: acme, requireMfa: true, allowedKinds: ['webauthn'] },
      { owner: globex, requireMfa: false, allowedKinds: ['totp'] },
    ]);
    const none = await conflicting.check({ type: 'login' }, context([]));
    expect(none).toMatchObject({ allowed: false, owners: both });
    expect(none.allowed ? '' : none.message).toMatch(/no factor kind/);
  });

  it('leaves recovery methods out of policy decisions', async () => {
    const factors = [summary('a', 'totp'), summary('k', 'ssh-key', { role: 'recovery' }), summary('p', 'phone')];
    expect(await hook.check({ type: 'enrol', kind: 'ssh-key' }, context([]))).toEqual({ allowed: true });
    expect(await hook.check({ type: 'enrol', kind: 'phone' }, context([]))).toEqual({ allowed: true });
    expect(await hook.check({ type: 'remove-factor', factorId: 'k' }, context(factors))).toEqual({ allowed: true });
    // With only the app among login factors, removing it is removing the last factor.
    expect(await hook.check({ type: 'remove-factor', factorId: 'a' }, context(factors))).toMatchObject({ allowed: false });
    expect(await hook.check({ type: 'remove-factor', factorId: 'nope' }, context(factors))).toEqual({ allowed: true });
    const strict = createPolicyHook(() => [{ owner: acme, requireMfa: true, excludeLowAssurance: true }], { recoveryKinds: [] });
    expect(await strict.check({ type: 'enrol', kind: 'ssh-key' }, context([]))).toMatchObject({ allowed: false, code: 'FACTOR_NOT_ALLOWED' });
  });

  it('refuses a missing resolver', () => {
    expect(() => createPolicyHook(undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('createPolicyHook options', () => {
  it('rejects malformed recoveryKinds', () => {
    expect(() => createPolicyHook(() => [], { recoveryKinds: 'ssh-key' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createPolicyHook(() => [], { recoveryKinds: [1] as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
