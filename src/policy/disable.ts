/**
 * May this account disable MFA? Not while any applicable policy requires it.
 * @module
 */
import { combineMfaPolicies } from './combine.js';
import type { MfaPolicy, PolicyOwner } from './policy.js';

/**
 * A decision that refuses a change, naming who blocks it. `owners` is the seed's "Disable MFA"
 * pop-up: distinct owners sorted by name, then id (UTF-16 code units, not the locale).
 *
 * @example
 * ```ts
 * const refused: PolicyRefusal = { allowed: false, code: 'MFA_REQUIRED_BY_POLICY', policies, owners, message };
 * ```
 */
export interface PolicyRefusal {
  readonly allowed: false;
  readonly code: 'MFA_REQUIRED_BY_POLICY' | 'FACTOR_NOT_ALLOWED';
  readonly policies: readonly MfaPolicy[];
  readonly owners: readonly PolicyOwner[];
  /** For people; programs use `code` and `owners`. */
  readonly message: string;
  /**
   * Of `owners`, those named for a kind restriction rather than a requirement (a removal refused
   * because an organisation's `allowedKinds` keeps the other factors from counting).
   */
  readonly restrictedByOwners?: readonly PolicyOwner[];
}

/**
 * Whether MFA may be disabled.
 *
 * @example
 * ```ts
 * const decision: MfaDisableDecision = evaluateMfaDisable(policies);
 * ```
 */
export type MfaDisableDecision = { readonly allowed: true } | (PolicyRefusal & { readonly code: 'MFA_REQUIRED_BY_POLICY' });

/**
 * The owners' names as one phrase, in the given order: "Acme", "Acme and Globex",
 * "Acme, Globex and Initech". For messages that name what blocks a change.
 *
 * @example
 * ```ts
 * const text = `MFA is required by ${listOwnerNames(decision.owners)}`;
 * ```
 */
export function listOwnerNames(owners: readonly PolicyOwner[]): string {
  const names = owners.map((owner) => owner.name);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Refuses to disable MFA while any applicable policy requires it; the refusal lists exactly the
 * owners of the requiring policies, sorted by name then id. Throws `MfaError` `INVALID_POLICY` for
 * a bad policy.
 *
 * @example
 * ```ts
 * const decision = evaluateMfaDisable([
 *   { owner: { id: 'o2', name: 'Globex', type: 'organization' }, requireMfa: true },
 *   { owner: { id: 'o1', name: 'Acme', type: 'organization' }, requireMfa: true },
 * ]);
 * if (!decision.allowed) showPopup(decision.owners.map((o) => o.name)); // ['Acme', 'Globex']
 * ```
 */
export function evaluateMfaDisable(policies: readonly MfaPolicy[]): MfaDisableDecision {
  const effective = combineMfaPolicies(policies);
  if (!effective.requireMfa) return Object.freeze({ allowed: true } as const);
  return Object.freeze({
    allowed: false,
    code: 'MFA_REQUIRED_BY_POLICY',
    policies: effective.requiredBy,
    owners: effective.requiredByOwners,
    message: `MFA cannot be disabled: it is required by ${listOwnerNames(effective.requiredByOwners)}`,
  });
}
