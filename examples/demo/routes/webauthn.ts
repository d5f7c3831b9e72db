// Security keys and passkeys (WebAuthn): the page, and the two JSON steps the page script calls
// around navigator.credentials.create (mfakit's browser helper).
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import type { WebAuthnRegistrationResponseJSON } from 'mfakit/webauthn';
import { html } from '../html.js';
import { afterConfirmed, describeError, render, requireRecentAuth, requireUser, stepUpToken, type DemoEnv } from '../web.js';

export function webauthnRoutes(app: Hono<DemoEnv>): void {
  app.get('/security/webauthn', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/webauthn');
    if (gate) return gate;
    return render(
      c,
      'Add a security key or passkey',
      html`<h1>Add a security key or passkey</h1><div class="card">
  <form id="webauthn-register-form">
  <label for="name">Name</label><input type="text" id="name" name="name" placeholder="YubiKey" maxlength="64">
  <label for="attachment">Kind</label>
  <select id="attachment" name="attachment">
    <option value="cross-platform">Security key (USB, NFC, Bluetooth)</option>
    <option value="platform">This device (Touch ID, Windows Hello, Android): a passkey, also signs you in without a password</option>
  </select>
  <button type="button" id="register-security-key" data-webauthn="register">Add</button>
  <p id="webauthn-status" class="small muted" role="status"></p></form>
  <p class="small muted">Your browser asks you to touch the key or confirm with your fingerprint, face or PIN.
  Open the demo at <code>http://localhost</code> (not 127.0.0.1): WebAuthn is bound to the site's name.</p></div>`,
      { webauthn: true },
    );
  });

  app.post('/security/webauthn/options', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return c.json({ error: 'not signed in' }, 401);
    const body = (await c.req.json()) as { name?: string; attachment?: string };
    const platform = body.attachment === 'platform';
    try {
      const token = stepUpToken(c);
      const start = await c.get('demo').service.startWebAuthnRegistration(user.id, {
        userName: user.email,
        authenticatorAttachment: platform ? 'platform' : 'cross-platform',
        residentKey: platform ? 'required' : 'preferred',
        ...(body.name?.trim() ? { name: body.name.trim() } : {}),
        ...(token === undefined ? {} : { stepUpToken: token }),
      });
      return c.json({ enrolmentId: start.enrolmentId, options: start.options });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return c.json({ error: describeError(error) }, 400);
    }
  });

  app.post('/security/webauthn/finish', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return c.json({ error: 'not signed in' }, 401);
    const body = (await c.req.json()) as { enrolmentId?: string; response?: WebAuthnRegistrationResponseJSON };
    if (typeof body.enrolmentId !== 'string' || body.response === undefined) return c.json({ error: 'bad request' }, 400);
    try {
      const result = await c.get('demo').service.finishWebAuthnRegistration(user.id, body.enrolmentId, body.response);
      if (!result.ok) return c.json({ error: `The browser's answer was refused (${result.reason}).` }, 400);
      return c.json({ redirect: afterConfirmed(c, `“${result.factor.name}”`, result) });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return c.json({ error: describeError(error) }, 400);
    }
  });
}
