/**
 * The policy model: who imposes a rule, what it asks, and the factors it is evaluated against.
 * @module
 */
import type { PolicyFactorKind } from './factor-kind.js';

/**
 * Who a policy comes from, named by the app: an organisation, a project, the whole app, or any
 * other type the app uses. An owner is identified by `type` + `id`; `name` is what users see (the
 * seed's "Disable MFA" pop-up lists organisations by name).
 *
 * @example
 * ```ts
 * const owner: PolicyOwner = { id: 'org_42', name: 'Acme Corp', type: 'organization' };
 * ```
 */
export interface PolicyOwner {
  readonly id: string;
  readonly name: string;
  readonly type: 'organization' | 'project' | 'app' | (string & {});
}

/**
 * A grace period for members who have not enrolled yet: a period (`since + durationMs`) or a fixed
 * deadline for everyone (`until`, "enrol by 1 June").
 *
 * `since` is the moment the rule started to apply **to this account**: the app computes it as the
 * later of "the owner turned enforcement on" and "the account joined the owner", so a new member
 * gets the full grace period and existing members get it from the day the policy started.
 *
 * @example
 * ```ts
 * const grace: PolicyGrace = {
 *   since: Math.max(policyEnabledAt, membership.joinedAt),
 *   durationMs: 14 * 24 * 60 * 60 * 1000,
 * };
 * const fixed: PolicyGrace = { until: Date.UTC(2026, 5, 1) };
 * ```
 */
export type PolicyGrace =
  | {
      /** Milliseconds since the epoch. */
      readonly since: number;
      /** Milliseconds; 0 means no grace at all. */
      readonly durationMs: number;
    }
  | {
      /** The deadline itself, milliseconds since the epoch (exclusive), the same for every member. */
      readonly until: number;
    };

/**
 * One rule from one owner. Several apply to an account at once; the strictest rule wins.
 *
 * @example
 * ```ts
 * const policy: MfaPolicy = {
 *   id: 'acme-mfa',
 *   owner: { id: 'org_42', name: 'Acme Corp', type: 'organization' },
 *   requireMfa: true,
 *   allowedKinds: ['webauthn', 'backup-codes'], // phishing-resistant, with a recovery fallback
 *   minFactors: 2,
 *   grace: { since: Date.UTC(2026, 0, 1), durationMs: 14 * 86_400_000 },
 * };
 * ```
 */
export interface MfaPolicy {
  /** Optional id of the policy itself, reported back in decisions. */
  readonly id?: string;
  readonly owner: PolicyOwner;
  /** Members must have MFA: they may not disable it, nor remove the factors it rests on. */
  readonly requireMfa: boolean;
  /**
   * Only these kinds may be enrolled and count toward the policy (default: all kinds). Applies even
   * when `requireMfa` is false ("MFA is optional here, but no SMS"). List `'backup-codes'` if
   * recovery codes stay allowed.
   */
  readonly allowedKinds?: readonly PolicyFactorKind[];
  /** Refuse the low-assurance kinds (email, SMS). */
  readonly excludeLowAssurance?: boolean;
  /**
   * Minimum number of counting factors (default 1). Backup codes never count. Needs `requireMfa`.
   */
  readonly minFactors?: number;
  /** Time to comply for members who do not yet. Needs `requireMfa`. No grace: blocked at once. */
  readonly grace?: PolicyGrace;
  /**
   * `'forbidden'`: members enter a second factor at every login; remembered devices are neither
   * honoured nor created for them (and existing ones are revoked when next presented). Default
   * `'allowed'`.
   */
  readonly rememberedDevices?: 'allowed' | 'forbidden';
}

/**
 * The policies that apply to an account. The app owns memberships, so it supplies them.
 *
 * @example
 * ```ts
 * const resolver: PolicyResolver = async (accountId) =>
 *   (await db.orgsOf(accountId)).filter((o) => o.enforceMfa).map((o) => ({
 *     owner: { id: o.id, name: o.name, type: 'organization' },
 *     requireMfa: true,
 *   }));
 * ```
 */
export type PolicyResolver = (accountId: string) => readonly MfaPolicy[] | Promise<readonly MfaPolicy[]>;

/**
 * What the policy functions need to know about an enrolled factor. Structural, so the service's
 * factor summaries fit as they are. Times are milliseconds since the epoch.
 *
 * @example
 * ```ts
 * const factor: PolicyFactor = { id: 'f1', kind: 'totp', createdAt: Date.UTC(2026, 0, 1), name: 'Work phone' };
 * ```
 */
export interface PolicyFactor {
  readonly id: string;
  /** A {@link PolicyFactorKind}; other strings are treated as unknown kinds. */
  readonly kind: string;
  readonly createdAt?: number;
  readonly lastUsedAt?: number;
  /** The name the user gave it (`FactorSummary.name` of the service), for messages and UIs; the policies never read it. */
  readonly name?: string;
  /**
   * The old name of {@link PolicyFactor.name}, accepted as before and read by nothing.
   *
   * @deprecated Use `name` (the same field, named as in `FactorSummary`); `label` goes in the next release.
   */
  readonly label?: string;
}
