/**
 * Adapter from `mfakit/policy` (pure decisions) to the service's {@link PolicyHook}. The policy core
 * never imports the service; this file, in the service layer, imports the core.
 * @module
 */
import {
  evaluateFactorEnrolment,
  evaluateFactorRemoval,
  evaluateLoginPolicy,
  evaluateMfaDisable,
  evaluateRememberedDevices,
  isPolicyFactorKind,
  resolveMfaPolicies,
  type PolicyFactor,
  type PolicyOwner,
  type PolicyRefusal,
  type PolicyResolver,
} from '../policy/index.js';
import { MfaError } from '../errors.js';
import type { FactorSummary } from './factor-summary.js';
import type { PolicyAction, PolicyHook, PolicyHookDecision, RememberDevicePolicyDecision } from './policy-hook.js';

/**
 * Options of {@link createPolicyHook}.
 *
 * @example
 * ```ts
 * const options: PolicyAdapterOptions = { recoveryKinds: ['ssh-key', 'phone', 'security-question'] };
 * ```
 */
export interface PolicyAdapterOptions {
  /**
   * Kinds that are recovery methods, not login factors (default `['ssh-key', 'phone']`). Policies
   * do not govern them: enrolling or removing one is always allowed, and they never count.
   * Factors with `role: 'recovery'` are treated the same whatever their kind.
   */
  recoveryKinds?: readonly string[];
}

/**
 * Default {@link PolicyAdapterOptions.recoveryKinds}: SSH keys and phone numbers, which recover an
 * account through support but never log in.
 *
 * @example
 * ```ts
 * createPolicyHook(resolver, { recoveryKinds: [...DEFAULT_POLICY_RECOVERY_KINDS, 'security-key-backup'] });
 * ```
 */
export const DEFAULT_POLICY_RECOVERY_KINDS: readonly string[] = Object.freeze(['ssh-key', 'phone']);

function ownersOf(owners: readonly PolicyOwner[]): readonly { id: string; name: string; type: string }[] {
  return Object.freeze(owners.map((owner) => Object.freeze({ id: owner.id, name: owner.name, type: owner.type })));
}

function rememberDeviceDecision(policies: Parameters<typeof evaluateRememberedDevices>[0]): RememberDevicePolicyDecision {
  const decision = evaluateRememberedDevices(policies);
  if (decision.allowed) return { allowed: true };
  return { allowed: false, code: 'REMEMBERED_DEVICES_FORBIDDEN', owners: ownersOf(decision.owners), message: decision.message };
}

function refuse(refusal: PolicyRefusal): PolicyHookDecision {
  return { allowed: false, code: refusal.code, owners: ownersOf(refusal.owners), message: refusal.message };
}

/**
 * A {@link PolicyHook} that asks `resolver` which policies apply to the account and answers with the
 * pure `mfakit/policy` decisions:
 * - `login`: allowed while MFA is optional or the account complies; allowed with
 *   `enrolmentRequiredBy` during a grace period; refused (`MFA_REQUIRED_BY_POLICY`) once overdue;
 * - `disable`: refused while any policy requires MFA, naming every requiring owner;
 * - `remove-factor`: refused for the last factor, or below a policy's minimum;
 * - `enrol`: refused (`FACTOR_NOT_ALLOWED`) for a kind a policy forbids.
 *
 * `owners` are the owners (`id`, `name`, and `type`), distinct, sorted by name then id. A resolver
 * that fails makes the check throw `MfaError` `INTERNAL` (fail closed); a malformed policy throws
 * `INVALID_POLICY`.
 *
 * @example
 * ```ts
 * const service = createMfaService({
 *   issuer: 'ACME Cloud',
 *   store: createMemoryStore(),
 *   keyRing,
 *   policy: createPolicyHook(async (accountId) =>
 *     (await db.enforcingOrganisationsOf(accountId)).map((org) => ({
 *       owner: { id: org.id, name: org.name, type: 'organization' },
 *       requireMfa: true,
 *       grace: { since: Math.max(org.enforcedSince, org.joinedAt), durationMs: 14 * 86_400_000 },
 *     })),
 *   ),
 * });
 * ```
 */
export function createPolicyHook(resolver: PolicyResolver, options: PolicyAdapterOptions = {}): PolicyHook {
  if (typeof resolver !== 'function') throw new MfaError('INVALID_ARGUMENT', 'resolver must be a function');
  const kinds = options.recoveryKinds ?? DEFAULT_POLICY_RECOVERY_KINDS;
  if (!Array.isArray(kinds) || !kinds.every((kind) => typeof kind === 'string')) {
    throw new MfaError('INVALID_OPTION', 'recoveryKinds must be an array of strings');
  }
  const recoveryKinds = new Set(kinds);
  const isRecovery = (factor: FactorSummary) =>
    factor.role === 'recovery' || (!isPolicyFactorKind(factor.kind) && recoveryKinds.has(factor.kind));

  return {
    async check(action: PolicyAction, context): Promise<PolicyHookDecision> {
      const policies = await resolveMfaPolicies(resolver, context.accountId);
      const loginFactors = context.factors.filter((factor) => !isRecovery(factor));
      const factors: PolicyFactor[] = loginFactors.map((factor) => ({
        id: factor.id,
        kind: factor.kind,
        createdAt: factor.createdAt,
        ...(factor.lastUsedAt === undefined ? {} : { lastUsedAt: factor.lastUsedAt }),
        name: factor.name,
      }));
      switch (action.type) {
        case 'login': {
          const decision = evaluateLoginPolicy(policies, factors, { now: () => context.now });
          // The remember-device answer rides along, so a login with a device token asks once.
          const rememberDevice = rememberDeviceDecision(policies);
          if (decision.outcome === 'mfa-optional' || decision.outcome === 'mfa-required') return { allowed: true, rememberDevice };
          if (decision.outcome === 'enrolment-required' && decision.deadline !== undefined) {
            return { allowed: true, enrolmentRequiredBy: decision.deadline, rememberDevice };
          }
          return {
            allowed: false,
            code: 'MFA_REQUIRED_BY_POLICY',
            owners: ownersOf(decision.owners),
            message: decision.message,
          };
        }
        case 'disable': {
          const decision = evaluateMfaDisable(policies);
          return decision.allowed ? { allowed: true } : refuse(decision);
        }
        case 'remove-factor': {
          // Recovery methods and unknown ids are not the policy's business (the service reports
          // FACTOR_NOT_FOUND itself).
          if (!factors.some((factor) => factor.id === action.factorId)) return { allowed: true };
          const decision = evaluateFactorRemoval(policies, factors, action.factorId);
          return decision.allowed ? { allowed: true } : refuse(decision);
        }
        case 'enrol': {
          if (!isPolicyFactorKind(action.kind) && recoveryKinds.has(action.kind)) return { allowed: true };
          const decision = evaluateFactorEnrolment(policies, action.kind);
          return decision.allowed ? { allowed: true } : refuse(decision);
        }
        case 'remember-device':
          return rememberDeviceDecision(policies);
        default:
          throw new MfaError('INVALID_ARGUMENT', `unknown policy action ${JSON.stringify((action as { type?: unknown }).type)}`);
      }
    },
  };
}
