/**
 * Several policies evaluated together: the strictest rule wins, and each rule remembers which
 * policies set it.
 * @module
 */
import { factorKindAssurance, POLICY_FACTOR_KINDS, type PolicyFactorKind } from './factor-kind.js';
import { policyOwners, sortPolicies } from './owners.js';
import type { MfaPolicy, PolicyOwner } from './policy.js';
import { validateMfaPolicies } from './validate-policy.js';

/**
 * The combined effect of the policies that apply to one account.
 *
 * @example
 * ```ts
 * const effective = combineMfaPolicies(policies);
 * if (effective.requireMfa) console.log('required by', effective.requiredByOwners.map((o) => o.name));
 * ```
 */
export interface EffectiveMfaPolicy {
  /** The validated policies, by owner (see `comparePolicyOwners`) then policy id. */
  readonly policies: readonly MfaPolicy[];
  /** True when at least one policy requires MFA. */
  readonly requireMfa: boolean;
  /** The policies that require MFA, in the same order. */
  readonly requiredBy: readonly MfaPolicy[];
  /** Their distinct owners, sorted by name then id. */
  readonly requiredByOwners: readonly PolicyOwner[];
  /** The largest `minFactors` among requiring policies (1 by default), 0 when none requires MFA. */
  readonly minFactors: number;
  /** Kinds that every policy allows (strongest first). */
  readonly allowedKinds: readonly PolicyFactorKind[];
  /** Policies that restrict kinds (`allowedKinds` or `excludeLowAssurance`). */
  readonly restrictedBy: readonly MfaPolicy[];
  /**
   * False when MFA is required but no counting kind is allowed by every policy at once (for
   * example one owner allows only WebAuthn and another only TOTP): nobody can comply.
   */
  readonly satisfiable: boolean;
}

/** True when `policy` lets `kind` be enrolled and used. Unknown kinds are low assurance. @internal */
export function policyAllowsKind(policy: MfaPolicy, kind: string): boolean {
  const assurance = factorKindAssurance(kind);
  if (policy.allowedKinds !== undefined && (assurance.kind === undefined || !policy.allowedKinds.includes(assurance.kind))) {
    return false;
  }
  return !(policy.excludeLowAssurance === true && assurance.level === 'low');
}

/** True when a factor of `kind` counts toward `policy`'s minimum: allowed, known, not recovery. @internal */
export function policyCountsKind(policy: MfaPolicy, kind: string): boolean {
  return factorKindAssurance(kind).countsAsFactor && policyAllowsKind(policy, kind);
}

/** The minimum number of counting factors a requiring policy asks for. @internal */
export function policyMinFactors(policy: MfaPolicy): number {
  return policy.requireMfa ? (policy.minFactors ?? 1) : 0;
}

/** The grace deadline of a requiring policy, or `undefined` when it gives no grace. @internal */
export function policyDeadline(policy: MfaPolicy): number | undefined {
  const grace = policy.grace;
  if (grace === undefined) return undefined;
  return 'until' in grace ? grace.until : grace.since + grace.durationMs;
}

/**
 * Validates `policies` (`MfaError` `INVALID_POLICY` on any problem, see `validateMfaPolicy`) and
 * combines them: MFA is required if any policy requires it, the minimum is the largest minimum,
 * and a kind is allowed only if every policy allows it.
 *
 * @example
 * ```ts
 * const effective = combineMfaPolicies([
 *   { owner: { id: 'o1', name: 'Acme', type: 'organization' }, requireMfa: true, excludeLowAssurance: true },
 *   { owner: { id: 'p1', name: 'Payroll', type: 'project' }, requireMfa: true, allowedKinds: ['webauthn', 'totp'] },
 * ]);
 * effective.allowedKinds; // ['webauthn', 'totp']
 * ```
 */
export function combineMfaPolicies(policies: readonly MfaPolicy[]): EffectiveMfaPolicy {
  const sorted = sortPolicies(validateMfaPolicies(policies, { inactiveSettings: 'ignore' }));
  const requiredBy = Object.freeze(sorted.filter((policy) => policy.requireMfa));
  const restrictedBy = Object.freeze(
    sorted.filter((policy) => policy.allowedKinds !== undefined || policy.excludeLowAssurance === true),
  );
  const allowedKinds = Object.freeze(POLICY_FACTOR_KINDS.filter((kind) => sorted.every((policy) => policyAllowsKind(policy, kind))));
  const minFactors = requiredBy.reduce((max, policy) => Math.max(max, policyMinFactors(policy)), 0);
  return Object.freeze({
    policies: sorted,
    requireMfa: requiredBy.length > 0,
    requiredBy,
    requiredByOwners: policyOwners(requiredBy),
    minFactors,
    allowedKinds,
    restrictedBy,
    satisfiable: requiredBy.length === 0 || allowedKinds.some((kind) => factorKindAssurance(kind).countsAsFactor),
  });
}
