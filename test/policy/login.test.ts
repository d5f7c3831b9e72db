import { describe, expect, it } from 'vitest';
import { evaluateLoginPolicy, validateMfaPolicy, type MfaPolicy, type PolicyFactor } from '../../src/policy/index.js';
import { acme, codes, DAY, email, globex, payroll, requireAll, sms, sshKey, T0, totp, webauthn, key2 } from './fixtures.js';

const now = () => T0 + 10 * DAY;
const grace = (days: number, since = T0) => ({ since, durationMs: days * DAY });

interface Row {
  name: string;
  policies: MfaPolicy[];
  factors: PolicyFactor[];
  outcome: 'mfa-optional' | 'mfa-required' | 'enrolment-required' | 'blocked';
  owners: string[];
  deadline?: number | undefined;
  accepted?: string[];
  missing?: number;
}

const rows: Row[] = [
  { name: 'no policies', policies: [], factors: [], outcome: 'mfa-optional', owners: [] },
  { name: 'only a non-requiring restriction', policies: [{ owner: acme, requireMfa: false, allowedKinds: ['webauthn'] }], factors: [], outcome: 'mfa-optional', owners: [] },
  { name: 'required and enrolled', policies: [requireAll(acme)], factors: [totp], outcome: 'mfa-required', owners: ['Acme'], accepted: ['app'] },
  { name: 'required, no factors, no grace', policies: [requireAll(acme)], factors: [], outcome: 'blocked', owners: ['Acme'], deadline: undefined, missing: 1 },
  { name: 'required, no factors, in grace', policies: [requireAll(acme, { grace: grace(14) })], factors: [], outcome: 'enrolment-required', owners: ['Acme'], deadline: T0 + 14 * DAY, missing: 1 },
  { name: 'grace over', policies: [requireAll(acme, { grace: grace(7) })], factors: [], outcome: 'blocked', owners: ['Acme'], deadline: T0 + 7 * DAY },
  { name: 'deadline is exclusive', policies: [requireAll(acme, { grace: grace(10) })], factors: [], outcome: 'blocked', owners: ['Acme'], deadline: T0 + 10 * DAY },
  { name: 'grace counted from a later membership', policies: [requireAll(acme, { grace: grace(7, T0 + 5 * DAY) })], factors: [], outcome: 'enrolment-required', owners: ['Acme'], deadline: T0 + 12 * DAY },
  { name: 'earliest deadline wins', policies: [requireAll(globex, { grace: grace(30) }), requireAll(acme, { grace: grace(20) })], factors: [], outcome: 'enrolment-required', owners: ['Acme', 'Globex'], deadline: T0 + 20 * DAY },
  { name: 'one overdue owner blocks; only it is named', policies: [requireAll(globex, { grace: grace(30) }), requireAll(acme, { grace: grace(5) })], factors: [], outcome: 'blocked', owners: ['Acme'], deadline: T0 + 5 * DAY },
  { name: 'backup codes alone do not comply', policies: [requireAll(acme)], factors: [codes], outcome: 'blocked', owners: ['Acme'], accepted: ['codes'] },
  { name: 'unknown kind (ssh key) does not comply', policies: [requireAll(acme)], factors: [sshKey], outcome: 'blocked', owners: ['Acme'], accepted: [] },
  { name: 'email under excludeLowAssurance', policies: [requireAll(acme, { excludeLowAssurance: true, grace: grace(30) })], factors: [email], outcome: 'enrolment-required', owners: ['Acme'], accepted: [] },
  { name: 'sms allowed when not excluded', policies: [requireAll(acme)], factors: [sms], outcome: 'mfa-required', owners: ['Acme'], accepted: ['phone'] },
  { name: 'phishing-resistant only: totp does not comply', policies: [requireAll(acme, { allowedKinds: ['webauthn', 'backup-codes'] })], factors: [totp, codes], outcome: 'blocked', owners: ['Acme'], accepted: ['codes'] },
  { name: 'phishing-resistant only: key complies, other factors not accepted', policies: [requireAll(acme, { allowedKinds: ['webauthn'] })], factors: [totp, webauthn], outcome: 'mfa-required', owners: ['Acme'], accepted: ['key'] },
  { name: 'a non-requiring restriction narrows a requiring policy', policies: [requireAll(acme), { owner: payroll, requireMfa: false, allowedKinds: ['webauthn'] }], factors: [totp], outcome: 'blocked', owners: ['Acme', 'Payroll'], accepted: [] },
  { name: 'minFactors 2 with one factor', policies: [requireAll(acme, { minFactors: 2, grace: grace(30) })], factors: [webauthn], outcome: 'enrolment-required', owners: ['Acme'], missing: 1, accepted: ['key'] },
  { name: 'minFactors 2: backup codes do not count', policies: [requireAll(acme, { minFactors: 2 })], factors: [webauthn, codes], outcome: 'blocked', owners: ['Acme'], missing: 1 },
  { name: 'minFactors 2 met', policies: [requireAll(acme, { minFactors: 2 })], factors: [webauthn, key2], outcome: 'mfa-required', owners: ['Acme'] },
  { name: 'only the unmet policy is named', policies: [requireAll(acme, { minFactors: 2, grace: grace(30) }), requireAll(globex)], factors: [totp], outcome: 'enrolment-required', owners: ['Acme'] },
  { name: 'all requiring owners named when met, sorted', policies: [requireAll(payroll), requireAll(globex), requireAll(acme)], factors: [totp], outcome: 'mfa-required', owners: ['Acme', 'Globex', 'Payroll'] },
  { name: 'conflicting restrictions: nobody can comply', policies: [requireAll(acme, { allowedKinds: ['webauthn'] }), requireAll(globex, { allowedKinds: ['totp'] })], factors: [webauthn, totp], outcome: 'blocked', owners: ['Acme', 'Globex'], accepted: [] },
];

