// Adding second factors that answer with a code: authenticator apps (QR code and manual key,
// confirmed with a code) and email codes (confirmed with the code from the mailbox).
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { AuthenticatorEnrolment } from 'mfakit/service';
import type { PendingTotp } from '../sessions.js';
import { html, raw } from '../html.js';
import { csrfField } from '../layout.js';
import { afterConfirmed, describeError, describeFailure, form, redirect, render, requireRecentAuth, requireUser, stepUpToken, type DemoEnv } from '../web.js';

function pendingTotp(pending: AuthenticatorEnrolment, replaces?: string): PendingTotp {
  const { enrolmentId, name, qrSvg, manualKey, keyUri, expiresAt } = pending;
  return { enrolmentId, name, qrSvg, manualKey, keyUri, expiresAt, ...(replaces === undefined ? {} : { replaces }) };
}

export function enrolRoutes(app: Hono<DemoEnv>): void {
  // --- authenticator apps ------------------------------------------------------------------------
  app.get('/security/totp/new', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/totp/new');
    if (gate) return gate;
    return render(
      c,
      'Set up an authenticator app',
      html`<h1>Set up an authenticator app</h1><div class="card">
  <p>Install an authenticator app (FreeOTP, Aegis, Google Authenticator, 1Password…) on your phone, then give this device a name.</p>
  <form method="post" action="/security/totp/start">${csrfField(c.get('session').csrf)}
  <label for="name">Device name</label><input type="text" id="name" name="name" placeholder="Phone" maxlength="64">
  <button type="submit" id="start-totp">Continue</button></form></div>`,
    );
  });

  app.post('/security/totp/start', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/totp/new');
    if (gate) return gate;
    const { name = '' } = await form(c);
    try {
      const token = stepUpToken(c);
      const pending = await c.get('demo').service.startAuthenticatorEnrolment(user.id, {
        accountName: user.email,
        ...(name.trim() === '' ? {} : { name: name.trim() }),
        ...(token === undefined ? {} : { stepUpToken: token }),
      });
      c.get('session').totpEnrolment = pendingTotp(pending);
      return redirect(c, '/security/totp');
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, '/security/totp/new', { kind: 'error', text: describeError(error) });
    }
  });

  app.get('/security/totp', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const pending = c.get('session').totpEnrolment;
    if (pending === undefined || pending.expiresAt <= Date.now()) return redirect(c, '/security/totp/new', { kind: 'info', text: 'Start the setup again.' });
    return render(
      c,
      'Scan the QR code',
      html`<h1>${pending.replaces ? html`Replace “${pending.replaces}”` : html`Set up “${pending.name}”`}</h1>
${pending.replaces ? html`<p class="muted">Add the new device below. “${pending.replaces}” keeps working until the new one is confirmed, then it is removed.</p>` : ''}
<div class="grid2">
  <div class="card"><h2>1. Scan this QR code</h2><p class="muted small">Open your authenticator app, tap “+” and scan.</p>
    <div class="qr" id="qr" role="img" aria-label="QR code to add ${pending.name} for ${user.email} to an authenticator app">${raw(pending.qrSvg.replace('<svg', '<svg aria-hidden="true" focusable="false"'))}</div>
    <p class="small">On this phone? <a href="${pending.keyUri}" id="otpauth-link">Open in your authenticator app</a></p></div>
  <div class="card"><h2>Can't scan it?</h2><p class="muted small">Type this key into the app instead (time based, 6 digits, every 30 seconds):</p>
    <p><code class="key" id="manual-key" data-text="${pending.manualKey.replace(/\s+/g, '')}">${pending.manualKey}</code></p>
    <p><button type="button" class="secondary small-button" id="copy-key" data-copy="#manual-key" hidden>Copy key</button> <span class="small muted" id="copy-key-status" role="status"></span></p>
    <p class="small muted">Account: ${user.email}</p></div>
</div>
<div class="card"><h2>2. Enter the code the app shows</h2>
  <form method="post" action="/security/totp/confirm" data-busy="Checking the code…">${csrfField(c.get('session').csrf)}
  <label for="code">6-digit code</label><input class="code" type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" autofocus>
  <div class="row"><button type="submit" id="confirm-totp">${pending.replaces ? 'Replace the device' : 'Turn on'}</button></div></form>
  <form method="post" action="/security/totp/cancel">${csrfField(c.get('session').csrf)}<button type="submit" class="link small" id="cancel-totp">Cancel</button></form>
</div>`,
    );
  });

  app.post('/security/totp/confirm', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const session = c.get('session');
    const pending = session.totpEnrolment;
    if (pending === undefined) return redirect(c, '/security/totp/new');
    const { code = '' } = await form(c);
    try {
      const result = await c.get('demo').service.confirmEnrolment(user.id, pending.enrolmentId, code);
      if (!result.ok) return redirect(c, '/security/totp', { kind: 'error', text: describeFailure(result.reason) });
      delete session.totpEnrolment;
      if (pending.replaces !== undefined) {
        if (result.stepUp !== null) session.stepUpToken = result.stepUp.token;
        return redirect(c, '/security', { kind: 'ok', text: `“${pending.replaces}” replaced by the new device “${result.factor.name}”: the old one no longer works.` });
      }
      return redirect(c, afterConfirmed(c, `Authenticator app “${result.factor.name}”`, result));
    } catch (error) {
      if (!isMfaError(error)) throw error;
      delete session.totpEnrolment;
      return redirect(c, '/security/totp/new', { kind: 'error', text: describeError(error) });
    }
  });

  app.post('/security/totp/cancel', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const session = c.get('session');
    if (session.totpEnrolment) await c.get('demo').service.cancelEnrolment(user.id, session.totpEnrolment.enrolmentId);
    delete session.totpEnrolment;
    return redirect(c, '/security');
  });

  // --- replacing a lost or old device (the new one is confirmed before the old one is removed) -----
  app.get('/security/factors/:id/replace', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const gate = await requireRecentAuth(c, user, `/security/factors/${encodeURIComponent(id)}/replace`);
    if (gate) return gate;
    const factor = (await c.get('demo').service.listFactors(user.id)).find((f) => f.id === id && f.kind === 'totp');
    if (factor === undefined) return redirect(c, '/security', { kind: 'error', text: 'No such authenticator app.' });
    return render(
      c,
      `Replace ${factor.name}`,
      html`<h1>Replace “${factor.name}”</h1><div class="card">
  <p>New phone, or the app was reset? Set up the new device: once it is confirmed with a code, “${factor.name}” stops working.</p>
  <form method="post" action="/security/factors/${encodeURIComponent(id)}/replace">${csrfField(c.get('session').csrf)}
  <label for="name">Name of the new device</label><input type="text" id="name" name="name" value="${factor.name}" maxlength="64">
  <div class="row"><button type="submit" id="start-replace">Continue</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/factors/:id/replace', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const id = c.req.param('id');
    const back = `/security/factors/${encodeURIComponent(id)}/replace`;
    const gate = await requireRecentAuth(c, user, back);
    if (gate) return gate;
    const { name = '' } = await form(c);
    try {
      const demo = c.get('demo');
      const old = (await demo.service.listFactors(user.id)).find((f) => f.id === id);
      const pending = await demo.service.replaceAuthenticator(user.id, id, {
        accountName: user.email,
        stepUpToken: stepUpToken(c) ?? '',
        ...(name.trim() === '' ? {} : { name: name.trim() }),
      });
      c.get('session').totpEnrolment = pendingTotp(pending, old?.name ?? pending.name);
      return redirect(c, '/security/totp');
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, back, { kind: 'error', text: describeError(error) });
    }
  });

  // --- email codes ---------------------------------------------------------------------------
  app.get('/security/email/new', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/email/new');
    if (gate) return gate;
    return render(
      c,
      'Email codes',
      html`<h1>Sign in with email codes</h1><div class="card">
  <p>We email a one-time code to <strong>${user.email}</strong> each time you sign in. Email is less safe than an authenticator app or a security key
  (whoever reads your email gets the codes), but better than a password alone.</p>
  <form method="post" action="/security/email/start" data-busy="Sending…">${csrfField(c.get('session').csrf)}<button type="submit" id="start-email">Send a confirmation code</button></form></div>`,
    );
  });

  app.post('/security/email/start', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/email/new');
    if (gate) return gate;
    try {
      const token = stepUpToken(c);
      const pending = await c.get('demo').service.startOobEnrolment(user.id, {
        channel: 'email',
        destination: user.email,
        name: 'Email',
        ...(token === undefined ? {} : { stepUpToken: token }),
      });
      c.get('session').emailEnrolment = { enrolmentId: pending.enrolmentId, destinationHint: pending.destinationHint };
      return redirect(c, '/security/email', { kind: 'info', text: `We sent a code to ${pending.destinationHint}.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, '/security', { kind: 'error', text: describeError(error) });
    }
  });

  app.get('/security/email', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const pending = c.get('session').emailEnrolment;
    if (pending === undefined) return redirect(c, '/security/email/new');
    return render(
      c,
      'Confirm your email',
      html`<h1>Confirm your email address</h1><div class="card">
  <p>Enter the code we sent to <strong>${pending.destinationHint}</strong> (open the <a href="/mailbox" target="_blank">mailbox</a>).</p>
  <form method="post" action="/security/email/confirm" data-busy="Checking the code…">${csrfField(c.get('session').csrf)}
  <label for="code">Code</label><input class="code" type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" autofocus>
  <button type="submit" id="confirm-email">Confirm</button></form></div>`,
    );
  });

  app.post('/security/email/confirm', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const session = c.get('session');
    const pending = session.emailEnrolment;
    if (pending === undefined) return redirect(c, '/security/email/new');
    const { code = '' } = await form(c);
    try {
      const result = await c.get('demo').service.confirmEnrolment(user.id, pending.enrolmentId, code);
      if (!result.ok) return redirect(c, '/security/email', { kind: 'error', text: describeFailure(result.reason) });
      delete session.emailEnrolment;
      return redirect(c, afterConfirmed(c, 'Email codes', result));
    } catch (error) {
      if (!isMfaError(error)) throw error;
      delete session.emailEnrolment;
      return redirect(c, '/security', { kind: 'error', text: describeError(error) });
    }
  });
}
