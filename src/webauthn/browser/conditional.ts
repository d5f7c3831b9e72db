/**
 * Passkey autofill (conditional mediation, WebAuthn L3 §5.1.4.1 `mediation: 'conditional'`) next
 * to a "Sign in with a passkey" button, and conditional create (a passkey offered right after a
 * password login). The hard part is the hand-over: an autofill request is pending while the page
 * shows the button; clicking it must abort that request and wait until the browser has let it go
 * before the modal request starts, or some browsers answer "a request is already pending".
 * @module
 */
import { MfaError, isMfaError } from '../../errors.js';
import type { WebAuthnCreationOptionsJSON, WebAuthnRequestOptionsJSON } from '../options.js';
import type { WebAuthnAuthenticationResponseJSON, WebAuthnRegistrationResponseJSON } from '../types.js';
import { isWebAuthnAvailable, startWebAuthnAuthentication, startWebAuthnRegistration } from './ceremonies.js';

interface CapabilitiesApi {
  isConditionalMediationAvailable?: () => Promise<boolean>;
  getClientCapabilities?: () => Promise<Record<string, boolean>>;
}

function credentialApi(): CapabilitiesApi | undefined {
  return isWebAuthnAvailable() ? (globalThis.PublicKeyCredential as unknown as CapabilitiesApi) : undefined;
}

/**
 * True when the browser can offer passkeys in the autofill list of a field marked
 * `autocomplete="username webauthn"` (`PublicKeyCredential.isConditionalMediationAvailable()`).
 *
 * @example
 * ```ts
 * if (await isConditionalMediationAvailable()) void login.autofill(await fetchOptions());
 * ```
 */
export async function isConditionalMediationAvailable(): Promise<boolean> {
  const api = credentialApi();
  if (typeof api?.isConditionalMediationAvailable !== 'function') return false;
  try {
    return (await api.isConditionalMediationAvailable()) === true;
  } catch {
    return false;
  }
}

/**
 * True when the browser supports conditional create (`getClientCapabilities().conditionalCreate`):
 * a passkey made without a prompt right after the user signed in with a saved password.
 *
 * @example
 * ```ts
 * if (await isConditionalCreateAvailable()) void startPasskeyUpgrade(await fetchCreationOptions());
 * ```
 */
export async function isConditionalCreateAvailable(): Promise<boolean> {
  const api = credentialApi();
  if (typeof api?.getClientCapabilities !== 'function') return false;
  try {
    return (await api.getClientCapabilities())?.conditionalCreate === true;
  } catch {
    return false;
  }
}

/**
 * A login page's WebAuthn requests, run one at a time through one `AbortController` the helper
 * owns. Made by {@link createPasskeyLogin}.
 *
 * @example
 * ```ts
 * const login: PasskeyLogin = createPasskeyLogin();
 * button.onclick = async () => send(await login.start(await fetchOptions()));
 * ```
 */
export interface PasskeyLogin {
  /**
   * Starts passkey autofill (`mediation: 'conditional'`). Resolves with the response when the user
   * picks a passkey from the autofill list, or `null` when the request was aborted because
   * {@link PasskeyLogin.start} or {@link PasskeyLogin.cancel} took over. Rejects with
   * `WEBAUTHN_UNSUPPORTED` when the browser has no conditional mediation, and with the other
   * browser error codes otherwise. Needs an input with `autocomplete="username webauthn"`.
   */
  autofill(options: WebAuthnRequestOptionsJSON): Promise<WebAuthnAuthenticationResponseJSON | null>;
  /**
   * The button flow: aborts a pending autofill request, waits until it has settled, then runs the
   * modal request. Use fresh options (a new challenge) for it.
   */
  start(options: WebAuthnRequestOptionsJSON): Promise<WebAuthnAuthenticationResponseJSON>;
  /** Aborts the pending request, if any, and resolves once the browser has let it go. */
  cancel(): Promise<void>;
}

