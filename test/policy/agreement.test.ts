/**
 * Issue 17, "Policies (correctness)": removal, disable and login decisions agree. For any policies
 * (requiring or not, allowedKinds, excludeLowAssurance, minFactors, grace, rememberedDevices, and
 * the leftover settings of an organisation that switched enforcement off) and any account, no
 * change that evaluateFactorRemoval or evaluateMfaDisable allows takes a login that was not blocked
 * to a blocked one, nor a compliant account out of compliance; and every refusal is one the login
 * decision would confirm (after the change, the account would not comply). And a decision names the
 * organisation whose kind restriction is what blocks the account.
 *
 * Found on src/policy as of 19f0911^ (before "removal counts a remaining factor only if every policy
 * allows its kind"), within the first 20 runs: Acme requires MFA, a second Acme policy (not requiring)
 * allows only webauthn, the account has webauthn + sms: removing the key was allowed and left the
 * login blocked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateFactorRemoval,
  evaluateLoginPolicy,
  evaluateMfaDisable,
  POLICY_FACTOR_KINDS,
  validateMfaPolicy,
  type LoginPolicyDecision,
  type MfaPolicy,
  type PolicyFactor,
  type PolicyOwner,
} from '../../src/policy/index.js';
import { DAY, T0 } from './fixtures.js';

/** How many accounts and policy sets each property tries (`POLICY_PROPERTY_RUNS` raises it). */
const RUNS = Number(process.env['POLICY_PROPERTY_RUNS'] ?? 1_000);

const OWNERS: PolicyOwner[] = [
  { id: 'o1', name: 'Acme', type: 'organization' },
  { id: 'o2', name: 'Globex', type: 'organization' },
  { id: 'o3', name: 'Initech', type: 'organization' },
  { id: 'p1', name: 'Payroll', type: 'project' },
];
/** Login kinds, an unknown kind and a recovery kind (neither ever counts). */
const KINDS = [...POLICY_FACTOR_KINDS, 'ssh-key', 'carrier-pigeon'];

const graceArb = fc.oneof(
  fc.record({ since: fc.integer({ min: T0 - 30 * DAY, max: T0 + 30 * DAY }), durationMs: fc.integer({ min: 0, max: 60 * DAY }) }),
  fc.record({ until: fc.integer({ min: T0 - 30 * DAY, max: T0 + 60 * DAY }) }),
);

/** Any policy a decision accepts: a non-requiring one may keep its old minFactors and grace. */
const policyArb: fc.Arbitrary<MfaPolicy> = fc
  .record(
    {
      id: fc.constantFrom('p1', 'p2'),
      owner: fc.constantFrom(...OWNERS),
      requireMfa: fc.boolean(),
      allowedKinds: fc.uniqueArray(fc.constantFrom(...POLICY_FACTOR_KINDS), { minLength: 1, maxLength: 6 }),
      excludeLowAssurance: fc.boolean(),
      minFactors: fc.integer({ min: 1, max: 3 }),
      grace: graceArb,
      rememberedDevices: fc.constantFrom('allowed' as const, 'forbidden' as const),
    },
    { requiredKeys: ['owner', 'requireMfa'] },
  )
  .map((p) => JSON.parse(JSON.stringify(p)) as MfaPolicy)
  .filter((p) => {
    try {
      validateMfaPolicy(p, { inactiveSettings: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
const policiesArb = fc.array(policyArb, { maxLength: 4 });

const factorsArb: fc.Arbitrary<PolicyFactor[]> = fc.uniqueArray(
  fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), kind: fc.constantFrom(...KINDS) }),
  { selector: (f) => f.id, maxLength: 5 },
);
const nowArb = fc.integer({ min: T0 - 10 * DAY, max: T0 + 100 * DAY });

const blocked = (d: LoginPolicyDecision): boolean => d.outcome === 'blocked';

describe('policy decisions agree: no allowed change leads to a blocked login', () => {
  it('a removal evaluateFactorRemoval allows keeps a login that was not blocked unblocked, and a compliant account compliant', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, (policies, factors, now) => {
        const login = (fs: readonly PolicyFactor[]) => evaluateLoginPolicy(policies, fs, { now: () => now });
        const before = login(factors);
        for (const factor of factors) {
          const decision = evaluateFactorRemoval(policies, factors, factor.id);
          const after = login(factors.filter((f) => f !== factor));
          if (decision.allowed) {
            if (!blocked(before)) expect(blocked(after)).toBe(false);
            if (before.satisfied) expect(after.satisfied).toBe(true);
          } else {
            // A refusal is never gratuitous: after the removal the account would not comply.
            expect(after.satisfied).toBe(false);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('any sequence of allowed removals (down to none) never blocks a login that was not blocked', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, fc.array(fc.nat(), { maxLength: 5 }), (policies, factors, now, picks) => {
        const login = (fs: readonly PolicyFactor[]) => evaluateLoginPolicy(policies, fs, { now: () => now });
        const start = login(factors);
        let current = factors;
        for (const pick of picks) {
          if (current.length === 0) break;
          const factor = current[pick % current.length]!;
          if (!evaluateFactorRemoval(policies, current, factor.id).allowed) continue;
          current = current.filter((f) => f !== factor);
          if (!blocked(start)) expect(blocked(login(current))).toBe(false);
          if (start.satisfied) expect(login(current).satisfied).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('disabling MFA, when evaluateMfaDisable allows it, leaves a login that is not blocked', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, (policies, factors, now) => {
        if (!evaluateMfaDisable(policies).allowed) return;
        const after = evaluateLoginPolicy(policies, [], { now: () => now });
        expect(after.outcome).toBe('mfa-optional');
        // Disabling is removing every factor: each removal on the way is allowed as well.
        for (const factor of factors) expect(evaluateFactorRemoval(policies, factors, factor.id).allowed).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("a decision names every organisation without whose restriction the account would comply (or the removal be allowed)", () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, (policies, factors, now) => {
        const login = evaluateLoginPolicy(policies, factors, { now: () => now });
        const named = (owners: readonly PolicyOwner[], owner: PolicyOwner) => owners.some((o) => o.type === owner.type && o.id === owner.id);
        policies.forEach((restriction, index) => {
          if (restriction.requireMfa) return;
          const without = policies.filter((_, i) => i !== index);
          if (!login.satisfied && evaluateLoginPolicy(without, factors, { now: () => now }).satisfied) {
            expect(named(login.owners, restriction.owner)).toBe(true);
            expect(named(login.restrictedByOwners, restriction.owner)).toBe(true);
          }
          for (const factor of factors) {
            const refused = evaluateFactorRemoval(policies, factors, factor.id);
            if (!refused.allowed && evaluateFactorRemoval(without, factors, factor.id).allowed) {
              expect(named(refused.owners, restriction.owner)).toBe(true);
              expect(named(refused.restrictedByOwners, restriction.owner)).toBe(true);
            }
          }
        });
      }),
      { numRuns: RUNS },
    );
  });
});
