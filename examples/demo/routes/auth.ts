// Signing up, the password step of logging in, logging out, and re-entering the password.
import type { Hono } from 'hono';
import { html } from '../html.js';
import { csrfField } from '../layout.js';
import { enforcingOrganisationNames } from '../organisations.js';
import { deviceToken } from '../remembered-browser.js';
import { checkPassword } from '../users.js';
import { currentUser, flash, form, redirect, render, requireUser, safeNext, type DemoEnv } from '../web.js';

export function authRoutes(app: Hono<DemoEnv>): void {
  app.get('/', (c) => {
    if (currentUser(c) !== undefined) return c.redirect('/security', 303);
    const demo = c.get('demo');
    return render(
      c,
      'Welcome',
      html`<h1>mfakit demo</h1>
<div class="card">
  <p>A small web app protected by <strong>mfakit</strong>: authenticator apps with QR codes, backup codes, security keys and
  passkeys, email codes (through real SMTP to the <a href="/mailbox">mailbox</a>), SSH-key account recovery and
  organisations that enforce MFA.</p>
  <div class="row"><a class="button" href="/signup">Create an account</a><a class="button secondary" href="/login">Log in</a></div>
</div>
<p class="small muted" id="storage">Storage: ${demo.storeDescription}. ${demo.storePersistent ? 'Accounts and their factors survive a restart; sessions, mail and texts are in memory.' : 'Everything is in memory and lost when the demo stops.'}</p>`,
    );
  });

  app.get('/signup', (c) =>
    render(
      c,
      'Sign up',
      html`<h1>Create an account</h1><div class="card"><form method="post" action="/signup">${csrfField(c.get('session').csrf)}
  <label for="email">Email address</label><input type="email" id="email" name="email" required autocomplete="username">
  <label for="password">Password</label><input type="password" id="password" name="password" required minlength="8" autocomplete="new-password">
  <p class="small muted">At least 8 characters. Hashed with scrypt (demo only).</p>
  <button type="submit" id="signup">Create account</button></form></div>`,
    ),
  );

  app.post('/signup', async (c) => {
    const { email = '', password = '' } = await form(c);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return redirect(c, '/signup', { kind: 'error', text: 'Enter a valid email address.' });
    if (password.length < 8) return redirect(c, '/signup', { kind: 'error', text: 'Use a password of at least 8 characters.' });
    const demo = c.get('demo');
    if (demo.users.findByEmail(email) !== undefined) return redirect(c, '/signup', { kind: 'error', text: 'An account with this email already exists. Log in instead.' });
    const user = await demo.users.create(email, password);
    const session = c.get('session');
    demo.sessions.rotate(session);
    session.userId = user.id;
    session.passwordConfirmedAt = Date.now();
    demo.events.note(user.id, 'Account created');
    return redirect(c, '/security', { kind: 'ok', text: 'Welcome! Your account is protected by a password only: turn on two-factor authentication below.' });
  });

  app.get('/login', (c) => {
    if (currentUser(c) !== undefined) return c.redirect('/security', 303);
    const next = c.req.query('next');
    return render(
      c,
      'Log in',
      html`<h1>Log in</h1><div class="card"><form method="post" action="/login${next ? `?next=${encodeURIComponent(safeNext(next))}` : ''}">${csrfField(c.get('session').csrf)}
  <label for="email">Email address</label><input type="email" id="email" name="email" required autocomplete="username webauthn">
  <label for="password">Password</label><input type="password" id="password" name="password" required autocomplete="current-password">
  <button type="submit" id="login">Log in</button></form></div>
<div class="card"><h2>Or use a passkey</h2><p class="muted small">A passkey saved on this device signs you in without a password: pick it in the email field's suggestions, or use the button.</p>
  <button type="button" class="secondary" id="passkey-login" data-webauthn="login" data-mode="passkey">Sign in with a passkey</button>
  <p id="webauthn-status" class="small muted" role="status"></p></div>
<p class="small"><a href="/signup">No account yet? Sign up.</a> · <a href="/recover">Locked out? Recover with your SSH key.</a></p>`,
      { webauthn: true },
    );
  });

  app.post('/login', async (c) => {
    const { email = '', password = '' } = await form(c);
    const demo = c.get('demo');
    const user = await demo.users.authenticate(email, password);
    if (user === undefined) return redirect(c, '/login', { kind: 'error', text: 'Wrong email address or password.' });
    const session = c.get('session');
    // A browser remembered at an earlier login ("Remember this browser") skips the second step.
    const token = deviceToken(c);
    const requirement = await demo.service.loginRequirement(user.id, token === undefined ? {} : { deviceToken: token });
    if (requirement.mfaRequired && requirement.retryAt !== undefined) {
      return redirect(c, '/login', { kind: 'error', text: `Too many wrong codes: try again after ${new Date(requirement.retryAt).toISOString().slice(11, 16)} UTC.` });
    }
    demo.sessions.rotate(session);
    session.passwordConfirmedAt = Date.now();
    session.afterLogin = safeNext(c.req.query('next'));
    if (requirement.mfaRequired) {
      session.pendingUserId = user.id;
      return redirect(c, '/login/mfa');
    }
    session.userId = user.id;
    if (requirement.rememberedDevice !== undefined) {
      const device = requirement.rememberedDevice;
      demo.events.note(user.id, `Signed in with password on the remembered browser ${device.name}`);
      return redirect(c, safeNext(session.afterLogin), {
        kind: 'ok',
        text: `Signed in. No code needed: this browser (${device.name}) is remembered until ${new Date(device.expiresAt).toISOString().slice(0, 10)}.`,
      });
    }
    demo.events.note(user.id, 'Signed in with password');
    // A recovered account: the security page's banner asks for a new second factor.
    if (requirement.blocked !== undefined) flash(c, 'error', `${requirement.blocked.message}.`);
    else if (requirement.enrolmentRequiredBy !== undefined) {
      const names = enforcingOrganisationNames(user);
      const who = names.length > 0 ? names.join(' and ') : 'An organisation you belong to';
      flash(c, 'error', `${who} ${names.length > 1 ? 'require' : 'requires'} two-factor authentication: set it up before ${new Date(requirement.enrolmentRequiredBy).toISOString().slice(0, 10)}.`);
    }
    return redirect(c, safeNext(session.afterLogin), { kind: 'ok', text: 'Signed in.' });
  });

  app.post('/logout', (c) => {
    const session = c.get('session');
    const demo = c.get('demo');
    if (session.userId !== undefined) demo.events.note(session.userId, 'Signed out');
    demo.sessions.reset(session);
    return redirect(c, '/login', { kind: 'ok', text: 'You are signed out.' });
  });

  app.get('/confirm-password', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const next = safeNext(c.req.query('next'));
    return render(
      c,
      'Confirm your password',
      html`<h1>Confirm your password</h1><div class="card"><p class="muted">Enter your account password to continue.</p>
  <form method="post" action="/confirm-password?next=${encodeURIComponent(next)}">${csrfField(c.get('session').csrf)}
  <label for="password">Password</label><input type="password" id="password" name="password" required autocomplete="current-password" autofocus>
  <button type="submit" id="confirm-password">Continue</button></form></div>`,
    );
  });

  app.post('/confirm-password', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const next = safeNext(c.req.query('next'));
    const { password = '' } = await form(c);
    if (!(await checkPassword(password, user.passwordHash))) {
      return redirect(c, `/confirm-password?next=${encodeURIComponent(next)}`, { kind: 'error', text: 'That password is not right.' });
    }
    c.get('session').passwordConfirmedAt = Date.now();
    return redirect(c, next);
  });
}
