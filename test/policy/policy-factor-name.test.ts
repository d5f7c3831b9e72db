// A factor's user-given name is `name` in the policy module as in the service's factor summaries
// (PolicyFactor.label, its old name, stays one release as a deprecated alias).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { classifyFactorsForPolicies, type PolicyFactor } from '../../src/policy/index.js';
import type { FactorSummary } from '../../src/service/index.js';

describe('PolicyFactor.name', () => {
  it('is the same field as FactorSummary.name, so a summary is a policy factor as it is', () => {
    expectTypeOf<PolicyFactor['name']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<FactorSummary['name']>().toMatchTypeOf<NonNullable<PolicyFactor['name']>>();
    expectTypeOf<FactorSummary>().toMatchTypeOf<PolicyFactor>();
    const summary: FactorSummary = { id: 'f1', kind: 'totp', role: 'login', name: 'Work phone', createdAt: 0 };
    const [entry] = classifyFactorsForPolicies([], [summary]).factors;
    expect(entry?.factor.name).toBe('Work phone');
  });

  it('label, the old name, is still accepted (deprecated for one release)', () => {
    const old: PolicyFactor = { id: 'f1', kind: 'totp', label: 'Work phone' };
    expect(classifyFactorsForPolicies([], [old]).factors[0]?.factor.label).toBe('Work phone');
  });
});
