// Policy decisions from issue 17: inactive settings never block a decision.
import { describe, expect, it } from 'vitest';
import { assertPolicyAllows, combineMfaPolicies, evaluateFactorRemoval, evaluateLoginPolicy, evaluateMfaDisable, validateMfaPolicy, type MfaPolicy } from '../../src/policy/index.js';
import { acme, globex, T0, totp, webauthn } from './fixtures.js';

describe('policies: a setting that has no effect never blocks a decision', () => {
  // An organisation that switched enforcement off and kept its old settings.
  const leftover: MfaPolicy = { owner: acme, requireMfa: false, minFactors: 2, grace: { since: T0, durationMs: 86_400_000 } };

  it('evaluateMfaDisable, evaluateFactorRemoval, evaluateLoginPolicy and combineMfaPolicies ignore minFactors and grace of a non-requiring policy', () => {
    expect(evaluateMfaDisable([leftover])).toEqual({ allowed: true });
    expect(evaluateFactorRemoval([leftover], [totp, webauthn], 'app')).toMatchObject({ allowed: true });
    expect(combineMfaPolicies([leftover, { owner: globex, requireMfa: true }])).toMatchObject({ requireMfa: true, minFactors: 1 });
    expect(evaluateLoginPolicy([leftover], [totp], { now: () => T0 })).toMatchObject({ outcome: 'mfa-optional' });
  });

  it('saving such a policy is still refused by the strict validator', () => {
    expect(() => validateMfaPolicy(leftover)).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
  });
});

describe('policies: removal and login agree', () => {
  it('org A requires MFA, org B allows only webauthn: removing the key from TOTP + key is refused', () => {
    const policies: MfaPolicy[] = [{ owner: acme, requireMfa: true }, { owner: globex, requireMfa: false, allowedKinds: ['webauthn'] }];
    expect(evaluateLoginPolicy(policies, [totp, webauthn], { now: () => T0 })).toMatchObject({ satisfied: true });
    expect(evaluateLoginPolicy(policies, [totp], { now: () => T0 })).toMatchObject({ satisfied: false });
    expect(evaluateFactorRemoval(policies, [totp, webauthn], 'key')).toMatchObject({ allowed: false });
    expect(evaluateFactorRemoval(policies, [totp, webauthn], 'app')).toMatchObject({ allowed: true });
  });
});

describe('policies: a decision names the organisation whose restriction blocks the account', () => {
  const requiring: MfaPolicy = { owner: acme, requireMfa: true };
  const onlyKeys: MfaPolicy = { owner: globex, requireMfa: false, allowedKinds: ['webauthn'] };
  const names = (owners: readonly { name: string }[]) => owners.map((o) => o.name);

  it("login blocked because a non-requiring organisation's allowedKinds leaves the account's TOTP out: Globex is named", () => {
    const decision = evaluateLoginPolicy([requiring, onlyKeys], [totp], { now: () => T0 });
    expect(decision).toMatchObject({ outcome: 'blocked', unsatisfiable: false });
    if (decision.satisfied) return;
    expect(names(decision.owners)).toEqual(['Acme', 'Globex']);
    expect(names(decision.restrictedByOwners)).toEqual(['Globex']);
    expect(decision.restrictedBy).toEqual([onlyKeys]);
    expect(decision.message).toContain('Globex');
  });

  it('in a grace period as well (enrolment-required names Globex)', () => {
    const graced: MfaPolicy = { ...requiring, grace: { since: T0, durationMs: 86_400_000 } };
    const decision = evaluateLoginPolicy([graced, onlyKeys], [totp], { now: () => T0 });
    expect(decision.outcome).toBe('enrolment-required');
    expect(decision.satisfied ? [] : names(decision.restrictedByOwners)).toEqual(['Globex']);
  });

  it('a restriction that excludes none of the factors a requiring policy would count is not named', () => {
    const noLow: MfaPolicy = { owner: globex, requireMfa: false, excludeLowAssurance: true };
    const none = evaluateLoginPolicy([requiring, noLow], [], { now: () => T0 });
    expect(none.satisfied ? null : { owners: names(none.owners), restricted: names(none.restrictedByOwners) }).toEqual({ owners: ['Acme'], restricted: [] });
    const sms = evaluateLoginPolicy([requiring, noLow], [{ id: 'phone', kind: 'sms' }], { now: () => T0 });
    expect(sms.satisfied ? null : names(sms.owners)).toEqual(['Acme', 'Globex']);
  });

  it('an unsatisfiable combination (Acme requires keys only, Globex allows only TOTP) names both, even with no factor yet', () => {
    const keysOnly: MfaPolicy = { owner: acme, requireMfa: true, allowedKinds: ['webauthn'] };
    const totpOnly: MfaPolicy = { owner: globex, requireMfa: false, allowedKinds: ['totp'] };
    const decision = evaluateLoginPolicy([keysOnly, totpOnly], [], { now: () => T0 });
    expect(decision).toMatchObject({ outcome: 'blocked', unsatisfiable: true });
    if (decision.satisfied) return;
    expect(names(decision.owners)).toEqual(['Acme', 'Globex']);
    expect(names(decision.restrictedByOwners)).toEqual(['Globex']);
    expect(decision.message).toMatch(/no factor kind/);
    expect(decision.message).toContain('Globex');
  });

  it('an unsatisfiable combination of two requiring organisations names the one still in grace too', () => {
    const keysOnly: MfaPolicy = { owner: acme, requireMfa: true, allowedKinds: ['webauthn'] };
    const totpOnly: MfaPolicy = { owner: globex, requireMfa: true, allowedKinds: ['totp'], grace: { since: T0, durationMs: 86_400_000 } };
    const decision = evaluateLoginPolicy([keysOnly, totpOnly], [], { now: () => T0 });
    expect(decision).toMatchObject({ outcome: 'blocked', unsatisfiable: true });
    expect(decision.satisfied ? [] : names(decision.owners)).toEqual(['Acme', 'Globex']);
  });

  it('a refused removal names the organisation whose allowedKinds keeps the remaining factor from counting', () => {
    const decision = evaluateFactorRemoval([requiring, onlyKeys], [totp, webauthn], 'key');
    expect(decision).toMatchObject({ allowed: false, reason: 'below-minimum' });
    if (decision.allowed) return;
    expect(names(decision.owners)).toEqual(['Acme', 'Globex']);
    expect(names(decision.restrictedByOwners)).toEqual(['Globex']);
    expect(decision.message).toContain('Globex');
    expect(() => assertPolicyAllows(decision)).toThrow(
      expect.objectContaining({ code: 'MFA_REQUIRED_BY_POLICY', details: expect.objectContaining({ owners: [acme, globex], restrictedByOwners: [globex] }) }),
    );
  });

  it('a refused removal under an unsatisfiable combination names the conflicting organisation', () => {
    const keysOnly: MfaPolicy = { owner: acme, requireMfa: true, allowedKinds: ['webauthn'] };
    const totpOnly: MfaPolicy = { owner: globex, requireMfa: false, allowedKinds: ['totp'] };
    const decision = evaluateFactorRemoval([keysOnly, totpOnly], [totp, webauthn], 'key');
    expect(decision.allowed ? [] : names(decision.owners)).toEqual(['Acme', 'Globex']);
  });

  it('a refusal the requiring organisation alone causes names only it', () => {
    const decision = evaluateFactorRemoval([{ ...requiring, minFactors: 2 }], [totp, webauthn], 'key');
    expect(decision.allowed ? null : { owners: names(decision.owners), restricted: decision.restrictedByOwners }).toEqual({ owners: ['Acme'], restricted: [] });
  });
});
