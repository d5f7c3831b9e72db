import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyFactorsForPolicies,
  comparePolicyOwners,
  evaluateFactorEnrolment,
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

// A fixed pool, so one owner (type + id) always carries one name; names collide across ids and
// types on purpose to exercise the tie-breaks.
const OWNERS: PolicyOwner[] = [
  { id: 'o1', name: 'Acme', type: 'organization' },
  { id: 'o2', name: 'Globex', type: 'organization' },
  { id: 'o3', name: 'Acme', type: 'organization' },
  { id: 'o1', name: 'Acme project', type: 'project' },
  { id: 'app', name: 'app', type: 'app' },
  { id: 't9', name: 'Été', type: 'team' },
];
const KINDS = [...POLICY_FACTOR_KINDS, 'ssh-key'];

const ownerArb = fc.constantFrom(...OWNERS);
const policyArb: fc.Arbitrary<MfaPolicy> = fc
  .record(
    {
      id: fc.constantFrom('p1', 'p2', 'p3'),
      owner: ownerArb,
      requireMfa: fc.boolean(),
      allowedKinds: fc.uniqueArray(fc.constantFrom(...POLICY_FACTOR_KINDS), { minLength: 1, maxLength: 6 }),
      excludeLowAssurance: fc.boolean(),
      minFactors: fc.integer({ min: 1, max: 3 }),
      grace: fc.record({ since: fc.integer({ min: T0 - 30 * DAY, max: T0 + 30 * DAY }), durationMs: fc.integer({ min: 0, max: 60 * DAY }) }),
    },
    { requiredKeys: ['owner', 'requireMfa'] },
  )
  .map((p) => (p.requireMfa ? p : { ...p, minFactors: undefined, grace: undefined }))
  .map((p) => JSON.parse(JSON.stringify(p)) as MfaPolicy)
  .filter((p) => {
    try {
      validateMfaPolicy(p);
      return true;
    } catch {
      return false;
    }
  });
const policiesArb = fc.array(policyArb, { maxLength: 5 });
const factorsArb: fc.Arbitrary<PolicyFactor[]> = fc
  .uniqueArray(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), kind: fc.constantFrom(...KINDS) }), {
    selector: (f) => f.id,
    maxLength: 5,
  });
const nowArb = fc.integer({ min: T0 - 10 * DAY, max: T0 + 100 * DAY });
const key = (o: PolicyOwner) => `${o.type}\u0000${o.id}`;
const keys = (owners: readonly PolicyOwner[]) => owners.map(key);

function expectSortedDistinct(owners: readonly PolicyOwner[]): void {
  for (let i = 1; i < owners.length; i++) expect(comparePolicyOwners(owners[i - 1]!, owners[i]!)).toBeLessThan(0);
}

function loginRank(d: LoginPolicyDecision): number {
  return { 'mfa-optional': 0, 'mfa-required': 1, 'enrolment-required': 2, blocked: 3 }[d.outcome];
}

/** Every decision's "how strict" facts; adding a policy may only make each one stricter. */
function snapshot(policies: MfaPolicy[], factors: PolicyFactor[], now: number) {
  const removal = factors.map((f) => evaluateFactorRemoval(policies, factors, f.id));
  return {
    disable: evaluateMfaDisable(policies),
    removal,
    enrol: KINDS.map((kind) => evaluateFactorEnrolment(policies, kind)),
    classification: classifyFactorsForPolicies(policies, factors),
    login: evaluateLoginPolicy(policies, factors, { now: () => now }),
  };
}

const subset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));

