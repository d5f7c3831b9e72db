/**
 * What a user of the demo does in its pages, step by step, for the demo's end-to-end tests
 * (test/demo/*.test.ts): open a fresh page, sign up, set up an authenticator app, log in with the
 * password and then a code. Each step starts where the one before ended and waits for the page it
 * leads to.
 */
import type { Browser, Page } from 'playwright-core';
import { AuthenticatorApp } from '../demo/helpers.js';

/** The password the demo tests sign up and log in with. */
export const DEMO_PASSWORD = 'a long demo password';

/** A page in a fresh browser context (no cookies), with `timeoutMs` for every wait. */
export async function newDemoPage(browser: Browser, timeoutMs: number): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(timeoutMs);
  return page;
}

/** Signs up with `email` and {@link DEMO_PASSWORD}; ends on the security page. */
export async function signUp(page: Page, demoUrl: string, email: string): Promise<void> {
  await page.goto(`${demoUrl}/signup`);
  await page.fill('#email', email);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#signup');
  await page.waitForURL(/\/security$/);
}

/**
 * From the security page: adds an authenticator app named "Phone", confirms it with a code from
 * the app (its manual key read off the page) and passes the backup codes; ends on the security
 * page. Returns the app, for later codes.
 */
export async function setUpAuthenticatorApp(page: Page): Promise<AuthenticatorApp> {
  return (await setUpAuthenticatorAppAndBackupCodes(page)).app;
}

/**
 * {@link setUpAuthenticatorApp}, keeping the backup codes shown: for a login whose second factor
 * is incidental, a backup code leaves the app's next codes (a few per 30-second step) to the
 * logins that are about them.
 */
export async function setUpAuthenticatorAppAndBackupCodes(page: Page): Promise<{ app: AuthenticatorApp; backupCodes: string[] }> {
  await page.click('#add-totp');
  await page.fill('#name', 'Phone');
  await page.click('#start-totp');
  await page.waitForURL(/\/security\/totp$/);
  const app = new AuthenticatorApp(((await page.textContent('#manual-key')) ?? '').replace(/\s+/g, ''));
  await page.fill('#code', await app.code());
  await page.click('#confirm-totp');
  await page.waitForURL(/\/security\/backup-codes$/);
  const backupCodes = await page.locator('#backup-codes .backup-code').allTextContents();
  await page.click('#saved-backup-codes');
  await page.waitForURL(/\/security$/);
  return { app, backupCodes };
}

/** Submits `email` and {@link DEMO_PASSWORD} on the login page; where it leads is the caller's to check. */
export async function submitPassword(page: Page, demoUrl: string, email: string): Promise<void> {
  await page.goto(`${demoUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#login');
}

/** At the second step of a login: enters the app's next code; ends on the security page. */
export async function enterCode(page: Page, app: AuthenticatorApp): Promise<void> {
  await page.waitForURL(/\/login\/mfa$/);
  await page.fill('#code', await app.code());
  await page.click('#verify');
  await page.waitForURL(/\/security$/);
}
