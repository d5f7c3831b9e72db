/**
 * The wording of a code email: what the code is for, the code, and when it expires (human text and
 * ISO 8601 time). Plain functions, so an app can reuse or replace them.
 * @module
 */
import type { OobMessage } from '../../oob/index.js';

/**
 * A rendered email.
 *
 * @example
 * ```ts
 * const email: SmtpOobEmail = { subject: 'Your code', text: 'Your code is 492039', html: '<p>Your code is 492039</p>' };
 * ```
 */
export interface SmtpOobEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Context for rendering: the app's name and the current time (ms since epoch).
 *
 * @example
 * ```ts
 * const context: SmtpOobRenderContext = { appName: 'Example', now: Date.now() };
 * ```
 */
export interface SmtpOobRenderContext {
  appName: string;
  now: number;
}

const PURPOSE_TEXT: Readonly<Record<string, (app: string) => string>> = {
  login: (app) => `signing in to ${app}`,
  enrolment: (app) => `turning on email or SMS codes for ${app}`,
  recovery: (app) => `recovering your ${app} account`,
  'phone-verification': (app) => `verifying your phone number for ${app}`,
  'email-verification': (app) => `verifying your email address for ${app}`,
};

/**
 * Says what a code is for, in words: `login` → "signing in to Example".
 *
 * @example
 * ```ts
 * describeOobPurpose('recovery', 'Example'); // 'recovering your Example account'
 * ```
 */
export function describeOobPurpose(purpose: string, appName: string): string {
  const known = Object.prototype.hasOwnProperty.call(PURPOSE_TEXT, purpose) ? PURPOSE_TEXT[purpose] : undefined;
  return known ? known(appName) : `"${purpose}" on ${appName}`;
}

function humanTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function humanDuration(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  // Nearest minute: a 10-minute code sent a moment after it was issued still says 10 minutes.
  const minutes = Math.round(ms / 60_000);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The default email for a code. The subject names the purpose but not the code (lock screens show
 * subjects); the body gives the code, its purpose, and its expiry both in words ("in 10 minutes, at
 * 2026-11-23 19:21 UTC") and as an ISO 8601 timestamp.
 *
 * @example
 * ```ts
 * const email = renderOobEmail(message, { appName: 'Example', now: Date.now() });
 * email.text; // 'Your one-time code for signing in to Example is:\n\n    492039\n\nIt expires in 10 minutes…'
 * ```
 */
export function renderOobEmail(message: OobMessage, context: SmtpOobRenderContext): SmtpOobEmail {
  const purpose = describeOobPurpose(message.purpose, context.appName);
  const iso = new Date(message.expiresAt).toISOString();
  const expiry = `It expires in ${humanDuration(message.expiresAt - context.now)}, at ${humanTime(message.expiresAt)} (${iso}).`;
  const warning =
    `If you did not ask for this code, ignore this email: someone may have typed your address by mistake. ` +
    `Never share this code; ${context.appName} will never ask you for it.`;
  const subject = `Your one-time code for ${purpose}`;
  const text = [`Your one-time code for ${purpose} is:`, '', `    ${message.code}`, '', expiry, '', warning, ''].join('\n');
  const html =
    `<p>Your one-time code for ${escapeHtml(purpose)} is:</p>` +
    `<p style="font-size:24px;font-family:monospace;letter-spacing:4px"><strong>${escapeHtml(message.code)}</strong></p>` +
    `<p>${escapeHtml(expiry)}</p><p>${escapeHtml(warning)}</p>`;
  return { subject, text, html };
}
