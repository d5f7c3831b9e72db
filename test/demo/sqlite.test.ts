// `npm run demo` keeps its data in a SQLite file by default (mfakit/stores/sql over Kysely and
// better-sqlite3): an account and its authenticator app survive a restart, with no
// MFAKIT_DEMO_SECRET (the file keeps the secret the sealing keys come from). With
// MFAKIT_DEMO_STORE=memory (the tests' default) a restart forgets everything.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, startDemoProcess, type DemoProcess } from './helpers.js';
import { enterCode, newDemoPage, setUpAuthenticatorApp, signUp, submitPassword } from '../support/demo-user-steps.js';
import { requirementsGate } from '../support/requirements.js';

const runnable = requirementsGate('demo on SQLite', demoRequirementsMissing());
const temp = mkdtempSync(join(tmpdir(), 'mfakit-demo-sqlite-'));

let browser: Browser;
let demo: DemoProcess | undefined;

beforeAll(async () => {
  if (!runnable) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(temp, { recursive: true, force: true });
});

/** Starts the demo, stopping the one before first (a failed test must not leave one running). */
async function start(env: Record<string, string>): Promise<DemoProcess> {
  await demo?.stop();
  demo = await startDemoProcess(env);
  return demo;
}

const newPage = () => newDemoPage(browser, 15_000);

describe.skipIf(!runnable)('the demo on its default SQLite file', { timeout: 120_000 }, () => {
  it('enrols an authenticator app, restarts, and logs in with the password and a code: the account, its factor and its backup codes survived', async () => {
    const file = join(temp, 'data', 'demo.sqlite');
    // No MFAKIT_DEMO_STORE: the default.
    const env = { MFAKIT_DEMO_STORE: '', MFAKIT_SQLITE_PATH: file, MFAKIT_DEMO_SECRET: '' };
    demo = await start(env);
    expect(demo.output()).toContain(`SQLite store (${file})`);
    expect(existsSync(file)).toBe(true);
    let page = await newPage();
    await page.goto(demo.url);
    expect(await page.textContent('#storage')).toMatch(/SQLite store .* survive a restart/);
    await signUp(page, demo.url, 'ivy@example.com');
    const phone = await setUpAuthenticatorApp(page);
    await page.context().close();

    await demo.stop();
    demo = await start(env);
    page = await newPage();
    await submitPassword(page, demo.url, 'ivy@example.com');
    // The sealed TOTP secret opens: the keys came back from the file.
    await enterCode(page, phone);
    expect(await page.locator('#devices tr', { hasText: 'Phone' }).count()).toBe(1);
    expect(await page.textContent('#backup-remaining')).toBe('10');
    await page.context().close();
    await demo.stop();
    demo = undefined;
  });

  it('MFAKIT_DEMO_STORE=memory: nothing survives a restart', async () => {
    const env = { MFAKIT_DEMO_STORE: 'memory' };
    demo = await start(env);
    expect(demo.output()).toContain('in-memory store');
    let page = await newPage();
    await signUp(page, demo.url, 'jo@example.com');
    await page.context().close();
    await demo.stop();
    demo = await start(env);
    page = await newPage();
    await submitPassword(page, demo.url, 'jo@example.com');
    await page.waitForURL(/\/login$/);
    expect(await page.textContent('.flash')).toMatch(/Wrong email address or password/);
    await page.context().close();
    await demo.stop();
    demo = undefined;
  });
});
