// The second step of a login, and the step-up that sensitive changes ask for: a code (app, backup
// code, emailed code), a security key or passkey; and a passkey alone (usernameless) from the login page.
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { WebAuthnAuthenticationResponseJSON } from 'mfakit/webauthn';
import { html } from '../html.js';
import { csrfField } from '../layout.js';
import type { DemoUser } from '../users.js';
import { describeError, describeFailure, flash, form, redirect, render, requireUser, safeNext, type C, type DemoEnv } from '../web.js';

type Mode = 'login' | 'step-up';

/** The account being verified: the pending login, or the signed-in user for a step-up. */
function verifyingUser(c: C, mode: Mode): DemoUser | undefined {
  const session = c.get('session');
  const id = mode === 'login' ? session.pendingUserId : session.userId;
  return id === undefined ? undefined : c.get('demo').users.get(id);
}

/** After a successful second factor. */
function completeVerification(c: C, mode: Mode, user: DemoUser, via: string, stepUpToken: string, stepUpNext: string | undefined, backupCodesRemaining?: number): string {
  const demo = c.get('demo');
  const session = c.get('session');
  session.stepUpToken = stepUpToken;
  delete session.loginEmail;
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
    return next;
  }
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

async function verifyPage(c: C, mode: Mode): Promise<Response> {
  const user = verifyingUser(c, mode);
  if (user === undefined) return redirect(c, '/login');
  const demo = c.get('demo');
  const { factors } = await demo.service.loginRequirement(user.id);
  const kinds = new Set(factors.map((f) => f.kind));
  const email = factors.find((f) => f.kind === 'email');
  const backup = factors.find((f) => f.kind === 'backup-codes');
  const session = c.get('session');
  const base = mode === 'login' ? '/login/mfa' : '/step-up';
  const next = c.req.query('next');
  const query = mode === 'step-up' && next !== undefined ? `?next=${encodeURIComponent(safeNext(next))}` : '';
  const hints = [
    kinds.has('totp') ? 'the 6-digit code from your authenticator app' : null,
    email ? 'the code we emailed you' : null,
    backup ? `one of your backup codes (${backup.remaining ?? 0} left)` : null,
  ].filter((h): h is string => h !== null);
  const body = html`
<h1>${mode === 'login' ? 'Two-factor authentication' : 'Confirm it is you'}</h1>
<div class="card">
  <p class="muted">${mode === 'login' ? html`Your password was right. Now enter ` : html`This change needs a recent second-factor check. Enter `}${hints.join(', or ')}.</p>
  <form method="post" action="${base}${query}">
    ${csrfField(session.csrf)}
    <label for="code">Code</label>
    <input class="code" type="text" id="code" name="code" inputmode="text" autocomplete="one-time-code" autofocus required maxlength="40">
    <div><button type="submit" id="verify">Verify</button></div>
  </form>
</div>
${kinds.has('webauthn')
    ? html`<div class="card"><h2>Security key or passkey</h2><p class="muted">Use a security key or this device's built-in authenticator.</p>
  <button type="button" class="secondary" id="use-security-key" data-webauthn="login" data-mode="${mode}" data-next="${query}">Use security key</button>
  <p id="webauthn-status" class="small muted" role="status"></p></div>`
    : ''}
${email
    ? html`<div class="card"><h2>Email code</h2>
  ${session.loginEmail ? html`<p>We sent a code to <strong>${session.loginEmail.destinationHint}</strong>. Open the <a href="/mailbox" target="_blank">mailbox</a> and type it above.</p>` : html`<p class="muted">We can send a one-time code to ${email.destinationHint ?? 'your email address'}.</p>`}
  <form method="post" action="${base}/email${query}">${csrfField(session.csrf)}<button type="submit" class="secondary" id="send-email-code">${session.loginEmail ? 'Send a new code' : 'Email me a code'}</button></form></div>`
    : ''}
${mode === 'login' ? html`<p class="small"><a href="/recover" id="recover-link">Lost your devices and backup codes? Recover your account with your SSH key.</a></p>
<form method="post" action="/logout">${csrfField(session.csrf)}<button type="submit" class="link small" id="cancel-login">Cancel and log in as someone else</button></form>` : ''}`;
  return render(c, mode === 'login' ? 'Two-factor authentication' : 'Confirm it is you', body, { webauthn: kinds.has('webauthn') });
}

async function verifyCode(c: C, mode: Mode): Promise<Response> {
  const user = verifyingUser(c, mode);
  if (user === undefined) return redirect(c, '/login');
  const { code = '' } = await form(c);
  const back = mode === 'login' ? '/login/mfa' : `/step-up?next=${encodeURIComponent(safeNext(c.req.query('next')))}`;
  try {
    const result = await c.get('demo').service.verify(user.id, code);
    if (!result.ok) return redirect(c, back, { kind: 'error', text: describeFailure(result.reason, result.retryAt) });
    const via = result.kind === 'backup-codes' ? 'a backup code' : result.kind === 'email' ? 'an emailed code' : `${result.factor.name}`;
    return redirect(c, completeVerification(c, mode, user, via, result.stepUp.token, c.req.query('next'), result.backupCodesRemaining));
  } catch (error) {
    if (!isMfaError(error)) throw error;
    return redirect(c, back, { kind: 'error', text: describeError(error) });
  }
}

async function sendEmailCode(c: C, mode: Mode): Promise<Response> {
  const user = verifyingUser(c, mode);
  if (user === undefined) return redirect(c, '/login');
  const back = mode === 'login' ? '/login/mfa' : `/step-up?next=${encodeURIComponent(safeNext(c.req.query('next')))}`;
  try {
    const sent = await c.get('demo').service.sendLoginCode(user.id, { channel: 'email' });
    c.get('session').loginEmail = { destinationHint: sent.destinationHint, expiresAt: sent.expiresAt };
    return redirect(c, back, { kind: 'info', text: `We sent a code to ${sent.destinationHint}. It is valid for 10 minutes.` });
  } catch (error) {
    if (!isMfaError(error)) throw error;
    return redirect(c, back, { kind: 'error', text: describeError(error) });
  }
}

export function secondFactorRoutes(app: Hono<DemoEnv>): void {
  app.get('/login/mfa', (c) => verifyPage(c, 'login'));
  app.post('/login/mfa', (c) => verifyCode(c, 'login'));
  app.post('/login/mfa/email', (c) => sendEmailCode(c, 'login'));

  app.get('/step-up', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    return verifyPage(c, 'step-up');
  });
  app.post('/step-up', (c) => verifyCode(c, 'step-up'));
  app.post('/step-up/email', (c) => sendEmailCode(c, 'step-up'));

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
    const body = (await c.req.json()) as { mode?: Mode | 'passkey'; next?: string; response?: WebAuthnAuthenticationResponseJSON };
    if (body.mode === 'passkey') return passkeySignIn(c, body.response);
    const mode: Mode = body.mode === 'step-up' ? 'step-up' : 'login';
    const user = verifyingUser(c, mode);
    if (user === undefined || body.response === undefined) return c.json({ error: 'not signed in' }, 401);
    const result = await c.get('demo').service.finishWebAuthnLogin(body.response, { accountId: user.id });
    if (!result.ok) return c.json({ error: `The security key was not accepted (${result.reason}).` }, 400);
    // For a step-up, the page passes its own "?next=…" along.
    const stepUpNext = new URLSearchParams(body.next ?? '').get('next') ?? undefined;
    return c.json({ redirect: completeVerification(c, mode, user, result.factor.name, result.stepUp.token, stepUpNext) });
  });
}