describe('evaluateLoginPolicy', () => {
  it.each(rows)('$name', (row) => {
    const decision = evaluateLoginPolicy(row.policies, row.factors, { now });
    expect(decision.outcome).toBe(row.outcome);
    expect(decision.owners.map((o) => o.name)).toEqual(row.owners);
    if ('deadline' in row && (decision.outcome === 'enrolment-required' || decision.outcome === 'blocked')) {
      expect(decision.deadline).toBe(row.deadline);
    }
    if (row.accepted && decision.outcome !== 'mfa-optional') expect(decision.acceptedFactorIds).toEqual(row.accepted);
    if (row.missing !== undefined && (decision.outcome === 'enrolment-required' || decision.outcome === 'blocked')) {
      expect(decision.missingFactors).toBe(row.missing);
    }
    if (decision.outcome === 'enrolment-required' || decision.outcome === 'blocked') expect(decision.code).toBe('MFA_REQUIRED_BY_POLICY');
  });

  it('says `satisfied` beside the outcome', () => {
    for (const row of rows) {
      const decision = evaluateLoginPolicy(row.policies, row.factors, { now });
      expect(decision.satisfied, row.name).toBe(row.outcome === 'mfa-optional' || row.outcome === 'mfa-required');
    }
  });

  it('a fixed grace deadline (`until`) is the same for every member', () => {
    const fixed: MfaPolicy = { owner: acme, requireMfa: true, grace: { until: T0 + 20 * DAY } };
    expect(evaluateLoginPolicy([fixed], [], { now })).toMatchObject({ outcome: 'enrolment-required', satisfied: false, deadline: T0 + 20 * DAY });
    expect(evaluateLoginPolicy([fixed], [], { now: () => T0 + 20 * DAY })).toMatchObject({ outcome: 'blocked', deadline: T0 + 20 * DAY });
    expect(validateMfaPolicy(fixed)).toEqual(fixed);
    expect(() => validateMfaPolicy({ ...fixed, grace: { until: T0, durationMs: 1 } } as never)).toThrow();
    expect(() => validateMfaPolicy({ ...fixed, grace: { until: -1 } })).toThrow();
  });

  it('names the causing policies with the owners', () => {
    const policy = { ...requireAll(acme), id: 'acme-mfa' };
    const decision = evaluateLoginPolicy([policy], [], { now });
    expect(decision.policies.map((p) => p.id)).toEqual(['acme-mfa']);
  });

  it('uses the injected clock only', () => {
    const policies = [requireAll(acme, { grace: grace(1) })];
    expect(evaluateLoginPolicy(policies, [], { now: () => T0 }).outcome).toBe('enrolment-required');
    expect(evaluateLoginPolicy(policies, [], { now: () => T0 + DAY }).outcome).toBe('blocked');
  });

  it('rejects bad factors and a bad clock', () => {
    expect(() => evaluateLoginPolicy([requireAll(acme)], [{ id: '', kind: 'totp' }], { now })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => evaluateLoginPolicy([requireAll(acme)], [totp, { ...totp }], { now })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => evaluateLoginPolicy([], [], { now: () => Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
