/**
 * Turning a refusal into the error the service throws.
 * @module
 */
import { MfaError } from '../errors.js';
import type { PolicyRefusal } from './disable.js';

/**
 * Throws `MfaError` with the refusal's code (`MFA_REQUIRED_BY_POLICY` or `FACTOR_NOT_ALLOWED`)
 * and `details: { owners, policies }` (and `restrictedByOwners` when the refusal has them) when a
 * decision refuses; returns otherwise.
 *
 * @example
 * ```ts
 * assertPolicyAllows(evaluateMfaDisable(policies)); // throws while an organisation requires MFA
 * ```
 */
export function assertPolicyAllows(decision: { readonly allowed: true } | PolicyRefusal): void {
  if (decision.allowed) return;
  throw new MfaError(decision.code, decision.message, {
    details: {
      owners: decision.owners,
      policies: decision.policies,
      ...(decision.restrictedByOwners === undefined ? {} : { restrictedByOwners: decision.restrictedByOwners }),
    },
  });
}
