/**
 * Pure policy evaluation: organisations (or projects, or the app) that enforce MFA, restrict
 * factor kinds, ask for several factors and give members time to enrol. The app supplies the
 * policies that apply to an account; every function here is pure (policies + factors + time in,
 * decision out) and names the owners behind each decision, sorted by name then id.
 *
 * @example
 * ```ts
 * import { evaluateMfaDisable } from 'mfakit/policy';
 * const decision = evaluateMfaDisable(await resolver(accountId));
 * if (!decision.allowed) console.log(decision.owners.map((o) => o.name));
 * ```
 * @module mfakit/policy
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export {
  POLICY_FACTOR_KINDS,
  compareAssuranceLevels,
  factorKindAssurance,
  isPolicyFactorKind,
  type FactorAssuranceLevel,
  type FactorKindAssurance,
  type PolicyFactorKind,
} from './factor-kind.js';
export type { MfaPolicy, PolicyFactor, PolicyGrace, PolicyOwner, PolicyResolver } from './policy.js';
export { MAX_POLICY_GRACE_MS, MAX_POLICY_MIN_FACTORS, validateMfaPolicies, validateMfaPolicy, type MfaPolicyValidationOptions } from './validate-policy.js';
export { comparePolicyOwners, policyOwners } from './owners.js';
export { combineMfaPolicies, type EffectiveMfaPolicy } from './combine.js';
export {
  classifyFactorsForPolicies,
  type ClassifiedPolicyFactor,
  type FactorPolicyReason,
  type PolicyFactorClassification,
} from './classify-factors.js';
export { evaluateLoginPolicy, type LoginPolicyDecision, type LoginPolicyOptions } from './login.js';
export { evaluateMfaDisable, listOwnerNames, type MfaDisableDecision, type PolicyRefusal } from './disable.js';
export { evaluateFactorRemoval, type FactorRemovalDecision } from './remove-factor.js';
export { evaluateFactorEnrolment, type FactorEnrolmentDecision } from './enrol.js';
export { assessAccountAssurance, type AccountAssurance, type AccountAssuranceLevel } from './assurance.js';
export {
  DEFAULT_LOW_BACKUP_CODES,
  DEFAULT_UNUSED_FACTOR_MS,
  adviseMfaAccount,
  type MfaAdvice,
  type MfaAdviceOptions,
} from './advice.js';
export { resolveMfaPolicies } from './resolve.js';
export { evaluateRememberedDevices, type RememberedDevicesDecision } from './remembered-devices.js';
export { assertPolicyAllows } from './assert-allowed.js';
