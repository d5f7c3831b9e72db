/**
 * How well the account as a whole resists attack: its weakest login method decides.
 * @module
 */
import { compareAssuranceLevels, factorKindAssurance, type FactorAssuranceLevel } from './factor-kind.js';
import { checkPolicyFactors } from './factors.js';
import type { PolicyFactor } from './policy.js';

/**
 * The account's assurance: `'none'` without factors, else the level of its weakest factor.
 *
 * @example
 * ```ts
 * const level: AccountAssuranceLevel = assessAccountAssurance(factors).level;
 * ```
 */
export type AccountAssuranceLevel = 'none' | FactorAssuranceLevel;

/**
 * The account's assurance with its reasons.
 *
 * @example
 * ```ts
 * const { level, weakest } = assessAccountAssurance(factors);
 * ```
 */
export interface AccountAssurance {
  readonly level: AccountAssuranceLevel;
  /** True only when every factor is phishing-resistant (and there is at least one). */
  readonly phishingResistant: boolean;
  /** The factors at the weakest level: replacing them raises the account's level. */
  readonly weakest: readonly PolicyFactor[];
  /** One entry per factor, in input order. */
  readonly reasons: readonly {
    readonly factorId: string;
    readonly kind: string;
    readonly level: FactorAssuranceLevel;
    readonly reason: string;
  }[];
}

/**
 * Rates the account by its weakest factor: an attacker picks the easiest way in, so an account is
 * phishing-resistant only when every method is. Backup codes are a way in (phishable look-up
 * secrets), so they cap the level at `'multi-factor'`; unknown kinds count as `'low'`.
 *
 * @example
 * ```ts
 * assessAccountAssurance([{ id: 'k', kind: 'webauthn' }, { id: 'e', kind: 'email' }]).level; // 'low'
 * assessAccountAssurance([{ id: 'k', kind: 'webauthn' }]).phishingResistant; // true
 * ```
 */
export function assessAccountAssurance(factors: readonly PolicyFactor[]): AccountAssurance {
  checkPolicyFactors(factors);
  const reasons = factors.map((factor) => {
    const assurance = factorKindAssurance(factor.kind);
    return Object.freeze({ factorId: factor.id, kind: factor.kind, level: assurance.level, reason: assurance.reason });
  });
  if (reasons.length === 0) {
    return Object.freeze({ level: 'none', phishingResistant: false, weakest: Object.freeze([]), reasons: Object.freeze([]) });
  }
  const level = reasons.map((r) => r.level).reduce((a, b) => (compareAssuranceLevels(a, b) <= 0 ? a : b));
  return Object.freeze({
    level,
    phishingResistant: level === 'phishing-resistant',
    weakest: Object.freeze(factors.filter((_, i) => reasons[i]?.level === level)),
    reasons: Object.freeze(reasons),
  });
}
