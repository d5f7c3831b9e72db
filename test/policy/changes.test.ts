import { describe, expect, it } from 'vitest';
import {
  assertPolicyAllows,
  evaluateFactorEnrolment,
  evaluateFactorRemoval,
  evaluateMfaDisable,
  type MfaPolicy,
  type PolicyFactor,
} from '../../src/policy/index.js';
import { acme, app, codes, email, globex, key2, payroll, requireAll, sms, sshKey, totp, webauthn } from './fixtures.js';

describe('evaluateMfaDisable', () => {
  const rows: { name: string; policies: MfaPolicy[]; owners: string[] | null }[] = [
    { name: 'no policies', policies: [], owners: null },
    { name: 'only non-requiring policies', policies: [{ owner: acme, requireMfa: false, excludeLowAssurance: true }], owners: null },
    { name: 'one requiring organisation', policies: [requireAll(acme)], owners: ['Acme'] },
    { name: 'several, sorted by name', policies: [requireAll(payroll), requireAll(globex), { owner: app, requireMfa: false }, requireAll(acme)], owners: ['Acme', 'Globex', 'Payroll'] },
    { name: 'two policies from one owner list it once', policies: [requireAll(acme, { id: 'b' }), requireAll(acme, { id: 'a', minFactors: 2 })], owners: ['Acme'] },
    {
      name: 'same name: ordered by id',
      policies: [requireAll({ id: 'z', name: 'Dup', type: 'organization' }), requireAll({ id: 'a', name: 'Dup', type: 'organization' })],
      owners: ['Dup', 'Dup'],
    },
    { name: 'code-unit order, not locale ("B" < "a")', policies: [requireAll({ id: '1', name: 'alpha', type: 'organization' }), requireAll({ id: '2', name: 'Beta', type: 'organization' })], owners: ['Beta', 'alpha'] },
  ];
  it.each(rows)('$name', ({ policies, owners }) => {
    const decision = evaluateMfaDisable(policies);
    if (owners === null) {
      expect(decision).toEqual({ allowed: true });
    } else {
      expect(decision.allowed).toBe(false);
      if (decision.allowed) return;
      expect(decision.code).toBe('MFA_REQUIRED_BY_POLICY');
      expect(decision.owners.map((o) => o.name)).toEqual(owners);
      expect(decision.message).toContain(owners[0]);
    }
  });

  it('lists policies in owner order, then policy id', () => {
    const decision = evaluateMfaDisable([requireAll(globex, { id: 'g' }), requireAll(acme, { id: 'b' }), requireAll(acme, { id: 'a' })]);
    expect(decision.allowed ? [] : decision.policies.map((p) => p.id)).toEqual(['a', 'b', 'g']);
  });

  it('orders same-name owners by id', () => {
    const decision = evaluateMfaDisable([requireAll({ id: 'z', name: 'Dup', type: 'organization' }), requireAll({ id: 'a', name: 'Dup', type: 'organization' })]);
    expect(decision.allowed ? [] : decision.owners.map((o) => o.id)).toEqual(['a', 'z']);
  });

  it('assertPolicyAllows throws the refusal as MfaError with the owners', () => {
    expect(() => assertPolicyAllows(evaluateMfaDisable([]))).not.toThrow();
    expect(() => assertPolicyAllows(evaluateMfaDisable([requireAll(globex), requireAll(acme)]))).toThrow(
      expect.objectContaining({ name: 'MfaError', code: 'MFA_REQUIRED_BY_POLICY', details: expect.objectContaining({ owners: [acme, globex] }) }),
    );
  });
});

