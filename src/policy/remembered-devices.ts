/**
 * Whether an account may skip the second factor on a remembered device. An organisation that wants
 * a second factor at every login says `rememberedDevices: 'forbidden'`; one such policy is enough.
 * @module
 */
import { comparePolicyOwners } from './owners.js';
import type { MfaPolicy, PolicyOwner } from './policy.js';

/**
 * Outcome of {@link evaluateRememberedDevices}: allowed, or forbidden by the named owners.
 *
 * @example
 * ```ts
 * const decision: RememberedDevicesDecision = evaluateRememberedDevices(policies);
 * if (!decision.allowed) console.log(decision.owners.map((o) => o.name));
 * ```
 */
export type RememberedDevicesDecision =
  | { readonly allowed: true; readonly satisfied: true }
  | { readonly allowed: false; readonly satisfied: false; readonly owners: readonly PolicyOwner[]; readonly message: string };

/**
 * Whether remembered devices ("don't ask again on this browser for 30 days") are allowed for an
 * account under `policies`: forbidden as soon as one policy says `rememberedDevices: 'forbidden'`,
 * whether or not it requires MFA. Pure; the policies should have been validated.
 *
 * @example
 * ```ts
 * import { evaluateRememberedDevices } from 'mfakit/policy';
 * const decision = evaluateRememberedDevices([
 *   { owner: { id: 'org-1', name: 'ACME', type: 'organization' }, requireMfa: true, rememberedDevices: 'forbidden' },
 * ]);
 * console.log(decision.allowed); // false
 * ```
 */
export function evaluateRememberedDevices(policies: readonly MfaPolicy[]): RememberedDevicesDecision {
  const owners = policies
    .filter((policy) => policy.rememberedDevices === 'forbidden')
    .map((policy) => policy.owner)
    .filter((owner, index, all) => all.findIndex((o) => o.type === owner.type && o.id === owner.id) === index)
    .sort(comparePolicyOwners);
  if (owners.length === 0) return { allowed: true, satisfied: true };
  const names = owners.map((o) => o.name);
  const list = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return { allowed: false, satisfied: false, owners, message: `${list} require${owners.length === 1 ? 's' : ''} a second factor at every login` };
}
