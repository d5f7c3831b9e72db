// "Remember this browser" in the demo, end to end in headless Chromium: the box at the second step
// of a login (with a code from the authenticator app, and with a security key), the cookie it sets
// (HttpOnly, SameSite=Lax), the next login with the password alone, the list on the security page
// with a button to forget each browser and one to forget them all, and an organisation that asks
// for a second factor at every login. Revocation is the server's: the old cookie, put back, no
// longer skips anything.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, startDemoProcess, type AuthenticatorApp, type DemoProcess } from './helpers.js';
import { DEMO_PASSWORD as PASSWORD, setUpAuthenticatorAppAndBackupCodes, signUp } from '../support/demo-user-steps.js';
import { requirementsGate } from '../support/requirements.js';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.js';

const runnable = requirementsGate('demo remembered browsers e2e', demoRequirementsMissing());
const EMAIL = 'hank@example.com';
const COOKIE = 'mfakit_demo_device';

let demo: DemoProcess;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let app: AuthenticatorApp;
let backupCodes: string[] = [];

beforeAll(async () => {
  if (!runnable) return;
  demo = await startDemoProcess();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function flashText(): Promise<string> {
  return (await page.locator('.flash').allTextContents()).join(' | ');
}

async function logOut(): Promise<void> {
  await page.click('#logout');
  await page.waitForURL(/\/login$/);
}

/** Email and password; returns where the login went (the second step, or straight in). */
async function logIn(): Promise<'second factor' | 'signed in'> {
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('#login');
  await page.waitForURL(/\/login\/mfa$|\/security$/);
  return page.url().endsWith('/login/mfa') ? 'second factor' : 'signed in';
}

async function deviceCookie() {
  return (await ctx.cookies()).find((c) => c.name === COOKIE);
}

async function rememberedRows(): Promise<string[]> {
  return page.locator('#remembered-devices tbody tr td:first-child').allTextContents();
}

describe.skipIf(!runnable)('remembered browsers in the demo', { timeout: 120_000 }, () => {
  it('sets up an authenticator app', async () => {
    await signUp(page, demo.url, EMAIL);
    ({ app, backupCodes } = await setUpAuthenticatorAppAndBackupCodes(page));
    expect(backupCodes).toHaveLength(10);
    expect(await page.locator('#remembered').textContent()).toMatch(/None/);
  });

  it('a code with "Remember this browser" ticked: an HttpOnly, SameSite=Lax cookie; the next login needs the password only', async () => {
    await logOut();
    expect(await logIn()).toBe('second factor');
    expect(await page.textContent('label[for="remember"]')).toMatch(/Remember this browser for 30 days/);
    await page.check('#remember');
    await page.fill('#code', await app.code());
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/This browser \(Headless Chrome on Linux\) is remembered until \d{4}-\d\d-\d\d/);
    const cookie = await deviceCookie();
    // http://localhost: Secure only when the demo is served over HTTPS.
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    expect(cookie!.value).toMatch(/^rd1\./);
    const days = (cookie!.expires * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(await rememberedRows()).toEqual([expect.stringMatching(/^Headless Chrome on Linux\s*this browser$/)]);
    expect(await page.locator('#remembered-devices tbody tr .last-used').textContent()).toBe('not yet');

    await logOut();
    expect(await logIn()).toBe('signed in');
    expect(await flashText()).toMatch(/No code needed: this browser \(Headless Chrome on Linux\) is remembered/);
    expect(await page.locator('#remembered-devices tbody tr .last-used').textContent()).toBe('just now');
    expect(await page.locator('#events').textContent()).toMatch(/Signed in with password on the remembered browser Headless Chrome on Linux/);
  });

  it('a remembered browser never stands in for a second factor when a change needs one', async () => {
    await page.goto(`${demo.url}/security/disable`);
    await page.waitForURL(/\/step-up\?next=/);
    await page.goto(`${demo.url}/security`);
  });

  it('"Forget" on the security page: the next login asks for the second factor again, even with the old cookie put back', async () => {
    const old = (await deviceCookie())!;
    await page.locator('#remembered-devices tbody tr').first().locator('button.forget').click();
    await page.waitForURL(/\/security#remembered$/);
    expect(await flashText()).toMatch(/Forgot Headless Chrome on Linux/);
    expect(await deviceCookie()).toBeUndefined();
    expect(await page.locator('#remembered-devices').count()).toBe(0);

    await logOut();
    expect(await logIn()).toBe('second factor');
    // The server forgot the device: the token itself is dead.
    await ctx.addCookies([old]);
    await page.goto(`${demo.url}/login`);
    expect(await logIn()).toBe('second factor');
    // Back in with a backup code: the second factor here is incidental (the app's codes are for
    // the logins about them, without waiting for the next 30-second step).
    await page.fill('#code', backupCodes[0]!);
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
  });

  it('with a security key and the box ticked, then "Forget all browsers"', async () => {
    await addVirtualAuthenticator(page, { transport: 'usb', hasResidentKey: false });
    await page.goto(`${demo.url}/security/webauthn`);
    await page.fill('#name', 'YubiKey');
    await page.selectOption('#attachment', 'cross-platform');
    await page.click('#register-security-key');
    await page.waitForURL(/\/security$/);

    await logOut();
    expect(await logIn()).toBe('second factor');
    await page.check('#remember');
    await page.click('#use-security-key');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Signed in with YubiKey.*remembered until/);
    expect(await rememberedRows()).toHaveLength(1);

    await logOut();
    expect(await logIn()).toBe('signed in');
    await page.click('#forget-all-browsers');
    await page.waitForURL(/\/security#remembered$/);
    expect(await flashText()).toMatch(/Forgot the remembered browser/);
    await logOut();
    expect(await logIn()).toBe('second factor');
    // In with the security key (the second factor is incidental here).
    await page.click('#use-security-key');
    await page.waitForURL(/\/security$/);
  });

  it('an organisation that asks for a second factor at every login: joining forgets the browsers, and the box is not offered', async () => {
    await logOut();
    expect(await logIn()).toBe('second factor');
    // Remembered with the security key (a code with the box ticked is the second test's).
    await page.check('#remember');
    await page.click('#use-security-key');
    await page.waitForURL(/\/security$/);
    expect(await rememberedRows()).toHaveLength(1);

    await page.goto(`${demo.url}/organisations`);
    await page.click('#join-org_initech');
    await page.waitForURL(/\/organisations$/);
    expect(await flashText()).toMatch(/You joined Initech\. It asks for a second factor at every login: your remembered browser was forgotten\./);
    await logOut();
    expect(await logIn()).toBe('second factor');
    expect(await page.locator('#remember').count()).toBe(0);
    expect(await page.textContent('#remember-forbidden')).toMatch(/Initech asks for a second factor at every login/);
  });
});
