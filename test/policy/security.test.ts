// Policy decisions from issue 17: inactive settings never block a decision.
import { describe, expect, it } from 'vitest';
import { combineMfaPolicies, evaluateFactorRemoval, evaluateLoginPolicy, evaluateMfaDisable, validateMfaPolicy, type MfaPolicy } from '../../src/policy/index.js';
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
