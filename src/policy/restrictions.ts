/**
 * Which policies' kind restrictions keep an account from meeting a requirement, so a decision can
 * name them: an organisation that does not require MFA but allows only some kinds can be what
 * blocks an account, and so can a combination of policies that no factor kind satisfies at once.
 * @module
 */
import { policyAllowsKind, policyCountsKind, type EffectiveMfaPolicy } from './combine.js';
import { factorKindAssurance, POLICY_FACTOR_KINDS } from './factor-kind.js';
import type { MfaPolicy, PolicyFactor } from './policy.js';

const COUNTING_KINDS = POLICY_FACTOR_KINDS.filter((kind) => factorKindAssurance(kind).countsAsFactor);

/**
 * The policies, other than `unmet`, whose `allowedKinds` or `excludeLowAssurance` stand between
 * the account and the `unmet` requiring policies:
 * - a policy that refuses one of `factors` which an unmet policy would count by its own rules
 *   (without that refusal, the factor would count); and
 * - when no counting kind is allowed by every policy at once (`effective.satisfiable` false), a
 *   policy that refuses a counting kind some requiring policy allows (the conflict itself).
 *
 * In `effective.policies` order. @internal
 */
export function restrictingPolicies(
  effective: EffectiveMfaPolicy,
  unmet: readonly MfaPolicy[],
  factors: readonly PolicyFactor[],
): readonly MfaPolicy[] {
  const countedByUnmet = factors.filter((factor) => unmet.some((policy) => policyCountsKind(policy, factor.kind)));
  const requiredKinds = effective.satisfiable
    ? []
    : COUNTING_KINDS.filter((kind) => effective.requiredBy.some((policy) => policyAllowsKind(policy, kind)));
  return Object.freeze(
    effective.policies.filter(
      (policy) =>
        !unmet.includes(policy) &&
        (countedByUnmet.some((factor) => !policyAllowsKind(policy, factor.kind)) ||
          requiredKinds.some((kind) => !policyAllowsKind(policy, kind))),
    ),
  );
}
