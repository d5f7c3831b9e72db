// The page script for security keys and passkeys, through mfakit's browser helper. Buttons with
// `data-webauthn="register"` add one; `data-webauthn="login"` answers a login or step-up, or signs
// in with a passkey alone (`data-mode="passkey"`). On a page with a field marked
// `autocomplete="username webauthn"` (the login page), passkeys are also offered in that field's
// autofill (conditional mediation) while the user has not clicked a button: one PasskeyLogin runs
// both, so clicking the button aborts the autofill request before the button's own starts.
// Failures are told from the helper's error codes (webauthn-messages.ts).
import {
  createPasskeyLogin,
  isConditionalMediationAvailable,
  isWebAuthnAvailable,
  startWebAuthnRegistration,
  type WebAuthnAuthenticationResponseJSON,
  type WebAuthnCreationOptionsJSON,
  type WebAuthnRequestOptionsJSON,
} from 'mfakit/webauthn/browser';
import { webauthnFailureMessage } from './webauthn-messages.js';

type LoginMode = 'login' | 'step-up' | 'passkey';

const passkeys = createPasskeyLogin();

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(json.error ?? `The server answered ${response.status}`);
  return json;
}

function say(text: string): void {
  const status = document.getElementById('webauthn-status');
  if (status) status.textContent = text;
}

function report(error: unknown): void {
  const message = webauthnFailureMessage(error);
  if (message !== null) say(message);
}

async function register(): Promise<void> {
  const name = document.querySelector<HTMLInputElement>('#name')?.value ?? '';
  const attachment = document.querySelector<HTMLSelectElement>('#attachment')?.value ?? 'cross-platform';
  say('Waiting for your authenticator…');
  const start = await post<{ enrolmentId: string; options: WebAuthnCreationOptionsJSON }>('/security/webauthn/options', { name, attachment });
  const response = await startWebAuthnRegistration(start.options);
  const done = await post<{ redirect: string }>('/security/webauthn/finish', { enrolmentId: start.enrolmentId, response });
  window.location.assign(done.redirect);
}

async function loginOptions(mode: LoginMode): Promise<WebAuthnRequestOptionsJSON> {
  return (await post<{ options: WebAuthnRequestOptionsJSON }>('/webauthn/login/options', { mode })).options;
}

async function finishLogin(mode: LoginMode, response: WebAuthnAuthenticationResponseJSON, next = ''): Promise<void> {
  // The second step's "Remember this browser" box applies to a security key as to a code.
  const remember = document.querySelector<HTMLInputElement>('#remember')?.checked === true;
  const done = await post<{ redirect: string }>('/webauthn/login/finish', { mode, next, remember, response });
  window.location.assign(done.redirect);
}

async function login(button: HTMLElement): Promise<void> {
  const mode = (button.dataset['mode'] ?? 'login') as LoginMode;
  say('Waiting for your authenticator…');
  // Fresh options (a new challenge): start() first aborts a pending autofill request and waits for it to settle.
  const response = await passkeys.start(await loginOptions(mode));
  await finishLogin(mode, response, button.dataset['next'] ?? '');
}

/** Passkey autofill: resolves when the user picked a passkey in the field's list (or the button took over). */
async function autofill(): Promise<void> {
  const field = document.querySelector<HTMLInputElement>('input[autocomplete~="webauthn"]');
  if (field === null) return;
  if (!(await isConditionalMediationAvailable())) return;
  const options = await loginOptions('passkey');
  // Marks the field while its autofill request runs (the end-to-end tests wait for it).
  field.dataset['passkeyAutofill'] = 'pending';
  const response = await passkeys.autofill(options).finally(() => delete field.dataset['passkeyAutofill']);
  if (response === null) return; // the button flow took over
  say('Signing in with your passkey…');
  await finishLogin('passkey', response);
}

function startAutofill(): void {
  autofill().catch(report);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('webauthn-register-form')?.addEventListener('submit', (event) => event.preventDefault());
  if (!isWebAuthnAvailable()) {
    document.querySelectorAll<HTMLElement>('[data-webauthn]').forEach((button) => button.setAttribute('disabled', ''));
    if (document.querySelector('[data-webauthn]') !== null) say('This browser does not support security keys or passkeys.');
    return;
  }
  document.querySelectorAll<HTMLElement>('[data-webauthn]').forEach((button) => {
    button.addEventListener('click', () => {
      button.setAttribute('disabled', '');
      const registering = button.dataset['webauthn'] === 'register';
      const run = registering ? register() : login(button);
      run.catch((error: unknown) => {
        report(error);
        button.removeAttribute('disabled');
        // The button's request is over: offer passkeys in the field again.
        if (!registering) startAutofill();
      });
    });
  });
  startAutofill();
});
