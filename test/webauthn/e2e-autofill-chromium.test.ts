// Passkey autofill, the autofill-to-button hand-over, conditional create and the browser error
// classes, end to end in headless Chromium (Debian's /usr/bin/chromium via playwright-core) with
// the DevTools virtual authenticator. The helper is bundled from source with esbuild; responses
// are verified in Node by mfakit's core.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type CDPSession, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, requirementsGate } from '../support/requirements.js';
import { addVirtualAuthenticator, type VirtualAuthenticatorOptions } from '../support/virtual-authenticator.js';
import {
  createWebAuthnAuthenticationOptions,
  createWebAuthnRegistrationOptions,
  createWebAuthnUserHandle,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type WebAuthnRegisteredCredential,
} from '../../src/webauthn/index.js';

const haveChromium = requirementsGate('WebAuthn autofill e2e in Chromium', hasChromium() ? [] : [CHROMIUM]);

let servers: Server[] = [];
let browser: Browser;
let port = 0;
let otherPort = 0;
let origin = '';

declare global {
  interface Window {
    mfakitBrowser: typeof import('../../src/webauthn/browser/index.js');
    /** What the page saw of navigator.credentials.get, in order (recorded by the page itself). */
    getLog: string[];
  }
}

// The page records when each navigator.credentials.get starts and settles (it still calls the
// real one): the hand-over test reads the order from it.
const recorder = `
window.getLog = [];
const realGet = navigator.credentials.get.bind(navigator.credentials);
navigator.credentials.get = (options) => {
  const kind = options && options.mediation === 'conditional' ? 'conditional' : 'modal';
  window.getLog.push(kind + ' started');
  return realGet(options).then(
    (c) => { window.getLog.push(kind + ' resolved'); return c; },
    (e) => { window.getLog.push(kind + ' rejected ' + e.name); throw e; },
  );
};`;

