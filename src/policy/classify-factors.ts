/**
 * Which of an account's factors satisfy the policies, and why the others do not.
 * @module
 */
import { combineMfaPolicies, policyAllowsKind, type EffectiveMfaPolicy } from './combine.js';
import { factorKindAssurance } from './factor-kind.js';
import { checkPolicyFactors } from './factors.js';
import { policyOwners } from './owners.js';
import type { MfaPolicy, PolicyFactor, PolicyOwner } from './policy.js';

/**
 * Why a factor does not (fully) satisfy the policies:
 * - `'kind-not-allowed'`: the listed policies' `allowedKinds` leave its kind out;
 * - `'low-assurance-excluded'`: email or SMS (or an unknown kind) under `excludeLowAssurance`;
 * - `'unknown-kind'`: not a {@link PolicyFactorKind} at all;
 * - `'recovery-only'`: backup codes are allowed, but never count toward a minimum.
 *
 * @example
 * ```ts
 * for (const reason of entry.reasons) if (reason.code === 'kind-not-allowed') show(reason.owners);
 * ```
 */
export type FactorPolicyReason =
  | { readonly code: 'kind-not-allowed' | 'low-assurance-excluded'; readonly policies: readonly MfaPolicy[]; readonly owners: readonly PolicyOwner[] }
  | { readonly code: 'unknown-kind' | 'recovery-only' };

/**
 * One factor as the policies see it.
 *
 * @example
 * ```ts
 * const entry: ClassifiedPolicyFactor = classification.factors[0]!;
 * ```
 */
export interface ClassifiedPolicyFactor {
  readonly factor: PolicyFactor;
  /** Every policy allows its (known) kind: it may be used to log in under these policies. */
  readonly satisfies: boolean;
  /** It satisfies and counts toward a minimum number of factors (backup codes never count). */
  readonly countsTowardMinimum: boolean;
  /** Empty when it satisfies and counts. */
  readonly reasons: readonly FactorPolicyReason[];
}

/**
 * The account's factors split by the combined policies.
 *
 * @example
 * ```ts
 * const { notSatisfying } = classifyFactorsForPolicies(policies, factors);
 * ```
 */
export interface PolicyFactorClassification {
  readonly effective: EffectiveMfaPolicy;
  /** Every factor, in input order. */
  readonly factors: readonly ClassifiedPolicyFactor[];
  /** Factors that may be used under the policies (backup codes included). */
  readonly satisfying: readonly PolicyFactor[];
  /** Factors the policies do not accept. */
  readonly notSatisfying: readonly PolicyFactor[];
  /** Factors that count toward a minimum number of factors. */
  readonly counting: readonly PolicyFactor[];
}

function refusal(
  code: 'kind-not-allowed' | 'low-assurance-excluded',
  policies: readonly MfaPolicy[],
): FactorPolicyReason | undefined {
  return policies.length === 0 ? undefined : Object.freeze({ code, policies: Object.freeze(policies), owners: policyOwners(policies) });
}

/** Classify against an already-combined policy (shared by the decision functions). @internal */
export function classifyAgainst(effective: EffectiveMfaPolicy, factors: readonly PolicyFactor[]): PolicyFactorClassification {
  checkPolicyFactors(factors);
  const entries = factors.map((factor): ClassifiedPolicyFactor => {
    const assurance = factorKindAssurance(factor.kind);
    const reasons: FactorPolicyReason[] = [];
    if (assurance.kind === undefined) reasons.push({ code: 'unknown-kind' });
    const notAllowed = refusal(
      'kind-not-allowed',
      effective.policies.filter((p) => p.allowedKinds !== undefined && (assurance.kind === undefined || !p.allowedKinds.includes(assurance.kind))),
    );
    if (notAllowed) reasons.push(notAllowed);
    const lowExcluded = refusal(
      'low-assurance-excluded',
      effective.policies.filter((p) => p.excludeLowAssurance === true && assurance.level === 'low'),
    );
    if (lowExcluded) reasons.push(lowExcluded);
    const satisfies = assurance.kind !== undefined && effective.policies.every((p) => policyAllowsKind(p, factor.kind));
    if (satisfies && !assurance.countsAsFactor) reasons.push({ code: 'recovery-only' });
    return Object.freeze({
      factor,
      satisfies,
      countsTowardMinimum: satisfies && assurance.countsAsFactor,
      reasons: Object.freeze(reasons),
    });
  });
  return Object.freeze({
    effective,
    factors: Object.freeze(entries),
    satisfying: Object.freeze(entries.filter((e) => e.satisfies).map((e) => e.factor)),
    notSatisfying: Object.freeze(entries.filter((e) => !e.satisfies).map((e) => e.factor)),
    counting: Object.freeze(entries.filter((e) => e.countsTowardMinimum).map((e) => e.factor)),
  });
}

/**
 * Splits the account's factors into those the policies accept and those they do not (for example
 * an email factor under a phishing-resistant policy), with the reasons and the owners behind them.
 * Throws `MfaError` `INVALID_POLICY` for a bad policy, `INVALID_ARGUMENT` for a bad factor list.
 *
 * @example
 * ```ts
 * const result = classifyFactorsForPolicies(
 *   [{ owner: { id: 'o1', name: 'Acme', type: 'organization' }, requireMfa: true, allowedKinds: ['webauthn'] }],
 *   [{ id: 'f1', kind: 'webauthn' }, { id: 'f2', kind: 'email' }],
 * );
 * result.notSatisfying.map((f) => f.id); // ['f2']
 * ```
 */
export function classifyFactorsForPolicies(
  policies: readonly MfaPolicy[],
  factors: readonly PolicyFactor[],
): PolicyFactorClassification {
  return classifyAgainst(combineMfaPolicies(policies), factors);
}
