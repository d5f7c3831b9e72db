// Phones: text-message (SMS) codes as a login factor, a recovery phone, and recovering an account
// with a code texted to the phone on file. The texts land in the demo's SMS outbox (the Texts page).
import type { Hono } from 'hono';
import { isMfaError } from 'mfakit';
import { html } from '../html.js';
import { csrfField } from '../layout.js';
import type { DemoUser } from '../users.js';
import { afterConfirmed, describeError, describeFailure, form, redirect, render, requireRecentAuth, requireUser, stepUpToken, type C, type DemoEnv } from '../web.js';
import { completeRecovery, pendingUser } from './recovery.js';

const NUMBER_HELP = html`<p class="small muted">International format, for example <code>+44 7700 900123</code>. The demo sends no real texts: they appear on the <a href="/texts">Texts</a> page.</p>`;

function numberField(): ReturnType<typeof html> {
  return html`<label for="phone">Phone number</label><input type="tel" id="phone" name="phone" required autocomplete="tel" placeholder="+44 7700 900123" maxlength="24">${NUMBER_HELP}`;
}

function codeForm(c: C, action: string, button: string, id: string): ReturnType<typeof html> {
  return html`<form method="post" action="${action}" data-busy="Checking the code…">${csrfField(c.get('session').csrf)}
  <label for="code">Code</label><input class="code" type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" autofocus>
  <div class="row"><button type="submit" id="${id}">${button}</button><a href="/security">Cancel</a></div></form>`;
}

/** The number as typed, claimed by the account so its texts show on its Texts page. */
function claim(c: C, user: DemoUser, phone: string): void {
  c.get('demo').texts.claim(user.id, phone);
}

