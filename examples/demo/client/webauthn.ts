// The page script: security keys and passkeys through mfakit's browser helper. Buttons with
// `data-webauthn="register"` add one; `data-webauthn="login"` answers a login or step-up.
import { isWebAuthnAvailable, startWebAuthnAuthentication, startWebAuthnRegistration } from 'mfakit/webauthn/browser';

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

function explain(error: unknown): string {
  if (error instanceof DOMException) {
    if (error.name === 'NotAllowedError') return 'Cancelled or timed out. Try again.';
    if (error.name === 'InvalidStateError') return 'This authenticator is already registered.';
    if (error.name === 'SecurityError') return 'WebAuthn needs the demo to be opened at http://localhost.';
  }
  return error instanceof Error ? error.message : String(error);
}

async function register(): Promise<void> {
  const name = document.querySelector<HTMLInputElement>('#name')?.value ?? '';
  const attachment = document.querySelector<HTMLSelectElement>('#attachment')?.value ?? 'cross-platform';
  say('Waiting for your authenticator…');
  const start = await post<{ enrolmentId: string; options: Parameters<typeof startWebAuthnRegistration>[0] }>('/security/webauthn/options', { name, attachment });
  const response = await startWebAuthnRegistration(start.options);
  const done = await post<{ redirect: string }>('/security/webauthn/finish', { enrolmentId: start.enrolmentId, response });
  window.location.assign(done.redirect);
}

async function login(button: HTMLElement): Promise<void> {
  const mode = button.dataset['mode'] ?? 'login';
  say('Waiting for your authenticator…');
  const start = await post<{ options: Parameters<typeof startWebAuthnAuthentication>[0] }>('/webauthn/login/options', { mode });
  const response = await startWebAuthnAuthentication(start.options);
  const done = await post<{ redirect: string }>('/webauthn/login/finish', { mode, next: button.dataset['next'] ?? '', response });
  window.location.assign(done.redirect);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('webauthn-register-form')?.addEventListener('submit', (event) => event.preventDefault());
  document.querySelectorAll<HTMLElement>('[data-webauthn]').forEach((button) => {
    if (!isWebAuthnAvailable()) {
      button.setAttribute('disabled', '');
      say('This browser does not support security keys or passkeys.');
      return;
    }
    button.addEventListener('click', () => {
      button.setAttribute('disabled', '');
      const run = button.dataset['webauthn'] === 'register' ? register() : login(button);
      run.catch((error: unknown) => {
        say(explain(error));
        button.removeAttribute('disabled');
      });
    });
  });
});