interface Running {
  controller: AbortController;
  settled: Promise<void>;
}

/**
 * Makes a {@link PasskeyLogin}: passkey autofill plus a button, never two requests at once.
 *
 * @example
 * ```ts
 * import { createPasskeyLogin, isConditionalMediationAvailable } from 'mfakit/webauthn/browser';
 *
 * const login = createPasskeyLogin();
 * if (await isConditionalMediationAvailable()) {
 *   login.autofill(await fetchOptions()).then((response) => response && send(response), showError);
 * }
 * passkeyButton.onclick = async () => send(await login.start(await fetchOptions()));
 * ```
 */
export function createPasskeyLogin(): PasskeyLogin {
  let current: Running | undefined;

  async function cancel(): Promise<void> {
    // Loop: another call may have started a request while this one waited.
    while (current !== undefined) {
      const running = current;
      current = undefined;
      running.controller.abort(new DOMException('replaced by another WebAuthn request', 'AbortError'));
      await running.settled;
    }
  }

  async function run(options: WebAuthnRequestOptionsJSON, mediation: 'conditional' | undefined): Promise<WebAuthnAuthenticationResponseJSON> {
    await cancel();
    const controller = new AbortController();
    const request = startWebAuthnAuthentication(options, mediation === undefined ? { signal: controller.signal } : { signal: controller.signal, mediation });
    const running: Running = { controller, settled: request.then(noop, noop) };
    current = running;
    try {
      return await request;
    } finally {
      if (current === running) current = undefined;
    }
  }

  return {
    async autofill(options) {
      if (!(await isConditionalMediationAvailable())) {
        throw new MfaError('WEBAUTHN_UNSUPPORTED', 'this browser does not offer passkeys in autofill (conditional mediation)');
      }
      try {
        return await run(options, 'conditional');
      } catch (error) {
        if (isMfaError(error, 'WEBAUTHN_ABORTED')) return null;
        throw error;
      }
    },
    start: (options) => run(options, undefined),
    cancel,
  };
}

function noop(): void {}

/**
 * Options of {@link startPasskeyUpgrade}.
 *
 * @example
 * ```ts
 * const options: PasskeyUpgradeOptions = { signal: controller.signal };
 * ```
 */
export interface PasskeyUpgradeOptions {
  /** Aborts the pending request (for instance when the user leaves the page). */
  signal?: AbortSignal;
}

/**
 * Conditional create: right after a sign-in with a password the browser's password manager
 * filled, asks the browser to create a passkey for the same account without a modal prompt
 * (`mediation: 'conditional'` on `navigator.credentials.create`). The promise stays pending until
 * the browser decides: Chromium hands the request to its password manager and, when that declines
 * (no synced account, no recent password fill), rejects with `WEBAUTHN_CANCELLED` only when the
 * options' `timeout` runs out. Pass a `signal` and do not block the page on it. Rejects with
 * `WEBAUTHN_UNSUPPORTED` when the browser has no conditional create. The server must not
 * require user verification for such a registration (the browser may create it without).
 *
 * @example
 * ```ts
 * if (await isConditionalCreateAvailable()) {
 *   const options = await (await fetch('/webauthn/register/options')).json();
 *   startPasskeyUpgrade(options, { signal: leavePage.signal })
 *     .then((response) => fetch('/webauthn/register', { method: 'POST', body: JSON.stringify(response) }))
 *     .catch(() => {}); // no passkey this time
 * }
 * ```
 */
export async function startPasskeyUpgrade(options: WebAuthnCreationOptionsJSON, upgradeOptions: PasskeyUpgradeOptions = {}): Promise<WebAuthnRegistrationResponseJSON> {
  if (!(await isConditionalCreateAvailable())) {
    throw new MfaError('WEBAUTHN_UNSUPPORTED', 'this browser does not support conditional create (a passkey after a password login)');
  }
  return startWebAuthnRegistration(options, { ...upgradeOptions, mediation: 'conditional' });
}