export function phoneRoutes(app: Hono<DemoEnv>): void {
  // --- text-message codes as a login factor ------------------------------------------------------
  app.get('/security/sms/new', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/sms/new');
    if (gate) return gate;
    return render(
      c,
      'Text message codes',
      html`<h1>Sign in with text message codes</h1><div class="card">
  <p>We text a one-time code to your phone each time you sign in. Text messages are the weakest second factor (a SIM swap or a
  redirected number gives the codes away): prefer an authenticator app or a security key, and keep this as a fallback.</p>
  <form method="post" action="/security/sms/start" data-busy="Sending…">${csrfField(c.get('session').csrf)}${numberField()}
  <div class="row"><button type="submit" id="start-sms">Text me a confirmation code</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/sms/start', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const gate = await requireRecentAuth(c, user, '/security/sms/new');
    if (gate) return gate;
    const { phone = '' } = await form(c);
    try {
      const token = stepUpToken(c);
      claim(c, user, phone);
      const pending = await c.get('demo').service.startOobEnrolment(user.id, {
        channel: 'sms',
        destination: phone.trim(),
        name: 'Phone (text messages)',
        ...(token === undefined ? {} : { stepUpToken: token }),
      });
      c.get('session').smsEnrolment = { enrolmentId: pending.enrolmentId, destinationHint: pending.destinationHint };
      return redirect(c, '/security/sms');
    } catch (error) {
      if (!isMfaError(error)) throw error;
      return redirect(c, '/security/sms/new', { kind: 'error', text: describeError(error) });
    }
  });

  app.get('/security/sms', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const pending = c.get('session').smsEnrolment;
    if (pending === undefined) return redirect(c, '/security/sms/new');
    return render(
      c,
      'Confirm your phone',
      html`<h1>Confirm your phone number</h1><div class="card">
  <p>We texted a code to <strong>${pending.destinationHint}</strong> (open the <a href="/texts" target="_blank">Texts</a> page).</p>
  ${codeForm(c, '/security/sms/confirm', 'Confirm', 'confirm-sms')}</div>`,
    );
  });

  app.post('/security/sms/confirm', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const session = c.get('session');
    const pending = session.smsEnrolment;
    if (pending === undefined) return redirect(c, '/security/sms/new');
    const { code = '' } = await form(c);
    try {
      const result = await c.get('demo').service.confirmEnrolment(user.id, pending.enrolmentId, code);
      if (!result.ok) return redirect(c, '/security/sms', { kind: 'error', text: describeFailure(result.reason) });
      delete session.smsEnrolment;
      return redirect(c, afterConfirmed(c, 'Text message codes', result));
    } catch (error) {
      if (!isMfaError(error)) throw error;
      delete session.smsEnrolment;
      return redirect(c, '/security', { kind: 'error', text: describeError(error) });
    }
  });

  // --- a recovery phone ----------------------------------------------------------------------------
  app.get('/security/recovery-phone/new', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const { mfaRequired } = await c.get('demo').service.loginRequirement(user.id);
    if (!mfaRequired) return redirect(c, '/security', { kind: 'info', text: 'Set up a second factor first: a recovery phone recovers an account whose second factors are lost.' });
    const gate = await requireRecentAuth(c, user, '/security/recovery-phone/new');
    if (gate) return gate;
    return render(
      c,
      'Add a recovery phone',
      html`<h1>Add a recovery phone</h1><div class="card">
  <p>If you lose every device and backup code, we text a recovery code to this number. It never signs you in by itself.</p>
  <form method="post" action="/security/recovery-phone/start" data-busy="Sending…">${csrfField(c.get('session').csrf)}${numberField()}
  <div class="row"><button type="submit" id="start-recovery-phone">Text me a confirmation code</button><a href="/security">Cancel</a></div></form></div>`,
    );
  });

  app.post('/security/recovery-phone/start', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const { phone = '' } = await form(c);
    try {
      claim(c, user, phone);
      const pending = await c.get('demo').service.addRecoveryPhone(user.id, { phoneNumber: phone, stepUpToken: stepUpToken(c) ?? '' });
      c.get('session').phoneEnrolment = { enrolmentId: pending.enrolmentId, destinationHint: pending.destinationHint };
      return redirect(c, '/security/recovery-phone');
    } catch (error) {
      if (!isMfaError(error)) throw error;
      if (error.code === 'STEP_UP_REQUIRED') return redirect(c, `/step-up?next=${encodeURIComponent('/security/recovery-phone/new')}`);
      return redirect(c, '/security/recovery-phone/new', { kind: 'error', text: describeError(error) });
    }
  });

  app.get('/security/recovery-phone', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const pending = c.get('session').phoneEnrolment;
    if (pending === undefined) return redirect(c, '/security/recovery-phone/new');
    return render(
      c,
      'Confirm your recovery phone',
      html`<h1>Confirm your recovery phone</h1><div class="card">
  <p>We texted a code to <strong>${pending.destinationHint}</strong> (open the <a href="/texts" target="_blank">Texts</a> page).</p>
  ${codeForm(c, '/security/recovery-phone/confirm', 'Confirm', 'confirm-recovery-phone')}</div>`,
    );
  });

  app.post('/security/recovery-phone/confirm', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const session = c.get('session');
    const pending = session.phoneEnrolment;
    if (pending === undefined) return redirect(c, '/security/recovery-phone/new');
    const { code = '' } = await form(c);
    try {
      const result = await c.get('demo').service.confirmRecoveryPhone(user.id, pending.enrolmentId, code);
      if (!result.ok) return redirect(c, '/security/recovery-phone', { kind: 'error', text: describeFailure(result.reason) });
      delete session.phoneEnrolment;
      return redirect(c, '/security', { kind: 'ok', text: `Recovery phone ${result.phone.destinationHint ?? ''} added.` });
    } catch (error) {
      if (!isMfaError(error)) throw error;
      delete session.phoneEnrolment;
      return redirect(c, '/security', { kind: 'error', text: describeError(error) });
    }
  });

  // --- recovering an account with a texted code ------------------------------------------------------
  app.post('/recover/phone/start', async (c) => {
    const user = pendingUser(c);
    if (user === undefined) return redirect(c, '/recover');
    try {
      const sent = await c.get('demo').service.startPhoneRecovery(user.id);
      c.get('session').phoneRecovery = { userId: user.id, destinationHint: sent.destinationHint, expiresAt: sent.expiresAt };
      return redirect(c, '/recover/phone');
    } catch (error) {
      if (!isMfaError(error)) throw error;
      const text = error.code === 'FACTOR_NOT_FOUND' ? 'This account has no phone on file for recovery.' : describeError(error);
      return redirect(c, '/recover', { kind: 'error', text });
    }
  });

  app.get('/recover/phone', (c) => {
    const user = pendingUser(c);
    const pending = c.get('session').phoneRecovery;
    if (user === undefined || pending === undefined || pending.userId !== user.id) return redirect(c, '/recover');
    return render(
      c,
      'Enter the recovery code',
      html`<h1>Enter the recovery code</h1><div class="card">
  <p>We texted a recovery code to <strong>${pending.destinationHint}</strong> (open the <a href="/texts" target="_blank">Texts</a> page).
  When it checks out, your lost devices and backup codes are removed and you set up new ones.</p>
  <form method="post" action="/recover/phone" data-busy="Checking the code…">${csrfField(c.get('session').csrf)}
  <label for="code">Recovery code</label><input class="code" type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" autofocus>
  <div class="row"><button type="submit" id="submit-recovery-code">Recover my account</button><a href="/recover">Back</a></div></form></div>`,
    );
  });

  app.post('/recover/phone', async (c) => {
    const user = pendingUser(c);
    const session = c.get('session');
    const pending = session.phoneRecovery;
    if (user === undefined || pending === undefined || pending.userId !== user.id) return redirect(c, '/recover');
    const { code = '' } = await form(c);
    const result = await c.get('demo').service.completePhoneRecovery(user.id, code);
    if (!result.ok) {
      if (result.reason === 'expired') delete session.phoneRecovery;
      return redirect(c, result.reason === 'expired' ? '/recover' : '/recover/phone', { kind: 'error', text: describeFailure(result.reason, result.retryAt) });
    }
    delete session.phoneRecovery;
    return completeRecovery(c, user, result, `your phone ${pending.destinationHint}`);
  });
}
