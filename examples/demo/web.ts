// What every route shares: the demo's objects, the Hono environment, and helpers to render pages,
// read forms, redirect with a message, and require a signed-in user or a recent verification.
import type { Context } from 'hono';
import { isMfaError, type MfaError } from 'mfakit';
import type { MfaService } from 'mfakit/service';
import type { EventLog } from './event-log.js';
import type { Html } from './html.js';
import { page, type Flash } from './layout.js';
import type { Mailbox } from './mail.js';
import type { Session, SessionStore } from './sessions.js';
import type { SmsOutbox } from './texts.js';
import type { DemoUser, UserDirectory } from './users.js';

export interface Demo {
  readonly appName: string;
  readonly origin: string;
  readonly service: MfaService;
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  readonly mailbox: Mailbox;
  /** The fake SMS gateway (the Texts page). */
  readonly texts: SmsOutbox;
  readonly events: EventLog;
  readonly storeDescription: string;
  /** Whether the accounts and their MFA data outlive a restart (SQLite, PostgreSQL). */
  readonly storePersistent: boolean;
  /** How long "Remember this browser" lasts. */
  readonly rememberedDeviceDays: number;
  /** The bundled page scripts: every page's, and the WebAuthn helper. */
  readonly appScript: string;
  readonly webauthnScript: string;
}

export type DemoEnv = { Variables: { session: Session; demo: Demo } };
export type C = Context<DemoEnv>;

/** How long a re-entered password allows the first enrolment. */
export const PASSWORD_CONFIRM_MS = 10 * 60_000;

export function flash(c: C, kind: Flash['kind'], text: string): void {
  c.get('session').flash.push({ kind, text });
}

export function currentUser(c: C): DemoUser | undefined {
  const id = c.get('session').userId;
  return id === undefined ? undefined : c.get('demo').users.get(id);
}

/**
 * The account whose mail and texts this session may read: the signed-in user, or the one half-way
 * through a login (who needs the emailed or texted code to finish it). Nobody else's.
 */
export function inboxOwner(c: C): DemoUser | undefined {
  const session = c.get('session');
  const id = session.userId ?? session.pendingUserId;
  return id === undefined ? undefined : c.get('demo').users.get(id);
}

export function render(c: C, title: string, body: Html, options: { webauthn?: boolean; status?: 200 | 400 | 403 | 404 } = {}): Response {
  const session = c.get('session');
  const user = currentUser(c);
  const flashes = session.flash.splice(0);
  const demo = c.get('demo');
  const owner = inboxOwner(c);
  const markup = page(
    {
      title,
      csrf: session.csrf,
      userEmail: user?.email,
      flash: flashes,
      unreadMail: owner === undefined ? 0 : demo.mailbox.unread(owner.email),
      unreadTexts: owner === undefined ? 0 : demo.texts.unread(owner.id),
      webauthn: options.webauthn ?? false,
    },
    body,
  );
  return c.html(markup, options.status ?? 200);
}

export function redirect(c: C, path: string, message?: Flash): Response {
  if (message !== undefined) c.get('session').flash.push(message);
  return c.redirect(path, 303);
}

/** Form fields as strings (files ignored). */
export async function form(c: C): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** A local path to return to (never another site). */
export function safeNext(value: string | undefined, fallback = '/security'): string {
  return value !== undefined && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : fallback;
}

/** The signed-in user, or a redirect to the login page. */
export function requireUser(c: C): DemoUser | Response {
  const user = currentUser(c);
  if (user !== undefined) return user;
  return redirect(c, `/login?next=${encodeURIComponent(c.req.path)}`, { kind: 'info', text: 'Please log in first.' });
}

/** Whether the session holds a live step-up grant for the user. */
export async function hasStepUp(c: C, user: DemoUser): Promise<boolean> {
  const token = c.get('session').stepUpToken;
  return token !== undefined && (await c.get('demo').service.hasRecentStepUp(user.id, token));
}

export function hasFreshPassword(c: C): boolean {
  const at = c.get('session').passwordConfirmedAt;
  return at !== undefined && Date.now() - at < PASSWORD_CONFIRM_MS;
}

/**
 * Before a sensitive change: with MFA on, a recent verification (the service's step-up grant);
 * with MFA off, the password typed again (the very first enrolment has nothing to step up with).
 * Returns a redirect to the page that asks for it, or null when the session may go on.
 */
export async function requireRecentAuth(c: C, user: DemoUser, next: string): Promise<Response | null> {
  const requirement = await c.get('demo').service.loginRequirement(user.id);
  if (requirement.mfaRequired || requirement.factors.length > 0) {
    if (await hasStepUp(c, user)) return null;
    return redirect(c, `/step-up?next=${encodeURIComponent(next)}`);
  }
  if (hasFreshPassword(c)) return null;
  return redirect(c, `/confirm-password?next=${encodeURIComponent(next)}`);
}

/** The service's step-up grant kept in the session, if any. */
export function stepUpToken(c: C): string | undefined {
  return c.get('session').stepUpToken;
}

/** After a confirmed enrolment: the first factor comes with the backup codes, shown once. Returns where to go. */
export function afterConfirmed(c: C, name: string, result: { readonly backupCodes: readonly string[] | null; readonly stepUp: { readonly token: string } | null }): string {
  const { backupCodes } = result;
  // The new factor was just proved: its grant covers the changes that usually follow (backup codes).
  if (result.stepUp !== null) c.get('session').stepUpToken = result.stepUp.token;
  flash(c, 'ok', `${name} added.`);
  if (backupCodes === null) return '/security';
  c.get('session').freshBackupCodes = backupCodes;
  flash(c, 'info', 'Two-factor authentication is on. Save your backup codes now: they are shown only once.');
  return '/security/backup-codes';
}

/** A user-facing sentence for an MfaError. */
export function describeError(error: unknown): string {
  if (!isMfaError(error)) return 'Something went wrong. Please try again.';
  const e: MfaError = error;
  const details = e.details ?? {};
  switch (e.code) {
    case 'MFA_REQUIRED_BY_POLICY': {
      const owners = Array.isArray(details['owners']) ? (details['owners'] as { name: string }[]).map((b) => b.name) : [];
      return owners.length > 0 ? `${e.message}. Leave ${owners.join(' and ')} first, or keep MFA on.` : e.message;
    }
    case 'STEP_UP_REQUIRED':
      return 'Please confirm it is you with a second factor first.';
    case 'CONFIRMATION_MISMATCH':
      return 'Type DISABLE in the box to confirm.';
    case 'SEND_LIMIT_EXCEEDED':
      return 'Too many codes were sent to this address in the last hour. Try again later.';
    case 'ENROLMENT_EXPIRED':
    case 'ENROLMENT_NOT_FOUND':
      return 'This setup has expired. Please start again.';
    default:
      return e.message.charAt(0).toUpperCase() + e.message.slice(1) + '.';
  }
}

/** Words for a refused code. */
export function describeFailure(reason: string, retryAt?: number): string {
  switch (reason) {
    case 'malformed':
      return 'That does not look like a code. Check it and try again.';
    case 'replayed':
      return 'That code was already used. Wait for the next code.';
    case 'throttled':
      return `Too many wrong codes. Try again ${retryAt ? `in ${Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))} seconds` : 'shortly'}.`;
    case 'locked':
      return 'Too many wrong codes: this account is locked for now.';
    case 'expired':
      return 'This code has expired. Ask for a new one.';
    default:
      return 'That code is not right. Try again.';
  }
}
