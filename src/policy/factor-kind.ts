/**
 * The kinds of login factor a policy can talk about, and how much assurance each gives.
 * @module
 */

import type { LoginFactorKind } from '../factor-kinds.js';
import { listingEvery } from '../internal/listing-every.js';

/**
 * A login factor kind (the one union of `src/factor-kinds.ts`). SSH keys and phone numbers are recovery methods (used in a support-led
 * account reset), not login factors, so they are not listed: a factor of any other kind is treated
 * as unknown, never counts toward a policy and lowers the account's assurance.
 *
 * @example
 * ```ts
 * const kind: PolicyFactorKind = 'webauthn';
 * ```
 * @useDeclaredType
 */
export type PolicyFactorKind = LoginFactorKind;

/**
 * Every {@link PolicyFactorKind}, in a fixed order (strongest first). Checked complete at compile
 * time: a kind added to the union and not listed here is a type error naming it.
 *
 * @example
 * ```ts
 * POLICY_FACTOR_KINDS.includes('sms'); // true
 * ```
 */
export const POLICY_FACTOR_KINDS = Object.freeze(listingEvery<PolicyFactorKind>()(['webauthn', 'totp', 'backup-codes', 'sms', 'email']));

/**
 * How much a factor kind protects a login, weakest first:
 * - `'low'`: email and SMS codes. NIST SP 800-63B §5.1.3.3 makes SMS a *restricted* authenticator
 *   and does not accept email as an out-of-band channel at all (§5.1.3.1).
 * - `'multi-factor'`: a real second factor that can still be phished (TOTP, backup codes).
 * - `'phishing-resistant'`: bound to the origin (WebAuthn, 63B §5.2.5 verifier-name binding).
 *
 * @example
 * ```ts
 * const level: FactorAssuranceLevel = factorKindAssurance('totp').level; // 'multi-factor'
 * ```
 */
export type FactorAssuranceLevel = 'low' | 'multi-factor' | 'phishing-resistant';

/**
 * What mfakit knows about one factor kind.
 *
 * @example
 * ```ts
 * const info: FactorKindAssurance = factorKindAssurance('sms');
 * console.log(info.level, info.reason); // 'low', 'SMS is a restricted authenticator ...'
 * ```
 */
export interface FactorKindAssurance {
  /** The kind, or `undefined` when the kind is unknown. */
  readonly kind: PolicyFactorKind | undefined;
  /** Its assurance level; unknown kinds get `'low'` (mfakit cannot vouch for them). */
  readonly level: FactorAssuranceLevel;
  /**
   * False for backup codes (a recovery fallback: they never count toward a policy's minimum number
   * of factors) and for unknown kinds.
   */
  readonly countsAsFactor: boolean;
  /** Why, in one sentence, for logs and UIs. */
  readonly reason: string;
}

const TABLE: Readonly<Record<PolicyFactorKind, FactorKindAssurance>> = Object.freeze({
  webauthn: Object.freeze({
    kind: 'webauthn',
    level: 'phishing-resistant',
    countsAsFactor: true,
    reason: 'WebAuthn signs the origin, so a phishing site cannot use it (NIST SP 800-63B §5.2.5)',
  }),
  totp: Object.freeze({
    kind: 'totp',
    level: 'multi-factor',
    countsAsFactor: true,
    reason: 'a TOTP code is a second factor but can be typed into a phishing site',
  }),
  'backup-codes': Object.freeze({
    kind: 'backup-codes',
    level: 'multi-factor',
    countsAsFactor: false,
    reason:
      'backup codes are NIST look-up secrets: they log in (so they cap assurance, being phishable) but are a recovery fallback and never count toward a minimum number of factors',
  }),
  sms: Object.freeze({
    kind: 'sms',
    level: 'low',
    countsAsFactor: true,
    reason: 'SMS is a restricted authenticator (NIST SP 800-63B §5.1.3.3): SIM swap, interception',
  }),
  email: Object.freeze({
    kind: 'email',
    level: 'low',
    countsAsFactor: true,
    reason: 'email is not an accepted out-of-band channel (NIST SP 800-63B §5.1.3.1)',
  }),
});

const UNKNOWN_REASON =
  'unknown factor kind: mfakit cannot vouch for it, so it never satisfies a policy and counts as low assurance';

/**
 * True when `kind` is one of the {@link PolicyFactorKind} strings.
 *
 * @example
 * ```ts
 * isPolicyFactorKind('ssh-key'); // false: a recovery method, not a login factor
 * ```
 */
export function isPolicyFactorKind(kind: unknown): kind is PolicyFactorKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(TABLE, kind);
}

/**
 * The assurance of a factor kind (see {@link FactorAssuranceLevel}). Unknown kinds are `'low'` and
 * do not count as a factor.
 *
 * @example
 * ```ts
 * factorKindAssurance('webauthn').level; // 'phishing-resistant'
 * factorKindAssurance('backup-codes').countsAsFactor; // false
 * ```
 */
export function factorKindAssurance(kind: string): FactorKindAssurance {
  if (isPolicyFactorKind(kind)) return TABLE[kind];
  return { kind: undefined, level: 'low', countsAsFactor: false, reason: UNKNOWN_REASON };
}

const RANK: Readonly<Record<FactorAssuranceLevel, number>> = {
  low: 1,
  'multi-factor': 2,
  'phishing-resistant': 3,
};

/**
 * Orders assurance levels: negative when `a` is weaker than `b`.
 *
 * @example
 * ```ts
 * compareAssuranceLevels('low', 'phishing-resistant') < 0; // true
 * ```
 */
export function compareAssuranceLevels(a: FactorAssuranceLevel, b: FactorAssuranceLevel): number {
  return RANK[a] - RANK[b];
}
