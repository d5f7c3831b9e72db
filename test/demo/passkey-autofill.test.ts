// The demo's login page offers passkeys in the email field's autofill (conditional mediation,
// `autocomplete="username webauthn"`), next to the "Sign in with a passkey" button; and the page
// scripts tell the user what happened from the browser helper's error codes. In headless Chromium
// with the DevTools virtual authenticator: with presence simulated, Chromium answers a conditional
// request as if the user had picked the passkey from the autofill list; without it, the request
// stays pending as it does while a real user types.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, startDemoProcess, type DemoProcess } from './helpers.js';
import { requirementsGate } from '../support/requirements.js';
import { DEMO_PASSWORD as PASSWORD, signUp } from '../support/demo-user-steps.js';
import { addVirtualAuthenticator, type VirtualAuthenticator } from '../support/virtual-authenticator.js';

const runnable = requirementsGate('demo passkey autofill e2e', demoRequirementsMissing());

let demo: DemoProcess;
let browser: Browser;

beforeAll(async () => {
  if (!runnable) return;
  demo = await startDemoProcess();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

// Records each navigator.credentials.get as it starts and settles (the real one still answers), in
// sessionStorage so that the record survives the navigation a successful sign-in makes.
const RECORDER = `
const realGet = navigator.credentials.get.bind(navigator.credentials);
const note = (line) => sessionStorage.setItem('getLog', JSON.stringify([...JSON.parse(sessionStorage.getItem('getLog') || '[]'), line]));
navigator.credentials.get = (options) => {
  const kind = options && options.mediation === 'conditional' ? 'conditional' : 'modal';
  note(kind + ' started');
  return realGet(options).then(
    (c) => { note(kind + ' resolved'); return c; },
    (e) => { note(kind + ' rejected ' + e.name); throw e; },
  );
};`;

const getLog = (page: Page): Promise<string[]> => page.evaluate(() => JSON.parse(sessionStorage.getItem('getLog') ?? '[]') as string[]);
const clearLog = (page: Page): Promise<void> => page.evaluate(() => sessionStorage.removeItem('getLog'));

/** A browser with a passkey-capable platform authenticator, signed up and holding a passkey for the account. */
async function userWithPasskey(email: string): Promise<{ ctx: BrowserContext; page: Page; authenticator: VirtualAuthenticator }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(RECORDER);
  const page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  const authenticator = await addVirtualAuthenticator(page);
  await signUp(page, demo.url, email);
  await page.click('#add-webauthn');
  await page.waitForURL(/\/security\/webauthn$/);
  await page.fill('#name', 'This laptop');
  await page.selectOption('#attachment', 'platform');
  await page.click('#register-security-key');
  await page.waitForURL(/\/security\/backup-codes$/);
  await page.click('#saved-backup-codes');
  await page.waitForURL(/\/security$/);
  return { ctx, page, authenticator };
}

async function flashText(page: Page): Promise<string> {
  return (await page.locator('.flash').allTextContents()).join(' | ');
}

/** Logs out with the authenticator waiting for a touch (presence off), so the login page's autofill request stays pending. */
async function logOutQuietly(page: Page, authenticator: VirtualAuthenticator): Promise<void> {
  await authenticator.setPresence(false);
  await clearLog(page);
  await page.click('#logout');
  await page.waitForURL(/\/login$/);
  await expect.poll(() => getLog(page)).toEqual(['conditional started']);
}

describe.skipIf(!runnable)('passkey autofill on the demo login page', { timeout: 120_000 }, () => {
  it('the email field offers passkeys; picking the passkey from the autofill list signs in through the conditional request alone', async () => {
    const { ctx, page, authenticator } = await userWithPasskey('erin@example.com');
    try {
      await logOutQuietly(page, authenticator);
      expect(await page.getAttribute('#email', 'autocomplete')).toBe('username webauthn');
      // Nothing happens while the user has not picked a passkey.
      await new Promise((done) => setTimeout(done, 500));
      expect(await getLog(page)).toEqual(['conditional started']);
      expect(page.url()).toMatch(/\/login$/);

      // The user picks the passkey in the autofill list: with presence simulated from the start of
      // the request, the virtual authenticator does exactly that.
      await authenticator.setPresence(true);
      await clearLog(page);
      await page.reload();
      await page.waitForURL(/\/security$/);
      expect(await flashText(page)).toMatch(/Signed in with your passkey “This laptop”/);
      expect(await getLog(page)).toEqual(['conditional started', 'conditional resolved']);
    } finally {
      await ctx.close();
    }
  });

  it('autofill pending, then the "Sign in with a passkey" button: the autofill request is aborted first, the button signs in', async () => {
    const { ctx, page, authenticator } = await userWithPasskey('frank@example.com');
    try {
      await logOutQuietly(page, authenticator);
      await authenticator.setPresence(true);
      await page.click('#passkey-login');
      await page.waitForURL(/\/security$/);
      expect(await flashText(page)).toMatch(/Signed in with your passkey “This laptop”/);
      expect(await getLog(page)).toEqual(['conditional started', 'conditional rejected AbortError', 'modal started', 'modal resolved']);
    } finally {
      await ctx.close();
    }
  });

  it('a ceremony the browser refuses as cancelled (no passkey or key left on the authenticator) says so, from the error code', async () => {
    const { ctx, page, authenticator } = await userWithPasskey('grace@example.com');
    try {
      await authenticator.cdp.send('WebAuthn.clearCredentials', { authenticatorId: authenticator.authenticatorId });
      await logOutQuietly(page, authenticator);
      await authenticator.setPresence(true);
      // The button on the login page.
      await page.click('#passkey-login');
      await expect.poll(() => page.textContent('#webauthn-status')).toMatch(/^Cancelled/);
      expect(await page.isEnabled('#passkey-login')).toBe(true);
      // The second step of a password login.
      await page.fill('#email', 'grace@example.com');
      await page.fill('#password', PASSWORD);
      await page.click('#login');
      await page.waitForURL(/\/login\/mfa$/);
      await page.click('#use-security-key');
      await expect.poll(() => page.textContent('#webauthn-status')).toMatch(/^Cancelled/);
    } finally {
      await ctx.close();
    }
  });
});
