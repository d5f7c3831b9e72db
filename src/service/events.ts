/**
 * Audit events: one for every change and every security-relevant outcome, delivered to a sink the
 * app provides (audit log, "a new device was added" e-mail). Events never carry secrets, codes,
 * code hashes or step-up tokens; destinations of email/SMS codes appear masked.
 * @module
 */

/**
 * Every event type the service emits.
 *
 * @example
 * ```ts
 * const notify: MfaEventType[] = ['enrolment-confirmed', 'factor-removed', 'mfa-disabled', 'backup-codes-regenerated'];
 * ```
 */
export type MfaEventType =
  | 'enrolment-started'
  | 'enrolment-confirmed'
  | 'enrolment-failed'
  | 'verified'
  | 'verification-failed'
  | 'throttled'
  | 'replay-refused'
  | 'backup-code-used'
  | 'backup-codes-generated'
  | 'backup-codes-regenerated'
  | 'factor-renamed'
  | 'factor-removed'
  | 'factor-replaced'
  | 'factor-imported'
  | 'mfa-disabled'
  | 'oob-code-sent'
  | 'secret-resealed'
  | 'throttle-reset'
  | 'step-up-refused'
  | 'policy-refused'
  // account recovery (recovery-flows.ts): a challenge or code issued, a recovery done, one refused
  | 'recovery-started'
  | 'recovery-completed'
  | 'recovery-failed'
  // remembered devices (remembered-devices.ts)
  | 'remembered-device-created'
  | 'remembered-device-used'
  | 'remembered-device-revoked';

/**
 * One audit event. `at` is the service clock; the optional fields say which factor and why.
 *
 * @example
 * ```ts
 * const event: MfaEvent = { type: 'verified', accountId: 'user-42', at: Date.now(), factorId: 'f_…', kind: 'totp', name: 'Phone' };
 * ```
 */
export interface MfaEvent {
  readonly type: MfaEventType;
  readonly accountId: string;
  readonly at: number;
  readonly factorId?: string;
  readonly kind?: string;
  readonly name?: string;
  /** Why a verification failed, or what was refused (`mismatch`, `replayed`, `locked`, …). */
  readonly reason?: string;
  /** Small, non-secret details (counts, retry times, masked destinations). */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * Where events go. May be async; the service awaits it, but a sink that throws or rejects never
 * undoes or fails the operation that already happened (the error is swallowed; log inside your
 * sink).
 *
 * @example
 * ```ts
 * const sink: MfaEventSink = (event) => auditLog.write(event);
 * ```
 */
export type MfaEventSink = (event: MfaEvent) => void | Promise<void>;

/** Delivers an event, never letting the sink's failure escape. @internal */
export async function deliverEvent(sink: MfaEventSink | undefined, event: MfaEvent): Promise<void> {
  if (sink === undefined) return;
  try {
    await sink(event);
  } catch {
    // A broken audit sink must not turn a committed change into an error the app retries.
  }
}

/**
 * Masks an email address or phone number for events and hints: `a***@example.com`, `*******4567`.
 *
 * @example
 * ```ts
 * maskDestination('ada@example.com'); // 'a***@example.com'
 * maskDestination('+41791234567');    // '********4567'
 * ```
 */
export function maskDestination(destination: string): string {
  const at = destination.lastIndexOf('@');
  if (at > 0) return `${destination[0]}***${destination.slice(at)}`;
  const visible = Math.min(4, Math.max(0, destination.length - 4));
  return '*'.repeat(destination.length - visible) + destination.slice(destination.length - visible);
}
