/**
 * What a login factor kind is to the service: how a pending enrolment of it is confirmed, how a
 * typed code is checked at login, and the name it shows. Each kind defines one
 * {@link FactorKindDefinition} in its own file of this folder; `registry.ts` lists them.
 * @module
 */
import type { LoginFactorKind } from '../../factor-kinds.js';
import type { ConfirmEnrolmentResult } from '../activation.js';
import type { ServiceContext } from '../context.js';
import type { FactorSummary } from '../factor-summary.js';
import type { StepUpGrant } from '../step-up.js';
import type { MfaBackupCodeRecord, MfaChallengeRecord, MfaEnrolmentRecord, MfaFactorRecord } from '../../store/records.js';

/**
 * What `verify` read with the attempt's charge (one round trip): the challenges the checks asked
 * for by id, the backup code one asked for, and the account's step-up generation.
 *
 * @example
 * ```ts
 * const tombstone = attempt.read.challenge(tombstoneId(accountId, codeId)); // undefined: not read
 * ```
 */
export interface LoginReads {
  /** A challenge read with the charge (`null`: absent or expired), or `undefined` when it was not read (a store without these reads). */
  challenge(id: string): MfaChallengeRecord | null | undefined;
  /** The backup code asked for and the account's count of codes, when read. */
  readonly backupCode?: { readonly record: MfaBackupCodeRecord | null; readonly count: number };
  /**
   * After a success: the step-up grant's minting function, from the generation read with the charge.
   * `stillEnrolled` tells whether what verified is still enrolled; it is asked only when the grant
   * has to write the account's first generation (see `stepUpFrom`).
   */
  stepUp(stillEnrolled?: () => Promise<boolean>): Promise<() => StepUpGrant>;
}

/**
 * What a code check asks `verify` to read with the charge (before anything is checked).
 *
 * @example
 * ```ts
 * const wanted: LoginReadRequest = { challenges: [tombstoneId(accountId, codeId)], backupCode: codeId };
 * ```
 */
export interface LoginReadRequest {
  readonly challenges?: readonly string[];
  readonly backupCode?: string;
}

/**
 * One verification attempt, as `verify` hands it to a kind's code check.
 *
 * @example
 * ```ts
 * const shaped = (attempt: CodeAttempt): boolean => attempt.digits !== null;
 * ```
 */
export interface CodeAttempt {
  readonly ctx: ServiceContext;
  readonly accountId: string;
  /** What the user typed, as typed. */
  readonly code: string;
  /** The typed code as 6 to 10 digits (separators removed), or `null` when it is not one. */
  readonly digits: string | null;
  /** The kinds this check may answer for in this attempt (the one `verify` names, or all of them). */
  readonly kinds: ReadonlySet<string>;
  /** The one factor `verify` names, if any. */
  readonly factorId: string | undefined;
  /** The factors to consider: the account's, or only the one named. */
  readonly factors: readonly MfaFactorRecord[];
  /** What was read with the charge (nothing yet when `shaped` and `reads` are asked). */
  readonly read: LoginReads;
}

/**
 * A successful code check: which factor and kind, and the step-up grant to mint.
 *
 * @example
 * ```ts
 * const success: CodeSuccess = { ok: true, kind: 'totp', factor: summary, mintStepUp };
 * ```
 */
export interface CodeSuccess {
  readonly ok: true;
  /** The kind that verified (one the check answers for). */
  readonly kind: LoginFactorKind;
  /** The factor that verified, or `null` when none of the account's did (a fallback email code): `verify` reports the kind itself. */
  readonly factor: FactorSummary | null;
  readonly mintStepUp: () => StepUpGrant;
  /** Backup codes only: how many are left. */
  readonly backupCodesRemaining?: number;
}

/**
 * What a code check found for one attempt, before anything is checked. `available` is false when
 * the account has nothing this check could verify; a function when finding out costs a round trip
 * that `verify` makes only if no other check has anything. `check` is absent when the typed input
 * cannot be checked here (not shaped like this kind's code, or nothing to check against).
 *
 * @example
 * ```ts
 * const gathered: GatheredCodes = { available: false };
 * ```
 */
export interface GatheredCodes {
  readonly available: boolean | (() => Promise<boolean>);
  /** The account has a factor of this kind whose code is no longer pending (sent codes expire). */
  readonly expired?: boolean;
  /** Checks the typed code; `clear` names the attempt records a success clears. */
  readonly check?: (clear: readonly string[]) => Promise<CodeSuccess | { readonly ok: false; readonly replayed: boolean }>;
}

/**
 * How typed codes of one or more kinds are checked at login (email and SMS share one).
 *
 * @example
 * ```ts
 * const login: CodeLogin = { shaped: (a) => a.digits !== null, gather: async () => ({ available: false }) };
 * ```
 */
export interface CodeLogin {
  /** Whether the input is shaped like a code of this check; pure (decides whether the attempt is charged). */
  shaped(attempt: CodeAttempt): boolean;
  /** What to read with the charge for a shaped input (so `gather` and `check` need no other read); pure. */
  reads?(attempt: CodeAttempt): LoginReadRequest;
  /** What there is to check against, read after the attempt was charged. */
  gather(attempt: CodeAttempt): Promise<GatheredCodes>;
}

/**
 * One login factor kind, as the service knows it.
 *
 * @example
 * ```ts
 * export const sshOtp: FactorKindDefinition<'ssh-otp'> = { kind: 'ssh-otp', displayName: 'SSH one-time code' };
 * ```
 */
export interface FactorKindDefinition<K extends string = string> {
  readonly kind: K;
  /** The name shown when no factor of the account names it (a fallback email code, the backup-code set). */
  readonly displayName: string;
  /** Confirms a pending enrolment of this kind with its first code; absent for kinds with a ceremony of their own (WebAuthn). */
  readonly confirmEnrolment?: (ctx: ServiceContext, pending: MfaEnrolmentRecord, code: string) => Promise<ConfirmEnrolmentResult>;
  /** How a typed code of this kind is checked at login; absent for kinds that do not use typed codes (WebAuthn). */
  readonly codeLogin?: CodeLogin;
}
