/**
 * The stable order in which blocking owners are listed (the seed's "Disable MFA" pop-up).
 * @module
 */
import type { MfaPolicy, PolicyOwner } from './policy.js';

function compareText(a: string, b: string): number {
  // UTF-16 code units, not the locale: the same order in every runtime and on every server.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders owners by `name`, then `id`, then `type`, comparing UTF-16 code units (not the locale), so
 * the order is the same in every runtime. Users see names, so names lead; ids break ties between
 * owners that share a name.
 *
 * @example
 * ```ts
 * owners.sort(comparePolicyOwners);
 * ```
 */
export function comparePolicyOwners(a: PolicyOwner, b: PolicyOwner): number {
  return compareText(a.name, b.name) || compareText(a.id, b.id) || compareText(a.type, b.type);
}

/**
 * The distinct owners (by `type` + `id`) of some policies, in the {@link comparePolicyOwners} order.
 *
 * @example
 * ```ts
 * policyOwners(decision.policies).map((owner) => owner.name); // ['Acme', 'Globex']
 * ```
 */
export function policyOwners(policies: readonly MfaPolicy[]): readonly PolicyOwner[] {
  const byKey = new Map<string, PolicyOwner>();
  for (const policy of policies) {
    const key = `${policy.owner.type}\u0000${policy.owner.id}`;
    if (!byKey.has(key)) byKey.set(key, policy.owner);
  }
  return Object.freeze([...byKey.values()].sort(comparePolicyOwners));
}

/**
 * Validated policies in a stable order: by owner, then policy id (policies without an id first),
 * then their JSON text, so the order the app lists them in never changes a decision. @internal
 */
export function sortPolicies(policies: readonly MfaPolicy[]): readonly MfaPolicy[] {
  return Object.freeze(
    policies
      .map((policy) => ({ policy, text: JSON.stringify(policy) }))
      .sort(
        (a, b) =>
          comparePolicyOwners(a.policy.owner, b.policy.owner) ||
          compareText(a.policy.id ?? '', b.policy.id ?? '') ||
          compareText(a.text, b.text),
      )
      .map(({ policy }) => policy),
  );
}