describe('evaluateFactorRemoval', () => {
  const rows: { name: string; policies: MfaPolicy[]; factors: PolicyFactor[]; remove: string; owners: string[] | null; reason?: string }[] = [
    { name: 'no policies, last factor', policies: [], factors: [totp], remove: 'app', owners: null },
    { name: 'required, last factor', policies: [requireAll(acme)], factors: [totp], remove: 'app', owners: ['Acme'], reason: 'last-factor' },
    { name: 'required, last factor of an unknown kind', policies: [requireAll(acme)], factors: [sshKey], remove: 'ssh', owners: ['Acme'], reason: 'last-factor' },
    { name: 'required, one of two', policies: [requireAll(acme)], factors: [totp, webauthn], remove: 'app', owners: null },
    { name: 'required, only counting factor besides backup codes', policies: [requireAll(acme)], factors: [totp, codes], remove: 'app', owners: ['Acme'], reason: 'below-minimum' },
    { name: 'backup codes never count, so they may go', policies: [requireAll(acme)], factors: [totp, codes], remove: 'codes', owners: null },
    { name: 'minFactors 2 with two', policies: [requireAll(acme, { minFactors: 2 })], factors: [totp, webauthn], remove: 'key', owners: ['Acme'], reason: 'below-minimum' },
    { name: 'minFactors 2 with three', policies: [requireAll(acme, { minFactors: 2 })], factors: [totp, webauthn, key2], remove: 'key', owners: null },
    { name: 'a factor the policy does not count may go', policies: [requireAll(acme, { allowedKinds: ['webauthn'] })], factors: [webauthn, email], remove: 'mail', owners: null },
    { name: 'the only allowed factor may not go', policies: [requireAll(acme, { allowedKinds: ['webauthn'] })], factors: [webauthn, email], remove: 'key', owners: ['Acme'], reason: 'below-minimum' },
    { name: 'low kinds do not count under excludeLowAssurance', policies: [requireAll(acme, { excludeLowAssurance: true })], factors: [totp, sms], remove: 'app', owners: ['Acme'] },
    {
      // Only totp is allowed by all three (as at login): removing it would block login (issue 17).
      name: 'a factor counts only if every policy allows it, as at login',
      policies: [requireAll(acme, { allowedKinds: ['totp', 'webauthn'] }), requireAll(globex, { allowedKinds: ['totp', 'sms'] }), requireAll(payroll)],
      factors: [totp, webauthn, sms],
      remove: 'app',
      owners: ['Acme', 'Globex', 'Payroll'],
    },
    {
      name: 'blocking owners sorted',
      policies: [requireAll(payroll, { minFactors: 2 }), requireAll(globex, { minFactors: 2 }), requireAll(acme)],
      factors: [totp, webauthn],
      remove: 'app',
      owners: ['Globex', 'Payroll'],
    },
  ];
  it.each(rows)('$name', ({ policies, factors, remove, owners, reason }) => {
    const decision = evaluateFactorRemoval(policies, factors, remove);
    if (owners === null || owners.length === 0) {
      expect(decision).toEqual({ allowed: true, factorId: remove });
      return;
    }
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.code).toBe('MFA_REQUIRED_BY_POLICY');
    expect(decision.factorId).toBe(remove);
    expect(decision.owners.map((o) => o.name)).toEqual(owners);
    if (reason) expect(decision.reason).toBe(reason);
  });

  it('refuses an id that is not one of the factors', () => {
    expect(() => evaluateFactorRemoval([], [totp], 'nope')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('evaluateFactorEnrolment', () => {
  const rows: { name: string; policies: MfaPolicy[]; kind: string; owners: string[] | null }[] = [
    { name: 'no policies', policies: [], kind: 'sms', owners: null },
    { name: 'no restriction', policies: [requireAll(acme)], kind: 'email', owners: null },
    { name: 'unknown kind without restriction', policies: [requireAll(acme)], kind: 'ssh-key', owners: null },
    { name: 'sms under excludeLowAssurance', policies: [requireAll(acme, { excludeLowAssurance: true })], kind: 'sms', owners: ['Acme'] },
    { name: 'email under excludeLowAssurance', policies: [requireAll(acme, { excludeLowAssurance: true })], kind: 'email', owners: ['Acme'] },
    { name: 'totp under excludeLowAssurance', policies: [requireAll(acme, { excludeLowAssurance: true })], kind: 'totp', owners: null },
    { name: 'totp under phishing-resistant only', policies: [requireAll(acme, { allowedKinds: ['webauthn'] })], kind: 'totp', owners: ['Acme'] },
    { name: 'backup codes unless listed', policies: [requireAll(acme, { allowedKinds: ['webauthn'] })], kind: 'backup-codes', owners: ['Acme'] },
    { name: 'backup codes when listed', policies: [requireAll(acme, { allowedKinds: ['webauthn', 'backup-codes'] })], kind: 'backup-codes', owners: null },
    { name: 'unknown kind under a restriction', policies: [requireAll(acme, { excludeLowAssurance: true })], kind: 'carrier-pigeon', owners: ['Acme'] },
    { name: 'non-requiring policies restrict too', policies: [{ owner: payroll, requireMfa: false, excludeLowAssurance: true }], kind: 'sms', owners: ['Payroll'] },
    {
      name: 'only the refusing owners, sorted',
      policies: [requireAll(payroll, { allowedKinds: ['webauthn'] }), requireAll(globex), requireAll(acme, { excludeLowAssurance: true })],
      kind: 'sms',
      owners: ['Acme', 'Payroll'],
    },
  ];
  it.each(rows)('$name', ({ policies, kind, owners }) => {
    const decision = evaluateFactorEnrolment(policies, kind);
    if (owners === null) {
      expect(decision).toEqual({ allowed: true, kind });
      return;
    }
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.code).toBe('FACTOR_NOT_ALLOWED');
    expect(decision.owners.map((o) => o.name)).toEqual(owners);
    expect(() => assertPolicyAllows(decision)).toThrow(expect.objectContaining({ code: 'FACTOR_NOT_ALLOWED' }));
  });
});
