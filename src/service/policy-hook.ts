/**
 * The policy hook: how an app (or the `mfakit/policy` adapter) can refuse changes and logins.
 * @module
 */
import type { FactorSummary } from './factor-summary.js';

/**
 * What the service asks the policy about.
 *
 * @example
 * ```ts
 * const action: PolicyAction = { type: 'remove-factor', factorId: 'f_123' };
 * ```
 */
export type PolicyAction =
  | { type: 'disable' }
  | { type: 'remove-factor'; factorId: string }
  | { type: 'enrol'; kind: string }
  | { type: 'login' }
  | { type: 'remember-device' };

/**
 * The policy's answer. A refusal names what blocks the action (for example the organisations that
 * enforce MFA) and the service passes them on in `MfaError.details.owners`.
 *
 * @example
 * ```ts
 * const refusal: PolicyHookDecision = {
 *   allowed: false, code: 'MFA_REQUIRED_BY_POLICY',
 *   owners: [{ id: 'org-1', name: 'Acme Corp' }], message: 'Acme Corp enforces MFA',
 * };
 * ```
 */
export type PolicyHookDecision =
  | {
      allowed: true;
      enrolmentRequiredBy?: number;
      /**
       * Only in the answer to `login`: the answer to `remember-device` as well, so that a login
       * with a remembered device's token asks the hook once (`createPolicyHook` fills it). Without
       * it the service asks `remember-device` separately.
       */
      rememberDevice?: RememberDevicePolicyDecision;
    }
  | {
      allowed: false;
      code: 'MFA_REQUIRED_BY_POLICY' | 'FACTOR_NOT_ALLOWED' | 'REMEMBERED_DEVICES_FORBIDDEN';
      owners: readonly { id: string; name: string }[];
      message: string;
    };

/**
 * The policy's answer to `remember-device` (whether a browser may skip the second factor).
 *
 * @example
 * ```ts
 * const answer: RememberDevicePolicyDecision = { allowed: false, code: 'REMEMBERED_DEVICES_FORBIDDEN', owners: [{ id: 'org-1', name: 'Acme' }], message: 'Acme asks for a second factor at every login' };
 * ```
 */
export type RememberDevicePolicyDecision =
  | { allowed: true }
  | { allowed: false; code: 'REMEMBERED_DEVICES_FORBIDDEN'; owners: readonly { id: string; name: string }[]; message: string };

/**
 * Asked before enrolling, removing a factor, disabling MFA, and by `loginRequirement`.
 *
 * @example
 * ```ts
 * const policy: PolicyHook = {
 *   check(action, { factors }) {
 *     if (action.type === 'disable' && orgEnforcesMfa) {
 *       return { allowed: false, code: 'MFA_REQUIRED_BY_POLICY', owners: [{ id: 'org-1', name: 'Acme' }], message: 'Acme enforces MFA' };
 *     }
 *     return { allowed: true };
 *   },
 * };
 * ```
 */
export interface PolicyHook {
  /**
   * Decides one action for one account. `context.factors` are the account's login factors and
   * `context.now` the service's clock (ms). May return a promise. A refused change makes the
   * service throw an `MfaError` with the decision's `code` and `details.owners`; a refused
   * `login` comes back as `MfaLoginRequirement.blocked`.
   */
  check(
    action: PolicyAction,
    context: { accountId: string; factors: readonly FactorSummary[]; now: number },
  ): PolicyHookDecision | Promise<PolicyHookDecision>;
}
