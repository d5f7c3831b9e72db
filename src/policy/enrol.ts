/**
 * May this account enrol a factor of this kind?
 * @module
 */
import { MfaError } from '../errors.js';
import { combineMfaPolicies, policyAllowsKind } from './combine.js';
import { listOwnerNames, type PolicyRefusal } from './disable.js';
import { policyOwners } from './owners.js';
import type { MfaPolicy } from './policy.js';

/**
 * Whether a factor kind may be enrolled.
 *
 * @example
 * ```ts
 * const decision: FactorEnrolmentDecision = evaluateFactorEnrolment(policies, 'sms');
 * ```
 */
export type FactorEnrolmentDecision =
  | { readonly allowed: true; readonly kind: string }
  | (PolicyRefusal & { readonly code: 'FACTOR_NOT_ALLOWED'; readonly kind: string });

/**
 * Refuses to enrol a kind that any applicable policy forbids (left out of its `allowedKinds`, or a
 * low-assurance kind under `excludeLowAssurance`), naming those owners sorted by name then id.
 * Policies that do not require MFA still restrict kinds. An unknown kind is refused by any policy
 * that restricts kinds. Throws `MfaError` `INVALID_POLICY` for a bad policy.
 *
 * @example
 * ```ts
 * const decision = evaluateFactorEnrolment(
 *   [{ owner: { id: 'o1', name: 'Acme', type: 'organization' }, requireMfa: true, excludeLowAssurance: true }],
 *   'sms',
 * );
 * decision.allowed; // false, code 'FACTOR_NOT_ALLOWED', owners [Acme]
 * ```
 */
export function evaluateFactorEnrolment(policies: readonly MfaPolicy[], kind: string): FactorEnrolmentDecision {
  if (typeof kind !== 'string') throw new MfaError('INVALID_ARGUMENT', 'kind must be a string');
  const effective = combineMfaPolicies(policies);
  const refusing = effective.policies.filter((policy) => !policyAllowsKind(policy, kind));
  if (refusing.length === 0) return Object.freeze({ allowed: true, kind });
  const owners = policyOwners(refusing);
  return Object.freeze({
    allowed: false,
    code: 'FACTOR_NOT_ALLOWED',
    kind,
    policies: Object.freeze(refusing),
    owners,
    message: `factors of kind "${kind}" are not allowed by ${listOwnerNames(owners)}`,
  });
}
