// End to end in headless Chromium (Debian's /usr/bin/chromium via playwright-core, nothing
// downloaded) with the DevTools virtual authenticator: the browser helper (bundled from source with
// esbuild) runs navigator.credentials.create/get on http://localhost (a secure context); the
// responses are verified in Node by mfakit's core.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticationResponse, hex, registrationResponse } from './helpers/build.js';
import { w3cAttestationRoot, w3cExamples } from './helpers/vectors.js';
import { CHROMIUM, hasChromium, requirementsGate } from '../support/requirements.js';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.js';
import {
  createWebAuthnAuthenticationOptions,
  createWebAuthnRegistrationOptions,
  createWebAuthnUserHandle,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type WebAuthnRegisteredCredential,
} from '../../src/webauthn/index.js';

const haveChromium = requirementsGate('WebAuthn e2e in Chromium', hasChromium() ? [] : [CHROMIUM]);

let server: Server;
let browser: Browser;
let port = 0;
let origin = '';

declare global {
  interface Window {
    mfakitBrowser: typeof import('../../src/webauthn/browser/index.js');
    mfakitCore: typeof import('../../src/webauthn/index.js');
  }
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
  const core = await build({
    entryPoints: [fileURLToPath(new URL('../../src/webauthn/index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'mfakitCore',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text + '\n' + core.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url === '/helper.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>mfakit webauthn e2e</title><script src="/helper.js"></script>');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
  origin = `http://localhost:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

interface Authenticator {
  transport: 'usb' | 'internal';
  hasUserVerification: boolean;
  isUserVerified: boolean;
  hasResidentKey: boolean;
}

async function openPage(authenticator: Authenticator, url = `${origin}/`): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
  const page = await browser.newPage();
  await page.goto(url);
  const { cdp, authenticatorId } = await addVirtualAuthenticator(page, authenticator);
  return { page, cdp, authenticatorId };
}

const rp = () => ({ expectedOrigin: origin, expectedRpId: 'localhost' });

async function registerIn(page: Page, options: { residentKey?: 'required' | 'discouraged'; userVerification?: 'required' | 'discouraged' | 'preferred' } = {}) {
  const userHandle = createWebAuthnUserHandle();
  const creation = createWebAuthnRegistrationOptions({ id: 'localhost', name: 'mfakit e2e' }, { id: userHandle, name: 'alice' }, {
    authenticatorSelection: { residentKey: options.residentKey ?? 'discouraged', userVerification: options.userVerification ?? 'preferred' },
  });
  const response = await page.evaluate((o) => window.mfakitBrowser.startWebAuthnRegistration(o), creation);
  return { creation, response, userHandle };
}

async function loginIn(page: Page, credential: WebAuthnRegisteredCredential | undefined) {
  const request = createWebAuthnAuthenticationOptions('localhost', credential === undefined ? {} : { allowCredentials: [{ id: credential.id, transports: credential.transports }] });
  const response = await page.evaluate((o) => window.mfakitBrowser.startWebAuthnAuthentication(o), request);
  return { request, response };
}

describe.skipIf(!haveChromium)('headless Chromium with the virtual authenticator', () => {
  it('USB security key with UV: register, log in twice, counter moves; a wrong origin is refused', async () => {
    const { page } = await openPage({ transport: 'usb', hasUserVerification: true, isUserVerified: true, hasResidentKey: false });
    try {
      const { creation, response } = await registerIn(page, { userVerification: 'required' });
      const registration = await verifyWebAuthnRegistration(response, { ...rp(), expectedChallenge: creation.challenge, requireUserVerification: true });
      expect(registration).toMatchObject({ ok: true, userVerified: true, credential: { attestationFormat: 'none', transports: expect.arrayContaining(['usb']) } });
      if (!registration.ok) return;
      const credential = registration.credential;
      expect(registration.credential.authenticatorAttachment).toBe('cross-platform');

      const first = await loginIn(page, credential);
      const r1 = await verifyWebAuthnAuthentication(first.response, { ...credential }, { ...rp(), expectedChallenge: first.request.challenge, requireUserVerification: true });
      expect(r1).toMatchObject({ ok: true, userVerified: true, possibleClone: false });
      if (!r1.ok) return;
      expect(r1.counter).toBeGreaterThan(credential.counter);

      const second = await loginIn(page, credential);
      const r2 = await verifyWebAuthnAuthentication(second.response, { ...credential, counter: r1.counter }, { ...rp(), expectedChallenge: second.request.challenge });
      expect(r2).toMatchObject({ ok: true });
      if (!r2.ok) return;
      expect(r2.counter).toBeGreaterThan(r1.counter);

      // Replaying the first response after the second login: the counter gives it away.
      const replay = await verifyWebAuthnAuthentication(first.response, { ...credential, counter: r2.counter }, { ...rp(), expectedChallenge: first.request.challenge });
      expect(replay).toMatchObject({ ok: false, reason: 'counter-regression' });

      // The same response checked against another origin, and another RP ID, is refused.
      const third = await loginIn(page, credential);
      const stored = { ...credential, counter: r2.counter };
      expect(await verifyWebAuthnAuthentication(third.response, stored, { ...rp(), expectedOrigin: 'https://example.org', expectedChallenge: third.request.challenge })).toEqual({ ok: false, reason: 'origin-mismatch' });
      expect(await verifyWebAuthnAuthentication(third.response, stored, { ...rp(), expectedRpId: 'example.org', expectedChallenge: third.request.challenge })).toEqual({ ok: false, reason: 'rp-id-mismatch' });
    } finally {
      await page.close();
    }
  });

  it('a page on another origin cannot use the credential: the browser refuses the RP ID', async () => {
    const { page } = await openPage({ transport: 'usb', hasUserVerification: true, isUserVerified: true, hasResidentKey: false }, `http://127.0.0.1:${port}/`);
    try {
      const request = createWebAuthnAuthenticationOptions('localhost');
      const error = await page.evaluate(
        (o) => window.mfakitBrowser.startWebAuthnAuthentication(o).then(() => 'resolved', (e: Error & { code?: string }) => `${e.code} ${(e.cause as Error).name}`),
        request,
      );
      expect(error).toBe('WEBAUTHN_SECURITY_ERROR SecurityError');
    } finally {
      await page.close();
    }
  });

  it('internal platform authenticator without UV: registers and logs in; refused when UV is required', async () => {
    const { page } = await openPage({ transport: 'internal', hasUserVerification: false, isUserVerified: false, hasResidentKey: false });
    try {
      const { creation, response } = await registerIn(page, { userVerification: 'discouraged' });
      const registration = await verifyWebAuthnRegistration(response, { ...rp(), expectedChallenge: creation.challenge });
      expect(registration).toMatchObject({ ok: true, userVerified: false, credential: { authenticatorAttachment: 'platform' } });
      if (!registration.ok) return;
      const login = await loginIn(page, registration.credential);
      const request = { ...rp(), expectedChallenge: login.request.challenge };
      expect(await verifyWebAuthnAuthentication(login.response, registration.credential, request)).toMatchObject({ ok: true, userVerified: false });
      expect(await verifyWebAuthnAuthentication(login.response, registration.credential, { ...request, requireUserVerification: true })).toEqual({ ok: false, reason: 'user-not-verified' });
    } finally {
      await page.close();
    }
  });

  it('resident key on an internal authenticator with UV: usernameless passkey login returns the user handle', async () => {
    const { page } = await openPage({ transport: 'internal', hasUserVerification: true, isUserVerified: true, hasResidentKey: true });
    try {
      const { creation, response, userHandle } = await registerIn(page, { residentKey: 'required', userVerification: 'required' });
      const registration = await verifyWebAuthnRegistration(response, { ...rp(), expectedChallenge: creation.challenge, requireUserVerification: true });
      expect(registration).toMatchObject({ ok: true });
      if (!registration.ok) return;
      for (let i = 0; i < 2; i++) {
        const login = await loginIn(page, undefined);
        expect(login.response.response.userHandle).toBe(userHandle);
        const result = await verifyWebAuthnAuthentication(login.response, { ...registration.credential, userHandle, counter: registration.credential.counter + i }, {
          ...rp(),
          expectedChallenge: login.request.challenge,
          requireUserVerification: true,
          requireUserHandle: true,
        });
        expect(result).toMatchObject({ ok: true, userHandle, userVerified: true });
      }
    } finally {
      await page.close();
    }
  });

  it('the core itself runs in the browser: W3C examples verify there (WebCrypto path)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      const ids = ['sctn-test-vectors-none-es256', 'sctn-test-vectors-packed-es384', 'sctn-test-vectors-packed-rs256', 'sctn-test-vectors-packed-eddsa', 'sctn-test-vectors-tpm-es256'];
      const cases = w3cExamples()
        .filter((e) => ids.includes(e.id))
        .map((e) => ({
          id: e.id,
          registration: registrationResponse(hex(e.registration.credential_id!), hex(e.registration.clientDataJSON!), hex(e.registration.attestationObject!)),
          registrationChallenge: e.registration.challenge!,
          authentication: authenticationResponse(hex(e.registration.credential_id!), hex(e.authentication.clientDataJSON!), hex(e.authentication.authenticatorData!), hex(e.authentication.signature!)),
          authenticationChallenge: e.authentication.challenge!,
        }));
      const outcomes = await page.evaluate(async ({ cases, root }) => {
        const core = window.mfakitCore;
        const bytes = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
        const base = { expectedOrigin: 'https://example.org', expectedRpId: 'example.org', algorithms: [-7, -35, -36, -8, -257] };
        const out: string[] = [];
        for (const c of cases) {
          const reg = await core.verifyWebAuthnRegistration(c.registration, {
            ...base, expectedChallenge: bytes(c.registrationChallenge), attestationRoots: [bytes(root)], now: () => Date.UTC(2025, 0, 1),
          });
          if (!reg.ok) { out.push(`${c.id}: registration ${reg.reason}`); continue; }
          const auth = await core.verifyWebAuthnAuthentication(c.authentication, reg.credential, { ...base, expectedChallenge: bytes(c.authenticationChallenge) });
          out.push(`${c.id}: ${auth.ok ? 'ok' : auth.reason} trusted=${reg.credential.attestationTrusted}`);
        }
        return out;
      }, { cases, root: w3cAttestationRoot() });
      expect(outcomes).toEqual([
        'sctn-test-vectors-none-es256: ok trusted=false',
        'sctn-test-vectors-packed-es384: ok trusted=true',
        'sctn-test-vectors-packed-rs256: ok trusted=true',
        'sctn-test-vectors-packed-eddsa: ok trusted=true',
        'sctn-test-vectors-tpm-es256: ok trusted=true',
      ]);
    } finally {
      await page.close();
    }
  });
});
