// Server-side sessions: a random id in an HttpOnly, SameSite=Lax cookie, the state in memory.
// Each session carries its own CSRF token, checked on every POST. Signing in issues a new id
// (no session fixation).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Flash } from './layout.js';

export const SESSION_COOKIE = 'mfakit_demo_sid';
const IDLE_MS = 60 * 60_000;

export interface PendingTotp {
  readonly enrolmentId: string;
  readonly name: string;
  readonly qrSvg: string;
  readonly manualKey: string;
  /** The otpauth:// URI (a link a phone's authenticator app opens). */
  readonly keyUri: string;
  /** Replacing a device: the name of the one this enrolment removes when confirmed. */
  readonly replaces?: string;
  readonly expiresAt: number;
}

export interface PendingRecovery {
  readonly userId: string;
  /** The service's challenge id (the challenge itself lives in the MFA store). */
  readonly challengeId: string;
  readonly command: string;
  readonly namespace: string;
  readonly expiresAt: number;
  readonly fingerprints: readonly string[];
}

export interface Session {
  id: string;
  csrf: string;
  lastSeen: number;
  /** Signed in (password and, when enabled, MFA). */
  userId?: string;
  /** Password accepted, second factor pending. */
  pendingUserId?: string;
  /** Where to go after the second factor. */
  afterLogin?: string;
  /** The last time the password was re-entered (first enrolment needs it). */
  passwordConfirmedAt?: number;
  /** The service's step-up grant (kept only here, never in a URL). */
  stepUpToken?: string;
  flash: Flash[];
  totpEnrolment?: PendingTotp;
  emailEnrolment?: { enrolmentId: string; destinationHint: string };
  smsEnrolment?: { enrolmentId: string; destinationHint: string };
  /** A recovery phone waiting for its code. */
  phoneEnrolment?: { enrolmentId: string; destinationHint: string };
  /** A recovery code texted to the phone on file. */
  phoneRecovery?: { userId: string; destinationHint: string; expiresAt: number };
  /** Backup codes to show once. */
  freshBackupCodes?: readonly string[];
  /** Login codes sent on this session, per channel (email, SMS). */
  loginCodes?: Partial<Record<'email' | 'sms', { destinationHint: string; expiresAt: number }>>;
  /** The server refuses codes until then (throttled after wrong codes): the page counts down. */
  codeRetryAt?: number;
  recovery?: PendingRecovery;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  private newId(): string {
    return randomBytes(24).toString('base64url');
  }

  /** The session of a cookie value, or a fresh anonymous one. */
  load(id: string | undefined, now = Date.now()): Session {
    this.sweep(now);
    const found = id === undefined ? undefined : this.sessions.get(id);
    if (found !== undefined && now - found.lastSeen < IDLE_MS) {
      found.lastSeen = now;
      return found;
    }
    const session: Session = { id: this.newId(), csrf: randomBytes(24).toString('base64url'), lastSeen: now, flash: [] };
    this.sessions.set(session.id, session);
    return session;
  }

  /** New id and CSRF token for a session whose privilege changes (sign-in, sign-out). */
  rotate(session: Session): void {
    this.sessions.delete(session.id);
    session.id = this.newId();
    session.csrf = randomBytes(24).toString('base64url');
    this.sessions.set(session.id, session);
  }

  /** Signs out: everything but the flash messages is forgotten. */
  reset(session: Session): void {
    const flash = session.flash;
    for (const key of Object.keys(session) as (keyof Session)[]) {
      if (key !== 'id' && key !== 'csrf' && key !== 'lastSeen') delete session[key];
    }
    session.flash = flash;
    this.rotate(session);
  }

  private sweep(now: number): void {
    if (this.sessions.size < 1000) return;
    for (const [id, s] of this.sessions) if (now - s.lastSeen >= IDLE_MS) this.sessions.delete(id);
  }
}

export function csrfMatches(session: Session, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieHeader(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
