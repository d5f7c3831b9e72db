/**
 * May this account remove one of its factors?
 * @module
 */
import { MfaError } from '../errors.js';
import { combineMfaPolicies, policyCountsKind, policyMinFactors } from './combine.js';
import { listOwnerNames, type PolicyRefusal } from './disable.js';
import { checkPolicyFactors } from './factors.js';
import { policyOwners } from './owners.js';
import type { MfaPolicy, PolicyFactor, PolicyOwner } from './policy.js';
import { restrictingPolicies } from './restrictions.js';

/**
 * Whether a factor may be removed.
 *
 * @example
 * ```ts
 * const decision: FactorRemovalDecision = evaluateFactorRemoval(policies, factors, 'f1');
 * ```
 */
export type FactorRemovalDecision =
  | { readonly allowed: true; readonly factorId: string }
  | (PolicyRefusal & {
      readonly code: 'MFA_REQUIRED_BY_POLICY';
      readonly factorId: string;
      /** `'last-factor'`: removing it would disable MFA; `'below-minimum'`: a policy's minimum would be missed. */
      readonly reason: 'last-factor' | 'below-minimum';
      /**
       * The policies (requiring MFA or not) whose kind restrictions keep the remaining factors from
       * counting, or that make the combination unsatisfiable; they are among `policies` and `owners`.
       */
      readonly restrictedBy: readonly MfaPolicy[];
      readonly restrictedByOwners: readonly PolicyOwner[];
    });

/**
 * Decides whether a factor may be removed. A requiring policy blocks the removal when
 * - the factor is the account's last one (removing it would disable MFA), or
 * - the factor counts toward that policy (its kind is allowed by the policy and is not backup
 *   codes) and the account would keep fewer counting factors than the policy's `minFactors`.
 *
 * Each policy is judged on its own rules, so removal never takes an account further from any
 * requiring policy, and adding a policy never allows a removal that was refused. The refusal names
 * the blocking owners, sorted by name then id: the requiring ones, and (`restrictedBy`) those whose
 * `allowedKinds` or `excludeLowAssurance` keep the remaining factors from counting (an organisation
 * that allows only WebAuthn makes a remaining TOTP app worthless to the others), or that no factor
 * kind satisfies together with the rest. Throws `MfaError` `INVALID_ARGUMENT` when
 * `factorId` is not among `factors`, `INVALID_POLICY` for a bad policy.
 *
 * @example
 * ```ts
 * const decision = evaluateFactorRemoval(
 *   [{ owner: { id: 'o1', name: 'Acme', type: 'organization' }, requireMfa: true, minFactors: 2 }],
 *   [{ id: 'key', kind: 'webauthn' }, { id: 'app', kind: 'totp' }],
 *   'app',
 * );
 * decision.allowed; // false: Acme requires two factors
 * ```
 */
export function evaluateFactorRemoval(
  policies: readonly MfaPolicy[],
  factors: readonly PolicyFactor[],
  factorId: string,
): FactorRemovalDecision {
  if (typeof factorId !== 'string') throw new MfaError('INVALID_ARGUMENT', 'factorId must be a string');
  const effective = combineMfaPolicies(policies);
  checkPolicyFactors(factors);
  const factor = factors.find((f) => f.id === factorId);
  if (factor === undefined) throw new MfaError('INVALID_ARGUMENT', 'factorId is not one of the account\'s factors');
  const remaining = factors.filter((f) => f !== factor);
  const lastFactor = remaining.length === 0;

  const blocking = effective.requiredBy.filter((policy) => {
    if (lastFactor) return true;
    // A factor counts only when every policy allows its kind (as at login): otherwise a removal
    // allowed here could leave the account blocked at login by another organisation's allowedKinds.
    const counts = (kind: string): boolean => policyCountsKind(policy, kind) && effective.allowedKinds.includes(kind as never);
    if (!policyCountsKind(policy, factor.kind)) return false;
    const left = remaining.filter((f) => counts(f.kind)).length;
    return left < policyMinFactors(policy);
  });
  if (blocking.length === 0) return Object.freeze({ allowed: true, factorId });
  const restrictedBy = lastFactor ? Object.freeze([]) : restrictingPolicies(effective, blocking, remaining);
  const named = Object.freeze(effective.policies.filter((policy) => blocking.includes(policy) || restrictedBy.includes(policy)));
  const requiring = policyOwners(blocking);
  const restrictedByOwners = policyOwners(restrictedBy);
  const restriction =
    restrictedBy.length === 0
      ? ''
      : effective.satisfiable
        ? ` (${listOwnerNames(restrictedByOwners)} ${restrictedByOwners.length === 1 ? 'does' : 'do'} not allow some of the remaining factors)`
        : ` (no factor kind is allowed by ${listOwnerNames(policyOwners(named))} at once)`;
  return Object.freeze({
    allowed: false,
    code: 'MFA_REQUIRED_BY_POLICY',
    factorId,
    reason: lastFactor ? 'last-factor' : 'below-minimum',
    policies: named,
    owners: policyOwners(named),
    restrictedBy,
    restrictedByOwners,
    message: lastFactor
      ? `this is the last factor and MFA is required by ${listOwnerNames(requiring)}`
      : `removing this factor would leave fewer factors than ${listOwnerNames(requiring)} require${requiring.length === 1 ? 's' : ''}${restriction}`,
  });
}