describe('policy properties', () => {
  it('no decision allows disabling while any applicable policy requires MFA', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, (policies, factors) => {
        const requires = policies.some((p) => p.requireMfa);
        expect(evaluateMfaDisable(policies).allowed).toBe(!requires);
        // Removing the last factor is disabling MFA by another name.
        if (requires && factors.length === 1) expect(evaluateFactorRemoval(policies, factors, factors[0]!.id).allowed).toBe(false);
      }),
    );
  });

  it('the blocking list is exactly the set of requiring owners, distinct and sorted', () => {
    fc.assert(
      fc.property(policiesArb, (policies) => {
        const decision = evaluateMfaDisable(policies);
        const requiring = new Set(policies.filter((p) => p.requireMfa).map((p) => key(p.owner)));
        const listed = decision.allowed ? [] : decision.owners;
        expect(new Set(keys(listed))).toEqual(requiring);
        expect(listed).toHaveLength(requiring.size);
        expectSortedDistinct(listed);
      }),
    );
  });

  it('every refusal names only owners whose policies cause it, distinct and sorted', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, (policies, factors, now) => {
        const s = snapshot(policies, factors, now);
        const requiring = keys(policies.filter((p) => p.requireMfa).map((p) => p.owner));
        const restricting = keys(policies.filter((p) => p.allowedKinds || p.excludeLowAssurance).map((p) => p.owner));
        // A refusal names requiring owners, and owners whose kind restrictions stand in the way.
        const causing = [...requiring, ...restricting];
        for (const d of s.removal) {
          if (d.allowed) continue;
          expect(d.owners.length).toBeGreaterThan(0);
          expect(subset(keys(d.owners), causing)).toBe(true);
          expect(subset(keys(d.restrictedByOwners), restricting)).toBe(true);
          for (const owner of keys(d.owners)) expect(requiring.includes(owner) || keys(d.restrictedByOwners).includes(owner)).toBe(true);
          expectSortedDistinct(d.owners);
        }
        for (const d of s.enrol) {
          if (d.allowed) continue;
          expect(subset(keys(d.owners), restricting)).toBe(true);
          expectSortedDistinct(d.owners);
        }
        expect(subset(keys(s.login.owners), causing)).toBe(true);
        if (!s.login.satisfied) expect(subset(keys(s.login.restrictedByOwners), restricting)).toBe(true);
        expectSortedDistinct(s.login.owners);
      }),
    );
  });

  it('adding a policy never makes any decision more permissive', () => {
    fc.assert(
      fc.property(policiesArb, policyArb, fc.nat(), factorsArb, nowArb, (policies, extra, at, factors, now) => {
        const more = [...policies];
        more.splice(at % (policies.length + 1), 0, extra);
        const before = snapshot(policies, factors, now);
        const after = snapshot(more, factors, now);

        if (!before.disable.allowed) {
          expect(after.disable.allowed).toBe(false);
          if (!after.disable.allowed) expect(subset(keys(before.disable.owners), keys(after.disable.owners))).toBe(true);
        }
        before.removal.forEach((b, i) => {
          const a = after.removal[i]!;
          if (b.allowed) return;
          expect(a.allowed).toBe(false);
          if (!a.allowed) expect(subset(keys(b.owners), keys(a.owners))).toBe(true);
        });
        before.enrol.forEach((b, i) => {
          const a = after.enrol[i]!;
          if (b.allowed) return;
          expect(a.allowed).toBe(false);
          if (!a.allowed) expect(subset(keys(b.owners), keys(a.owners))).toBe(true);
        });
        const ids = (fs: readonly PolicyFactor[]) => fs.map((f) => f.id);
        expect(subset(ids(after.classification.satisfying), ids(before.classification.satisfying))).toBe(true);
        expect(subset(ids(after.classification.counting), ids(before.classification.counting))).toBe(true);

        const b = before.login;
        const a = after.login;
        expect(loginRank(a)).toBeGreaterThanOrEqual(loginRank(b));
        if (a.outcome === 'enrolment-required' && b.outcome === 'enrolment-required') {
          expect(a.deadline!).toBeLessThanOrEqual(b.deadline!);
          expect(a.missingFactors).toBeGreaterThanOrEqual(b.missingFactors);
        }
        if (a.outcome !== 'mfa-optional' && b.outcome !== 'mfa-optional') {
          expect(subset(a.acceptedFactorIds, b.acceptedFactorIds)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the order in which the app lists policies does not matter', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, (policies, factors, now) => {
        const reversed = [...policies].reverse();
        expect(snapshot(reversed, factors, now)).toEqual(snapshot(policies, factors, now));
      }),
    );
  });

  it('login is blocked only past a deadline or without grace, and deadlines are in the future otherwise', () => {
    fc.assert(
      fc.property(policiesArb, factorsArb, nowArb, (policies, factors, now) => {
        const d = evaluateLoginPolicy(policies, factors, { now: () => now });
        if (d.outcome === 'enrolment-required') expect(d.deadline!).toBeGreaterThan(now);
        if (d.outcome === 'blocked' && d.deadline !== undefined) expect(d.deadline).toBeLessThanOrEqual(now);
        if (d.outcome === 'mfa-optional') expect(policies.some((p) => p.requireMfa)).toBe(false);
      }),
    );
  });
});