async function serve(script: string, html: (path: string) => string): Promise<number> {
  const server = createServer((req, res) => {
    if (req.url === '/helper.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html(req.url ?? '/'));
    }
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  if (!haveChromium) return;
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../../src/webauthn/browser/index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'mfakitBrowser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text + '\n' + recorder;
  const page = (path: string) =>
    `<!doctype html><title>mfakit autofill e2e</title><script src="/helper.js"></script>` +
    `<label>Username <input id="username" autocomplete="username webauthn"></label>` +
    (path.startsWith('/embed') ? `<iframe id="frame" src="http://localhost:${otherPort}/"></iframe>` : '');
  port = await serve(script, page);
  otherPort = await serve(script, page);
  origin = `http://localhost:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // mfakit.test resolves to this machine but is not a secure context (plain http, not localhost).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP mfakit.test 127.0.0.1'],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  servers = [];
});

async function openPage(authenticator: VirtualAuthenticatorOptions, url = `${origin}/`): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
  const page = await browser.newPage();
  await page.goto(url);
  const { cdp, authenticatorId } = await addVirtualAuthenticator(page, authenticator);
  return { page, cdp, authenticatorId };
}

const rp = () => ({ expectedOrigin: origin, expectedRpId: 'localhost' });

async function registerPasskey(page: Page | Frame, excludeCredentials: WebAuthnRegisteredCredential[] = []) {
  const userHandle = createWebAuthnUserHandle();
  const creation = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'mfakit e2e' }, { id: userHandle, name: 'alice' }, {
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials: excludeCredentials.map((c) => ({ id: c.id })),
  });
  const response = await page.evaluate((o) => window.mfakitBrowser.startWebAuthnRegistration(o), creation);
  const result = await verifyWebAuthnRegistration(response, { ...rp(), expectedChallenge: creation.challenge, requireUserVerification: true });
  if (!result.ok) throw new Error(`registration refused: ${result.reason}`);
  return { credential: result.credential, userHandle };
}

/** Runs a helper call in the page; answers `ok` or the error's code, name of the cause and whether the cause is a DOMException. */
type Outcome = { ok: true; value: unknown } | { ok: false; code: string; cause: string; domException: boolean };

describe.skipIf(!haveChromium)('passkey autofill and browser errors in headless Chromium', () => {
  it('autofill login end to end: conditional mediation is available and the picked passkey verifies with its user handle', async () => {
    const { page } = await openPage({});
    try {
      const { credential, userHandle } = await registerPasskey(page);
      expect(await page.evaluate(() => window.mfakitBrowser.isConditionalMediationAvailable())).toBe(true);
      const request = createWebAuthnAuthenticationOptions('localhost', { userVerification: 'required' });
      const response = await page.evaluate((o) => window.mfakitBrowser.createPasskeyLogin().autofill(o), request);
      expect(response).not.toBeNull();
      expect(response!.response.userHandle).toBe(userHandle);
      expect(await page.evaluate(() => window.getLog)).toEqual(['conditional started', 'conditional resolved']);
      const result = await verifyWebAuthnAuthentication(response!, { ...credential, userHandle }, { ...rp(), expectedChallenge: request.challenge, requireUserHandle: true, requireUserVerification: true });
      expect(result).toMatchObject({ ok: true, userHandle, userVerified: true });
    } finally {
      await page.close();
    }
  });

  it('autofill pending, then the button: the autofill request settles before the modal one starts, autofill yields null, the button logs in', async () => {
    // Without simulated presence the autofill request waits for the user, as on a real page.
    const { page, cdp, authenticatorId } = await openPage({ automaticPresenceSimulation: false });
    try {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
      const { credential, userHandle } = await registerPasskey(page);
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
      const autofillRequest = createWebAuthnAuthenticationOptions('localhost');
      await page.evaluate((o) => {
        const login = window.mfakitBrowser.createPasskeyLogin();
        (window as unknown as { login: typeof login }).login = login;
        (window as unknown as { autofill: Promise<unknown> }).autofill = login.autofill(o).then((r) => (r === null ? 'null' : 'resolved'), (e: { code?: string }) => `rejected ${e.code}`);
      }, autofillRequest);
      await page.waitForFunction(() => window.getLog.includes('conditional started'));
      await new Promise((done) => setTimeout(done, 300));
      expect(await page.evaluate(() => window.getLog)).toEqual(['conditional started']);

      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
      const buttonRequest = createWebAuthnAuthenticationOptions('localhost', { allowCredentials: [{ id: credential.id }] });
      const outcome = await page.evaluate(async (o) => {
        const w = window as unknown as { login: ReturnType<typeof window.mfakitBrowser.createPasskeyLogin>; autofill: Promise<string> };
        try {
          const response = await w.login.start(o);
          return { response, autofill: await w.autofill, error: null };
        } catch (error) {
          return { response: null, autofill: await w.autofill, error: `${(error as { code?: string }).code} ${String((error as Error).cause)}` };
        }
      }, buttonRequest);
      expect(outcome.error).toBeNull();
      expect(outcome.autofill).toBe('null');
      expect(await page.evaluate(() => window.getLog)).toEqual(['conditional started', 'conditional rejected AbortError', 'modal started', 'modal resolved']);
      const result = await verifyWebAuthnAuthentication(outcome.response!, { ...credential, userHandle }, { ...rp(), expectedChallenge: buttonRequest.challenge });
      expect(result).toMatchObject({ ok: true });
    } finally {
      await page.close();
    }
  });

  it('cancel() aborts a pending autofill request and resolves once the browser has let it go', async () => {
    const { page, cdp, authenticatorId } = await openPage({ automaticPresenceSimulation: false });
    try {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
      await registerPasskey(page);
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
      const request = createWebAuthnAuthenticationOptions('localhost');
      const result = await page.evaluate(async (o) => {
        const login = window.mfakitBrowser.createPasskeyLogin();
        const autofill = login.autofill(o);
        while (!window.getLog.includes('conditional started')) await new Promise((done) => setTimeout(done, 10));
        await login.cancel();
        const logAfterCancel = [...window.getLog];
        return { autofill: await autofill, logAfterCancel };
      }, request);
      expect(result).toEqual({ autofill: null, logAfterCancel: ['conditional started', 'conditional rejected AbortError'] });
    } finally {
      await page.close();
    }
  });

  async function outcome(target: Page | Frame, run: string, arg: unknown): Promise<Outcome> {
    return target.evaluate(
      async ({ run, arg }) => {
        try {
          const value = await (new Function('b', 'arg', `return (${run})(b, arg)`) as (b: unknown, a: unknown) => Promise<unknown>)(window.mfakitBrowser, arg);
          return { ok: true as const, value };
        } catch (error) {
          const e = error as { code?: string; cause?: { name?: string } };
          return { ok: false as const, code: String(e.code), cause: String(e.cause?.name), domException: e.cause instanceof DOMException };
        }
      },
      { run, arg },
    );
  }

  it('cancelled: no authenticator holds an allowed credential (NotAllowedError) -> WEBAUTHN_CANCELLED with the DOMException as cause', async () => {
    const { page } = await openPage({ transport: 'usb', hasResidentKey: false });
    try {
      const request = createWebAuthnAuthenticationOptions('localhost', { allowCredentials: [{ id: 'AAECAwQFBgcICQoLDA0ODw' }] });
      expect(await outcome(page, '(b, o) => b.startWebAuthnAuthentication(o)', request)).toEqual({ ok: false, code: 'WEBAUTHN_CANCELLED', cause: 'NotAllowedError', domException: true });
    } finally {
      await page.close();
    }
  });

  it('not allowed: a cross-origin frame without the permissions policy -> WEBAUTHN_NOT_ALLOWED (NotAllowedError cause)', async () => {
    const { page } = await openPage({}, `${origin}/embed`);
    try {
      const frame = page.frames().find((f) => f.url().startsWith(`http://localhost:${otherPort}`));
      expect(frame).toBeDefined();
      await frame!.waitForFunction(() => window.mfakitBrowser !== undefined);
      const request = createWebAuthnAuthenticationOptions('localhost');
      expect(await outcome(frame!, '(b, o) => b.startWebAuthnAuthentication(o)', request)).toEqual({ ok: false, code: 'WEBAUTHN_NOT_ALLOWED', cause: 'NotAllowedError', domException: true });
    } finally {
      await page.close();
    }
  });

  it('already registered: excludeCredentials names the credential on this authenticator (InvalidStateError) -> WEBAUTHN_ALREADY_REGISTERED', async () => {
    const { page } = await openPage({});
    try {
      const { credential } = await registerPasskey(page);
      const creation = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'mfakit e2e' }, { id: createWebAuthnUserHandle(), name: 'alice' }, { excludeCredentials: [{ id: credential.id }] });
      expect(await outcome(page, '(b, o) => b.startWebAuthnRegistration(o)', creation)).toEqual({ ok: false, code: 'WEBAUTHN_ALREADY_REGISTERED', cause: 'InvalidStateError', domException: true });
    } finally {
      await page.close();
    }
  });

  it('security error: a page on 127.0.0.1 asks for RP ID localhost (SecurityError) -> WEBAUTHN_SECURITY_ERROR, for get and create', async () => {
    const { page } = await openPage({}, `http://127.0.0.1:${port}/`);
    try {
      const request = createWebAuthnAuthenticationOptions('localhost');
      expect(await outcome(page, '(b, o) => b.startWebAuthnAuthentication(o)', request)).toEqual({ ok: false, code: 'WEBAUTHN_SECURITY_ERROR', cause: 'SecurityError', domException: true });
      const creation = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'x' }, { id: createWebAuthnUserHandle(), name: 'alice' });
      expect(await outcome(page, '(b, o) => b.startWebAuthnRegistration(o)', creation)).toEqual({ ok: false, code: 'WEBAUTHN_SECURITY_ERROR', cause: 'SecurityError', domException: true });
    } finally {
      await page.close();
    }
  });

  it('unsupported: a page that is not a secure context has no WebAuthn -> WEBAUTHN_UNSUPPORTED; autofill and upgrade say so too', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://mfakit.test:${port}/`);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
      const request = createWebAuthnAuthenticationOptions('mfakit.test');
      const unsupported = { ok: false, code: 'WEBAUTHN_UNSUPPORTED', cause: 'undefined', domException: false };
      expect(await outcome(page, '(b, o) => b.startWebAuthnAuthentication(o)', request)).toEqual(unsupported);
      expect(await outcome(page, '(b, o) => b.createPasskeyLogin().autofill(o)', request)).toEqual(unsupported);
      const creation = createWebAuthnRegistrationOptions({ id: 'mfakit.test', name: 'x' }, { id: createWebAuthnUserHandle(), name: 'alice' });
      expect(await outcome(page, '(b, o) => b.startPasskeyUpgrade(o)', creation)).toEqual(unsupported);
      expect(await page.evaluate(() => Promise.all([window.mfakitBrowser.isConditionalMediationAvailable(), window.mfakitBrowser.isConditionalCreateAvailable()]))).toEqual([false, false]);
    } finally {
      await page.close();
    }
  });

  it('aborted: the page aborts through its signal (AbortError) -> WEBAUTHN_ABORTED', async () => {
    const { page } = await openPage({ automaticPresenceSimulation: false });
    try {
      const request = createWebAuthnAuthenticationOptions('localhost');
      const result = await page.evaluate(async (o) => {
        const controller = new AbortController();
        const pending = window.mfakitBrowser.startWebAuthnAuthentication(o, { signal: controller.signal });
        setTimeout(() => controller.abort(), 100);
        try {
          await pending;
          return 'resolved';
        } catch (error) {
          return `${(error as { code?: string }).code} ${((error as Error).cause as Error).name}`;
        }
      }, request);
      expect(result).toBe('WEBAUTHN_ABORTED AbortError');
    } finally {
      await page.close();
    }
  });

  it('conditional create: available in this Chromium; without a saved-password sign-in it stays pending, aborts cleanly, and a modal create follows', async () => {
    const { page } = await openPage({});
    try {
      expect(await page.evaluate(() => window.mfakitBrowser.isConditionalCreateAvailable())).toBe(true);
      const userHandle = createWebAuthnUserHandle();
      const upgrade = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'mfakit e2e' }, { id: userHandle, name: 'alice' }, { authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' } });
      const modal = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'mfakit e2e' }, { id: userHandle, name: 'alice' }, { authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' } });
      const result = await page.evaluate(
        async ({ upgrade, modal }) => {
          const controller = new AbortController();
          const pending = window.mfakitBrowser.startPasskeyUpgrade(upgrade, { signal: controller.signal }).then(
            () => 'resolved',
            (e: { code?: string; cause?: Error }) => `${e.code} ${e.cause?.name}`,
          );
          const early = await Promise.race([pending, new Promise((done) => setTimeout(() => done('pending'), 500))]);
          controller.abort();
          const settled = await pending;
          const response = await window.mfakitBrowser.startWebAuthnRegistration(modal);
          return { early, settled, response };
        },
        { upgrade, modal },
      );
      expect(result.early).toBe('pending');
      expect(result.settled).toBe('WEBAUTHN_ABORTED AbortError');
      expect(await verifyWebAuthnRegistration(result.response, { ...rp(), expectedChallenge: modal.challenge })).toMatchObject({ ok: true });
    } finally {
      await page.close();
    }
  });

  // Measured on Chromium 156 (Debian): conditional create cannot complete here. Chromium does not
  // send it to an authenticator at all: its PasskeyUpgradeRequestController hands it to the Google
  // Password Manager enclave, which needs a signed-in, synced Google account holding a password for
  // the user that was used in the last 5 minutes (chrome/browser/ui/webauthn/
  // passkey_upgrade_request_controller.cc). Headless Chromium under Playwright runs with
  // --disable-sync and no account, so the upgrade fails inside the browser, and for privacy the page
  // learns it only when the request times out (NotAllowedError, which the helper reports as
  // WEBAUTHN_CANCELLED). The virtual authenticator never sees the request: it holds no credential.
  it('conditional create cannot complete in headless Chromium: no authenticator is asked; it fails at its timeout as a cancel', async () => {
    const authenticator = await openPage({});
    const { page } = authenticator;
    try {
      const creation = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'mfakit e2e' }, { id: createWebAuthnUserHandle(), name: 'alice' }, {
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
        timeout: 3000,
      });
      const result = await page.evaluate(async (o) => {
        const started = performance.now();
        const outcome = await window.mfakitBrowser.startPasskeyUpgrade(o).then(
          () => 'resolved',
          (e: { code?: string; cause?: Error }) => `${e.code} ${e.cause?.name}`,
        );
        return { outcome, ms: performance.now() - started };
      }, creation);
      expect(result.outcome).toBe('WEBAUTHN_CANCELLED NotAllowedError');
      // Not before the timeout: the browser hides whether an upgrade was even possible.
      expect(result.ms).toBeGreaterThanOrEqual(2900);
      const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.authenticatorId });
      expect(credentials).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
