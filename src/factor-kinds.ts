/**
 * The names of the factor kinds, one union for every layer: the storage contract's
 * `MfaFactorKind`, the policy module's `PolicyFactorKind` and the service's registry of kinds
 * (`src/service/kinds/registry.ts`), which must define every login factor kind named here and no
 * other (a compile error otherwise).
 * @module
 */

/**
 * A login factor kind: a factor of it can satisfy a login. `backup-codes` report as one factor,
 * the set.
 *
 * @example
 * ```ts
 * const kind: LoginFactorKind = 'webauthn';
 * ```
 */
export type LoginFactorKind = 'totp' | 'backup-codes' | 'email' | 'sms' | 'webauthn';

/**
 * A recovery-method kind: it recovers an account in a support-led reset, never satisfies a login.
 *
 * @example
 * ```ts
 * const kind: RecoveryMethodKind = 'ssh-key';
 * ```
 */
export type RecoveryMethodKind = 'ssh-key' | 'phone';
