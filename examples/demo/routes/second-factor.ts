// The second step of a login, and the step-up that sensitive changes ask for: a code (app, backup
// code, emailed code), a security key or passkey; and a passkey alone (usernameless) from the login page.
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { WebAuthnAuthenticationResponseJSON } from 'mfakit/webauthn';
import { html, raw, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { rememberingForbiddenBy } from '../organisations.js';
import { rememberThisBrowser } from '../remembered-browser.js';
import type { DemoUser } from '../users.js';
import { describeError, describeFailure, flash, form, redirect, render, requireUser, safeNext, type C, type DemoEnv } from '../web.js';

type Mode = 'login' | 'step-up';

/** The account being verified: the pending login, or the signed-in user for a step-up. */
function verifyingUser(c: C, mode: Mode): DemoUser | undefined {
  const session = c.get('session');
  const id = mode === 'login' ? session.pendingUserId : session.userId;
  return id === undefined ? undefined : c.get('demo').users.get(id);
}

/** After a successful second factor; `remember`: the login's "Remember this browser" box was ticked. */
async function completeVerification(
  c: C,
  mode: Mode,
  user: DemoUser,
  verified: { via: string; stepUpToken: string; remember: boolean },
  stepUpNext: string | undefined,
  backupCodesRemaining?: number,
): Promise<string> {
  const { via, stepUpToken } = verified;
  const demo = c.get('demo');
  const session = c.get('session');
  session.stepUpToken = stepUpToken;
  delete session.loginCodes;
  delete session.codeRetryAt;
  if (backupCodesRemaining !== undefined) {
    flash(c, backupCodesRemaining <= 3 ? 'error' : 'info', `You used a backup code: ${backupCodesRemaining} left.${backupCodesRemaining <= 3 ? ' Generate new ones on this page.' : ''}`);
  }
  if (mode === 'login') {
    const next = safeNext(session.afterLogin);
    delete session.pendingUserId;
    delete session.afterLogin;
    demo.sessions.rotate(session);
    session.userId = user.id;
    demo.events.note(user.id, `Signed in with password and ${via}`);
    flash(c, 'ok', `Signed in with ${via}.`);
    if (verified.remember) await rememberThisBrowser(c, user, stepUpToken);
    return next;
  }
  demo.events.note(user.id, `Confirmed it is you with ${via}`);
  flash(c, 'ok', `Confirmed with ${via}.`);
  return safeNext(stepUpNext);
}

/**
 * A passkey (discoverable credential, user verified) is both factors at once: possession of the
 * device and the PIN or biometric that unlocked it. The account comes from the passkey's user handle.
 */
async function passkeySignIn(c: C, response: WebAuthnAuthenticationResponseJSON | undefined): Promise<Response> {
  if (response === undefined) return c.json({ error: 'bad request' }, 400);
  const demo = c.get('demo');
  const result = await demo.service.finishWebAuthnLogin(response);
  if (!result.ok) {
    const text = result.reason === 'unknown-credential' || result.reason === 'user-handle-missing' ? 'This passkey is not registered here.' : `The passkey was not accepted (${result.reason}).`;
    return c.json({ error: text }, 400);
  }
  const user = demo.users.get(result.accountId);
  if (user === undefined) return c.json({ error: 'This passkey belongs to no account.' }, 400);
  const session = c.get('session');
  demo.sessions.rotate(session);
  delete session.pendingUserId;
  session.userId = user.id;
  session.stepUpToken = result.stepUp.token;
  demo.events.note(user.id, `Signed in with the passkey ${result.factor.name}`);
  flash(c, 'ok', `Signed in with your passkey “${result.factor.name}”.`);
  return c.json({ redirect: '/security' });
}

type Channel = 'email' | 'sms';
const CHANNEL_WORDS: Record<Channel, { sent: string; inbox: Html; button: string; again: string }> = {
  email: { sent: 'emailed', inbox: html`<a href="/mailbox" target="_blank">mailbox</a>`, button: 'Email me a code', again: 'Email me a new code' },
  sms: { sent: 'texted', inbox: html`<a href="/texts" target="_blank">texts</a>`, button: 'Text me a code', again: 'Text me a new code' },
};

/** Sends a login code and remembers on the session where it went. */
async function sendCode(c: C, user: DemoUser, channel: Channel): Promise<{ destinationHint: string }> {
  const sent = await c.get('demo').service.sendLoginCode(user.id, { channel });
  const session = c.get('session');
  session.loginCodes = { ...session.loginCodes, [channel]: { destinationHint: sent.destinationHint, expiresAt: sent.expiresAt } };
  return sent;
}

async function verifyPage(c: C, mode: Mode): Promise<Response> {
  const user = verifyingUser(c, mode);
  if (user === undefined) return redirect(c, '/login');
  const demo = c.get('demo');
  const { factors } = await demo.service.loginRequirement(user.id);
  const kinds = new Set(factors.map((f) => f.kind));
  const backup = factors.find((f) => f.kind === 'backup-codes');
  const session = c.get('session');
  const base = mode === 'login' ? '/login/mfa' : '/step-up';
  const next = c.req.query('next');
  const query = mode === 'step-up' && next !== undefined ? `?next=${encodeURIComponent(safeNext(next))}` : '';
  const now = Date.now();
  const live = (channel: Channel) => {
    const sent = session.loginCodes?.[channel];
    return sent !== undefined && sent.expiresAt > now ? sent : undefined;
  };

  // An account whose only factor answers by email or text gets its code when the page opens
  // (once per code lifetime: reloading the page does not send another).
  const real = factors.filter((f) => f.kind !== 'backup-codes');
  const only = real.length === 1 && (real[0]!.kind === 'email' || real[0]!.kind === 'sms') ? (real[0]!.kind as Channel) : undefined;
  if (only !== undefined && live(only) === undefined) {
    try {
      await sendCode(c, user, only);
    } catch (error) {
      if (!isMfaError(error)) throw error;
      flash(c, 'error', describeError(error));
    }
  }

  const channels = (['email', 'sms'] as const).filter((channel) => kinds.has(channel));
  const hints = [
    kinds.has('totp') ? 'the 6-digit code from your authenticator app' : null,
    ...channels.map((channel) => {
      const sent = live(channel);
      return sent ? `the code we ${CHANNEL_WORDS[channel].sent} you` : null;
    }),
    backup ? `one of your backup codes (${backup.remaining ?? 0} left)` : null,
  ].filter((h): h is string => h !== null);
  const retryAt = session.codeRetryAt !== undefined && session.codeRetryAt > now ? session.codeRetryAt : undefined;
  const lead = mode === 'login' ? 'Your password was right. ' : '';
  const body = html`
<h1>${mode === 'login' ? 'Two-factor authentication' : 'Confirm it is you'}</h1>
<div class="card" id="code-card">
  ${mode === 'step-up' ? html`<p>This change needs a recent second-factor check.</p>` : ''}
  ${channels.map((channel) => {
    const sent = live(channel);
    return sent ? html`<p class="sent-note" id="sent-${channel}">We ${CHANNEL_WORDS[channel].sent} a code to <strong>${sent.destinationHint}</strong>: open your ${CHANNEL_WORDS[channel].inbox}. It is valid for 10 minutes.</p>` : '';
  })}
  <p class="muted">${lead}${hints.length > 0 ? html`Enter ${hints.join(', or ')}.` : 'Use one of the ways below.'}</p>
  ${retryAt !== undefined
    ? html`<p class="flash error" id="countdown" data-retry-at="${retryAt}" role="timer" aria-live="polite">Too many wrong codes. Try again in <span class="seconds">${Math.ceil((retryAt - now) / 1000)}</span> s.</p>`
    : ''}
  <form method="post" action="${base}${query}">
    ${csrfField(session.csrf)}
    <label for="code">Code</label>
    <input class="code" type="text" id="code" name="code" inputmode="text" autocomplete="one-time-code" autofocus required maxlength="40">
    ${mode === 'login' ? rememberBox(c, user) : ''}
    <div class="row"><button type="submit" id="verify"${retryAt !== undefined ? raw(' disabled') : ''}>Verify</button>${mode === 'step-up' ? html`<a href="/security" id="cancel-step-up">Cancel</a>` : ''}</div>
  </form>
</div>
${kinds.has('webauthn')
    ? html`<div class="card"><h2>Security key or passkey</h2><p class="muted">Use a security key or this device's built-in authenticator.</p>
  <button type="button" class="secondary" id="use-security-key" data-webauthn="login" data-mode="${mode}" data-next="${query}">Use security key</button>
  <p id="webauthn-status" class="small muted" role="status"></p></div>`
    : ''}
${channels.map((channel) => {
      const factor = factors.find((f) => f.kind === channel);
      const sent = live(channel);
      const words = CHANNEL_WORDS[channel];
      return html`<div class="card" id="${channel}-code-card"><h2>${channel === 'email' ? 'Email code' : 'Text message code'}</h2>
  ${sent ? '' : html`<p class="muted">We can send a one-time code to ${factor?.destinationHint ?? (channel === 'email' ? 'your email address' : 'your phone')}.</p>`}
  <form method="post" action="${base}/${channel}${query}">${csrfField(session.csrf)}<button type="submit" class="secondary" id="send-${channel}-code">${sent ? words.again : words.button}</button></form></div>`;
    })}
${mode === 'login' ? html`<p class="small"><a href="/recover" id="recover-link">Lost your devices and backup codes? Recover your account.</a></p>
<form method="post" action="/logout">${csrfField(session.csrf)}<button type="submit" class="link small" id="cancel-login">Cancel and log in as someone else</button></form>` : ''}`;
  return render(c, mode === 'login' ? 'Two-factor authentication' : 'Confirm it is you', body, { webauthn: kinds.has('webauthn') });
}

/**
 * The "Remember this browser" box of a login (it applies to a code and to a security key alike:
 * the page script sends its state with the WebAuthn answer). Not offered when an organisation the
 * user belongs to wants a second factor at every login.
 */
function rememberBox(c: C, user: DemoUser): Html {
  const forbiddenBy = rememberingForbiddenBy(user);
  if (forbiddenBy.length > 0) {
    return html`<p class="small muted" id="remember-forbidden">${forbiddenBy.join(' and ')} ${forbiddenBy.length > 1 ? 'ask' : 'asks'} for a second factor at every login: this browser cannot be remembered.</p>`;
  }
  const days = Math.round(c.get('demo').rememberedDeviceDays);
  return html`<label class="check" for="remember"><input type="checkbox" id="remember" name="remember"> Remember this browser for ${days} days (no code at the next logins here)</label>`;
}

async function verifyCode(c: C, mode: Mode): Promise<Response> {
  const user = verifyingUser(c, mode);
  if (user === undefined) return redirect(c, '/login');
  const { code = '', remember } = await form(c);
  const back = mode === 'login' ? '/login/mfa' : `/step-up?next=${encodeURIComponent(safeNext(c.req.query('next')))}`;
  try {
    const result = await c.get('demo').service.verify(user.id, code);
    if (!result.ok) {
      if (result.retryAt !== undefined) {
        c.get('session').codeRetryAt = result.retryAt;
        // The page shows the countdown instead.
        return redirect(c, back);
      }
      return redirect(c, back, { kind: 'error', text: describeFailure(result.reason, result.retryAt) });
    }
    const via = result.kind === 'backup-codes' ? 'a backup code' : result.kind === 'email' ? 'an emailed code' : result.kind === 'sms' ? 'a texted code' : `${result.factor.name}`;
    const verified = { via, stepUpToken: result.stepUp.token, remember: mode === 'login' && remember === 'on' };
    return redirect(c, await completeVerification(c, mode, user, verified, c.req.query('next'), result.backupCodesRemaining));
  } catch (error) {
    if (!isMfaError(error)) throw error;
    return redirect(c, back, { kind: 'error', text: describeError(error) });
  }
}

async function sendLoginCode(c: C, mode: Mode, channel: Channel): Promise<Response> {
  const user = verifyingUser(c, mode);
  if (user === undefined) return redirect(c, '/login');
  const back = mode === 'login' ? '/login/mfa' : `/step-up?next=${encodeURIComponent(safeNext(c.req.query('next')))}`;
  try {
    await sendCode(c, user, channel);
    return redirect(c, back);
  } catch (error) {
    if (!isMfaError(error)) throw error;
    return redirect(c, back, { kind: 'error', text: describeError(error) });
  }
}

export function secondFactorRoutes(app: Hono<DemoEnv>): void {
  app.get('/login/mfa', (c) => verifyPage(c, 'login'));
  app.post('/login/mfa', (c) => verifyCode(c, 'login'));
  app.post('/login/mfa/email', (c) => sendLoginCode(c, 'login', 'email'));
  app.post('/login/mfa/sms', (c) => sendLoginCode(c, 'login', 'sms'));

  app.get('/step-up', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    return verifyPage(c, 'step-up');
  });
  app.post('/step-up', (c) => verifyCode(c, 'step-up'));
  app.post('/step-up/email', (c) => sendLoginCode(c, 'step-up', 'email'));
  app.post('/step-up/sms', (c) => sendLoginCode(c, 'step-up', 'sms'));

  // WebAuthn as the second factor (login) or for a step-up: JSON endpoints used by the page script.
  app.post('/webauthn/login/options', async (c) => {
    const { mode } = (await c.req.json()) as { mode?: Mode | 'passkey' };
    if (mode === 'passkey') {
      // Usernameless: the browser offers the passkeys it holds for this site; user verification required.
      const start = await c.get('demo').service.startWebAuthnLogin(null);
      return c.json({ options: start.options });
    }
    const user = verifyingUser(c, mode === 'step-up' ? 'step-up' : 'login');
    if (user === undefined) return c.json({ error: 'not signed in' }, 401);
    const start = await c.get('demo').service.startWebAuthnLogin(user.id);
    return c.json({ options: start.options });
  });

  app.post('/webauthn/login/finish', async (c) => {
    const body = (await c.req.json()) as { mode?: Mode | 'passkey'; next?: string; remember?: boolean; response?: WebAuthnAuthenticationResponseJSON };
    if (body.mode === 'passkey') return passkeySignIn(c, body.response);
    const mode: Mode = body.mode === 'step-up' ? 'step-up' : 'login';
    const user = verifyingUser(c, mode);
    if (user === undefined || body.response === undefined) return c.json({ error: 'not signed in' }, 401);
    const result = await c.get('demo').service.finishWebAuthnLogin(body.response, { accountId: user.id });
    if (!result.ok) return c.json({ error: `The security key was not accepted (${result.reason}).` }, 400);
    // For a step-up, the page passes its own "?next=…" along.
    const stepUpNext = new URLSearchParams(body.next ?? '').get('next') ?? undefined;
    const verified = { via: result.factor.name, stepUpToken: result.stepUp.token, remember: mode === 'login' && body.remember === true };
    return c.json({ redirect: await completeVerification(c, mode, user, verified, stepUpNext) });
  });
}
