/**
 * May this account log in without MFA, and if not, what must it do?
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { MfaError } from '../errors.js';
import { classifyAgainst } from './classify-factors.js';
import { combineMfaPolicies, policyDeadline, policyMinFactors } from './combine.js';
import { listOwnerNames } from './disable.js';
import { policyOwners } from './owners.js';
import type { MfaPolicy, PolicyFactor, PolicyOwner } from './policy.js';
import { restrictingPolicies } from './restrictions.js';

/**
 * The login decision:
 * - `'mfa-optional'`: no policy requires MFA (the account's own factors still apply as usual);
 * - `'mfa-required'`: policies require MFA and the account complies; the second step must use one
 *   of `acceptedFactorIds`;
 * - `'enrolment-required'`: policies require MFA, the account does not comply yet, and every
 *   policy it misses still gives grace: it may log in but must enrol before `deadline`
 *   (exclusive; the earliest deadline wins);
 * - `'blocked'`: a policy it misses gives no grace or its grace is over. No full session; the app
 *   may still offer an enrolment-only session.
 *
 * `satisfied` is the yes/no beside the detailed outcome: the account meets every policy that applies
 * (`mfa-optional` or `mfa-required`), or it does not (`enrolment-required` or `blocked`).
 *
 * `policies`/`owners` name what caused the outcome: the requiring policies (`'mfa-required'`), the
 * ones not met yet (`'enrolment-required'`), or the overdue ones (`'blocked'`), together with
 * `restrictedBy`: the policies (requiring MFA or not) whose `allowedKinds` or `excludeLowAssurance`
 * keep the account from complying, because they refuse a factor it has that the requirement would
 * count, or because no factor kind is allowed by every policy at once (`unsatisfiable`). Owners
 * are sorted by name then id.
 *
 * @example
 * ```ts
 * const decision: LoginPolicyDecision = evaluateLoginPolicy(policies, factors);
 * if (decision.outcome === 'enrolment-required') remind(new Date(decision.deadline));
 * ```
 */
export type LoginPolicyDecision =
  | { readonly outcome: 'mfa-optional'; readonly satisfied: true; readonly policies: readonly []; readonly owners: readonly [] }
  | {
      readonly outcome: 'mfa-required';
      readonly satisfied: true;
      readonly acceptedFactorIds: readonly string[];
      readonly policies: readonly MfaPolicy[];
      readonly owners: readonly PolicyOwner[];
    }
  | {
      readonly outcome: 'enrolment-required' | 'blocked';
      readonly satisfied: false;
      /** Enrol before this time (ms since the epoch); for `'blocked'`, the earliest missed one, if any. */
      readonly deadline: number | undefined;
      /** How many more counting factors the strictest unmet policy needs. */
      readonly missingFactors: number;
      readonly acceptedFactorIds: readonly string[];
      readonly policies: readonly MfaPolicy[];
      readonly owners: readonly PolicyOwner[];
      /** The policies among `policies` named for their kind restrictions (see above), and their owners. */
      readonly restrictedBy: readonly MfaPolicy[];
      readonly restrictedByOwners: readonly PolicyOwner[];
      /** No counting factor kind is allowed by every policy at once: nobody can comply until they agree. */
      readonly unsatisfiable: boolean;
      readonly code: 'MFA_REQUIRED_BY_POLICY';
      /** For people: who requires MFA and, when a restriction is in the way, whose. */
      readonly message: string;
    };

/**
 * Options of {@link evaluateLoginPolicy}.
 *
 * @example
 * ```ts
 * const options: LoginPolicyOptions = { now: () => Date.UTC(2026, 5, 1) };
 * ```
 */
export interface LoginPolicyOptions {
  /** The clock (default `Date.now`), for grace deadlines. */
  now?: Clock;
}

/**
 * Decides whether the account may log in without MFA, must use MFA, must enrol before a deadline,
 * or is blocked, and which owners cause it. A policy is met when the account has at least its
 * `minFactors` factors that every applicable policy allows (backup codes never count). Pure: the
 * same policies, factors and time give the same decision.
 *
 * @example
 * ```ts
 * const acme = { id: 'o1', name: 'Acme', type: 'organization' };
 * const decision = evaluateLoginPolicy(
 *   [{ owner: acme, requireMfa: true, grace: { since: joinedAt, durationMs: 7 * 86_400_000 } }],
 *   [],
 *   { now: () => Date.now() },
 * );
 * // { outcome: 'enrolment-required', deadline: joinedAt + 7 days, owners: [acme], ... }
 * ```
 */
export function evaluateLoginPolicy(
  policies: readonly MfaPolicy[],
  factors: readonly PolicyFactor[],
  options: LoginPolicyOptions = {},
): LoginPolicyDecision {
  const now = (options.now ?? systemClock)();
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new MfaError('INVALID_OPTION', 'now() must return a finite number');
  const effective = combineMfaPolicies(policies);
  if (!effective.requireMfa) return Object.freeze({ outcome: 'mfa-optional', satisfied: true, policies: [], owners: [] } as const);

  const classification = classifyAgainst(effective, factors);
  const counting = classification.counting.length;
  const acceptedFactorIds = Object.freeze(classification.satisfying.map((f) => f.id));
  const unmet = effective.requiredBy.filter((policy) => counting < policyMinFactors(policy));
  if (unmet.length === 0) {
    return Object.freeze({
      outcome: 'mfa-required',
      satisfied: true,
      acceptedFactorIds,
      policies: effective.requiredBy,
      owners: effective.requiredByOwners,
    });
  }

  const missingFactors = Math.max(...unmet.map((policy) => policyMinFactors(policy) - counting));
  const overdue = unmet.filter((policy) => {
    const deadline = policyDeadline(policy);
    return deadline === undefined || now >= deadline;
  });
  const pick = overdue.length > 0 ? overdue : unmet;
  const deadlines = pick.map(policyDeadline).filter((d): d is number => d !== undefined);
  const restrictedBy = restrictingPolicies(effective, pick, factors);
  const named = Object.freeze(effective.policies.filter((policy) => pick.includes(policy) || restrictedBy.includes(policy)));
  const owners = policyOwners(named);
  const restrictedByOwners = policyOwners(restrictedBy);
  const required = `MFA is required by ${listOwnerNames(policyOwners(pick))}`;
  let message = `${required}; enrol a factor they allow to log in`;
  if (!effective.satisfiable) {
    message = `${required}, but no factor kind is allowed by ${listOwnerNames(owners)} at once: the account cannot comply until they agree on one`;
  } else if (restrictedBy.length > 0) {
    message = `${required}; ${listOwnerNames(restrictedByOwners)} ${restrictedByOwners.length === 1 ? 'does' : 'do'} not allow some of the account's factors: enrol a factor every organisation allows`;
  }
  return Object.freeze({
    outcome: overdue.length > 0 ? 'blocked' : 'enrolment-required',
    satisfied: false,
    deadline: deadlines.length > 0 ? Math.min(...deadlines) : undefined,
    missingFactors,
    acceptedFactorIds,
    policies: named,
    owners,
    restrictedBy,
    restrictedByOwners,
    unsatisfiable: !effective.satisfiable,
    code: 'MFA_REQUIRED_BY_POLICY',
    message,
  });
}
