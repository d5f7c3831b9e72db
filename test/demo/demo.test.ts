// The demo app end to end, in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
// nothing is downloaded), walked through as a person would: sign up, set up an authenticator app
// (the QR code read by zbarimg, codes computed by oathtool from the manual key shown), save the
// backup codes, log in with a code and with a backup code, add a second device, a security key
// (the DevTools virtual authenticator), email codes read from the demo's mailbox, SSH-key recovery
// signed by ssh-keygen, an organisation that enforces MFA, and disabling MFA.
// Every main page is also measured at desktop and phone width (no horizontal scroll, the header
// in two rows at most, WCAG AA contrast of every button) and screenshotted into
// test-artifacts/screenshots/ (inspect.ts). Phones (SMS login, recovery by phone) and email-only
// accounts have their own walks below.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPage } from './inspect.js';
import { ARTEFACTS, AuthenticatorApp, CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, readQr, sh, startDemoProcess, type DemoProcess } from './helpers.js';
import { requirementsGate } from '../support/requirements.js';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.js';

const runnable = requirementsGate('demo e2e', demoRequirementsMissing());

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

let demo: DemoProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let phone: AuthenticatorApp;
let backupCodes: string[] = [];
let sshDir = '';

/**
 * Measures and screenshots the page at desktop and phone width: no horizontal scroll, the header in
 * at most two rows on a phone (one on a desktop), every button readable (WCAG AA 4.5:1). With
 * `focused`, a form page: the focus is in its first field.
 */
async function shot(name: string, target: Page = page, options: { focused?: boolean } = {}): Promise<void> {
  if (options.focused) {
    expect(await target.evaluate(() => document.activeElement?.matches('main input, main textarea, main select') ?? false), `${name}: focus in a field`).toBe(true);
  }
  const { desktop, phone } = await inspectPage(target, name);
  expect({ page: name, lowContrast: [...desktop.lowContrast, ...phone.lowContrast] }).toEqual({ page: name, lowContrast: [] });
  expect(phone.overflow, `${name}: horizontal scroll at 390 px`).toBe(0);
  expect(phone.headerRows, `${name}: header rows at 390 px`).toBeLessThanOrEqual(2);
  expect(desktop.overflow, `${name}: horizontal scroll at 1280 px`).toBe(0);
  expect(desktop.headerRows, `${name}: header rows at 1280 px`).toBe(1);
}

async function flashText(target: Page = page): Promise<string> {
  return (await target.locator('.flash').allTextContents()).join(' | ');
}

async function logIn(): Promise<void> {
  await page.goto(`${demo.url}/login`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await page.click('#login');
}

async function logOut(): Promise<void> {
  await page.click('#logout');
  await page.waitForURL(/\/login$/);
}

/** The newest email to the address, from the demo's mailbox page, opened in a second tab of the same session. */
async function codeFromMailbox(ctx: BrowserContext = context, email = EMAIL): Promise<string> {
  const mailbox = await ctx.newPage();
  try {
    await mailbox.goto(`${demo.url}/mailbox`);
    const mail = mailbox.locator(`article.mail[data-to="${email}"]`).first();
    const text = (await mail.locator('pre.body').textContent()) ?? '';
    const code = /^\s*(\d{6,8})\s*$/m.exec(text)?.[1];
    if (code === undefined) throw new Error(`no code in the email:\n${text}`);
    if (ctx === context) await shot('mailbox', mailbox);
    return code;
  } finally {
    await mailbox.close();
  }
}

/** The newest text to the account's numbers, from the demo's Texts page, opened in a second tab of the same session. */
async function codeFromTexts(ctx: BrowserContext, name?: string): Promise<string> {
  const texts = await ctx.newPage();
  try {
    await texts.goto(`${demo.url}/texts`);
    const text = (await texts.locator('article.sms .body').first().textContent()) ?? '';
    const code = /^\s*(\d{6,8}) is your/.exec(text)?.[1];
    if (code === undefined) throw new Error(`no code in the text:\n${text}`);
    if (name !== undefined) await shot(name, texts);
    return code;
  } finally {
    await texts.close();
  }
}

beforeAll(async () => {
  if (!runnable) return;
  mkdirSync(ARTEFACTS, { recursive: true });
  demo = await startDemoProcess();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (sshDir) rmSync(sshDir, { recursive: true, force: true });
});

/** Sets up an authenticator app from the security page; returns the app. */
async function setUpAuthenticator(name: string): Promise<AuthenticatorApp> {
  await page.click('#add-totp');
  await page.waitForURL(/\/security\/totp\/new$/);
  await page.fill('#name', name);
  await page.click('#start-totp');
  await page.waitForURL(/\/security\/totp$/);
  const app = new AuthenticatorApp(((await page.textContent('#manual-key')) ?? '').replace(/\s+/g, ''));
  await page.fill('#code', await app.code());
  await page.click('#confirm-totp');
  return app;
}

// Generous per-test limits: CI machines are slower, and a code may have to wait for the next time step.
describe.skipIf(!runnable)('the demo, as a person uses it', { timeout: 120_000 }, () => {
  it('signs up with a password (skip link, focus in the first field)', async () => {
    await page.goto(demo.url);
    await shot('home');
    // The first Tab reaches the skip link, which is then visible and moves the focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect((await page.locator('a.skip').boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.goto(`${demo.url}/login`);
    await shot('login', page, { focused: true });
    await page.goto(`${demo.url}/signup`);
    await shot('signup', page, { focused: true });
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('#signup');
    await page.waitForURL(/\/security$/);
    expect(await page.textContent('#mfa-status')).toBe('Off');
  });

  it('sets up an authenticator app: QR code (with an accessible name), otpauth:// link and manual key (with a copy button) agree, a wrong code is refused, the right one turns MFA on', async () => {
    // First factor: nothing to step up with; the password typed at sign-up minutes ago suffices.
    await page.click('#add-totp');
    await page.waitForURL(/\/security\/totp\/new$/);
    await page.fill('#name', 'Phone');
    await page.click('#start-totp');
    await page.waitForURL(/\/security\/totp$/);
    await shot('totp-setup', page, { focused: true });

    const manualKey = ((await page.textContent('#manual-key')) ?? '').replace(/\s+/g, '');
    expect(manualKey).toMatch(/^[A-Z2-7]{32}$/);
    await page.click('#copy-key');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(manualKey);
    await expect.poll(() => page.textContent('#copy-key-status')).toMatch(/Copied/);
    expect(await page.getByRole('img', { name: `QR code to add Phone for ${EMAIL} to an authenticator app` }).count()).toBe(1);
    await page.locator('#qr').screenshot({ path: `${ARTEFACTS}/qr.png` });
    const scanned = await readQr(`${ARTEFACTS}/qr.png`);
    // The link a phone opens carries the same URI as the QR code.
    expect(await page.getAttribute('#otpauth-link', 'href')).toBe(scanned);
    const uri = new URL(scanned);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(manualKey);
    expect(uri.searchParams.get('issuer')).toBe('mfakit demo');
    expect(decodeURIComponent(uri.pathname)).toContain(EMAIL);
    phone = new AuthenticatorApp(manualKey);

    await page.fill('#code', '000000');
    await page.click('#confirm-totp');
    expect(await flashText()).toMatch(/not right/);

    await page.fill('#code', await phone.code());
    await page.click('#confirm-totp');
    await page.waitForURL(/\/security\/backup-codes$/);
    expect(await flashText()).toMatch(/Phone.*added/);
  });

  it('shows the backup codes once, downloadable as .txt, with a copy button', async () => {
    backupCodes = await page.locator('#backup-codes .backup-code').allTextContents();
    expect(backupCodes).toHaveLength(10);
    await shot('backup-codes');
    await page.click('#copy-backup-codes');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(backupCodes.join('\n'));
    await expect.poll(() => page.textContent('#copy-backup-codes-status')).toMatch(/Copied/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-backup-codes')]);
    expect(download.suggestedFilename()).toBe('mfakit-demo-backup-codes.txt');
    const text = readFileSync((await download.path())!, 'utf8');
    for (const code of backupCodes) expect(text).toContain(code);
    await page.click('#saved-backup-codes');
    await page.waitForURL(/\/security$/);
    expect(await page.textContent('#mfa-status')).toBe('On');
    expect(await page.textContent('#backup-remaining')).toBe('10');
    // Shown once: the page no longer has them.
    await page.goto(`${demo.url}/security/backup-codes`);
    expect(await page.locator('#backup-codes').count()).toBe(0);
    await shot('security-totp');
  });

  it('logs out, and in again with the password and a code from the app', async () => {
    await page.goto(`${demo.url}/security`);
    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await shot('login-mfa', page, { focused: true });
    await page.fill('#code', await phone.code());
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Signed in with Phone/);
    expect(await page.locator('tr[data-factor]', { hasText: 'Phone' }).locator('.last-used').textContent()).toBe('just now');
  });

  it('logs in with a backup code, which then works no more', async () => {
    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await page.fill('#code', backupCodes[0]!.toLowerCase().replace(/-/g, ' '));
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/backup code: 9 left/);
    expect(await page.textContent('#backup-remaining')).toBe('9');

    await logOut();
    await logIn();
    await page.fill('#code', backupCodes[0]!);
    await page.click('#verify');
    await page.waitForURL(/\/login\/mfa$/);
    expect(await flashText()).toMatch(/not right|already used/);
    await page.fill('#code', backupCodes[1]!);
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
  });

  it('adds a named second device (step-up from the recent login)', async () => {
    await page.click('#add-totp');
    await page.waitForURL(/\/security\/totp\/new$/);
    await page.fill('#name', 'Work tablet');
    await page.click('#start-totp');
    await page.waitForURL(/\/security\/totp$/);
    const tablet = new AuthenticatorApp(((await page.textContent('#manual-key')) ?? '').replace(/\s+/g, ''));
    await page.fill('#code', await tablet.code());
    await page.click('#confirm-totp');
    await page.waitForURL(/\/security$/);
    const devices = await page.locator('#devices tbody tr td:first-child strong').allTextContents();
    expect(devices).toEqual(expect.arrayContaining(['Phone', 'Work tablet']));
  });

  it('renames a device', async () => {
    await page.locator('#devices tr', { hasText: 'Work tablet' }).locator('a.rename').click();
    await page.waitForURL(/\/security\/factors\/.+\/rename$/);
    await shot('rename-device', page, { focused: true });
    await page.fill('#name', 'Old tablet');
    await page.click('#rename');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Renamed to “Old tablet”/);
    const devices = await page.locator('#devices tbody tr td:first-child strong').allTextContents();
    expect(devices).toContain('Old tablet');
    expect(devices).not.toContain('Work tablet');
  });

  it('replaces a device: the new app works, the old one no longer does', async () => {
    const row = page.locator('#devices tr', { hasText: /^Phone/ });
    const oldId = await row.getAttribute('data-factor');
    await row.locator('a.replace').click();
    await page.waitForURL(/\/security\/factors\/.+\/replace$/);
    await shot('replace-device', page, { focused: true });
    await page.click('#start-replace');
    await page.waitForURL(/\/security\/totp$/);
    expect(await page.textContent('h1')).toBe('Replace “Phone”');
    const newPhone = new AuthenticatorApp(((await page.textContent('#manual-key')) ?? '').replace(/\s+/g, ''));
    await page.fill('#code', await newPhone.code());
    await page.click('#confirm-totp');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/“Phone” replaced by the new device “Phone”: the old one no longer works/);
    const phones = page.locator('#devices tr[data-factor]', { hasText: /^Phone/ });
    expect(await phones.count()).toBe(1);
    expect(await phones.getAttribute('data-factor')).not.toBe(oldId);

    const oldPhone = phone;
    phone = newPhone;
    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await page.fill('#code', await oldPhone.code());
    await page.click('#verify');
    await page.waitForURL(/\/login\/mfa$/);
    expect(await flashText()).toMatch(/not right/);
    await page.fill('#code', await phone.code());
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Signed in with Phone/);
  });

  it('generates new backup codes (the button shows progress while it works): the old set stops working', async () => {
    await page.click('#regenerate-backup-codes');
    await page.waitForURL(/\/security\/backup-codes\/new$/);
    await shot('regenerate-backup-codes');
    // What the button shows while the server works, recorded by the page into sessionStorage (kept across the navigation).
    await page.evaluate(() => {
      const button = document.querySelector('#confirm-regenerate') as HTMLButtonElement;
      new MutationObserver(() => {
        if (button.getAttribute('aria-busy') === 'true') sessionStorage.setItem('busy', JSON.stringify({ disabled: button.disabled, text: button.textContent }));
      }).observe(button, { attributes: true, childList: true, subtree: true });
    });
    await page.click('#confirm-regenerate');
    await page.waitForURL(/\/security\/backup-codes$/);
    expect(JSON.parse((await page.evaluate(() => sessionStorage.getItem('busy'))) ?? 'null')).toEqual({ disabled: true, text: 'Generating codes…' });
    const fresh = await page.locator('#backup-codes .backup-code').allTextContents();
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => backupCodes.includes(code))).toEqual([]);
    await page.click('#saved-backup-codes');
    await logOut();
    await logIn();
    await page.fill('#code', backupCodes[2]!);
    await page.click('#verify');
    await page.waitForURL(/\/login\/mfa$/);
    expect(await flashText()).toMatch(/not right/);
    backupCodes = fresh;
    await page.fill('#code', backupCodes[0]!);
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
    expect(await page.textContent('#backup-remaining')).toBe('9');
  });

  it('removes a device', async () => {
    await page.locator('#devices tr', { hasText: 'Old tablet' }).locator('a', { hasText: 'Remove' }).click();
    await page.waitForURL(/\/security\/factors\/.+\/remove$/);
    await shot('remove-device');
    await page.click('#remove');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Old tablet removed/);
    expect(await page.locator('#devices tr', { hasText: 'Old tablet' }).count()).toBe(0);
  });

  it('adds a security key (virtual authenticator) and logs in with it', async () => {
    // A classic security key (no resident credentials): the login page's passkey autofill finds nothing on it.
    await addVirtualAuthenticator(page, { transport: 'usb', hasResidentKey: false });
    await page.click('#add-webauthn');
    await page.waitForURL(/\/security\/webauthn$/);
    await page.fill('#name', 'YubiKey');
    await page.selectOption('#attachment', 'cross-platform');
    await page.click('#register-security-key');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/YubiKey.*added/);
    await expect.poll(() => page.locator('#devices tr', { hasText: 'YubiKey' }).count()).toBe(1);

    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await page.click('#use-security-key');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Signed in with YubiKey/);
    expect((await page.locator('#events tbody tr[data-type]').first().textContent()) ?? '').toMatch(/Signed in with password and YubiKey/);
    expect(await page.locator('#devices tr', { hasText: 'YubiKey' }).locator('.last-used').textContent()).toBe('just now');
  });

  it('turns on email codes (code read from the mailbox, which counts unread mail and shows no one else\'s) and logs in with an emailed code', async () => {
    await page.click('#add-email');
    await page.waitForURL(/\/security\/email\/new$/);
    await page.click('#start-email');
    await page.waitForURL(/\/security\/email$/);
    expect(await page.textContent('#nav-mailbox .count')).toBe('1');
    // Someone logged out (another browser) sees nobody's mail.
    const stranger = await browser.newContext();
    const strangerPage = await stranger.newPage();
    await strangerPage.goto(`${demo.url}/mailbox`);
    expect(await strangerPage.locator('#mailbox-locked').count()).toBe(1);
    expect(await strangerPage.locator('article.mail').count()).toBe(0);
    expect(await strangerPage.locator('#nav-mailbox .count').count()).toBe(0);
    await shot('mailbox-logged-out', strangerPage);
    await stranger.close();
    const enrolCode = await codeFromMailbox();
    // Read now: the count is gone.
    await page.reload();
    expect(await page.locator('#nav-mailbox .count').count()).toBe(0);
    await page.fill('#code', enrolCode);
    await page.click('#confirm-email');
    await page.waitForURL(/\/security$/);
    expect(await page.locator('#devices tr', { hasText: 'Email codes' }).count()).toBe(1);

    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    // Several factors: the email code is sent only when asked for.
    expect(await page.locator('#sent-email').count()).toBe(0);
    await page.click('#send-email-code');
    await page.waitForURL(/\/login\/mfa$/);
    expect(await page.textContent('#sent-email')).toMatch(/We emailed a code to a\*\*\*@example\.com/);
    await page.fill('#code', await codeFromMailbox());
    await page.click('#verify');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Signed in with an emailed code/);
  });

  it('registers an SSH key, and recovers the account by signing the challenge with ssh-keygen', async () => {
    sshDir = mkdtempSync(join(tmpdir(), 'mfakit-demo-ssh-'));
    const keyFile = join(sshDir, 'id_ed25519');
    await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ada@laptop', '-f', keyFile]);
    const fingerprint = (await sh('ssh-keygen', ['-lf', `${keyFile}.pub`])).split(' ')[1]!;

    await page.goto(`${demo.url}/security`);
    await page.click('#add-ssh-key');
    await page.waitForURL(/\/security\/ssh$/);
    await page.fill('#key-name', 'Laptop key');
    await page.fill('#public-key', readFileSync(`${keyFile}.pub`, 'utf8'));
    await page.click('#add-ssh');
    await page.waitForURL(/\/security\/ssh$/);
    expect(await flashText()).toContain(fingerprint);
    expect(await page.locator('#ssh-key-list .fingerprint').allTextContents()).toEqual([fingerprint]);
    await shot('ssh-keys', page, { focused: true });
    await page.goto(`${demo.url}/security`);
    await shot('security-ssh');

    // Every device and backup code lost: password, then recovery.
    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await page.click('#recover-link');
    await page.waitForURL(/\/recover$/);
    await shot('recover');
    await page.click('#start-recovery');
    await page.waitForURL(/\/recover\/ssh$/);
    await shot('ssh-recovery', page, { focused: true });
    const command = (await page.textContent('#ssh-command')) ?? '';
    expect(command).toMatch(/^printf '%s' '.+' \| ssh-keygen -Y sign -n recovery@demo\.mfakit\.test -f ~\/\.ssh\/id_ed25519$/);
    // The user runs the command shown, with the path of their key.
    const signature = await sh('sh', ['-c', command.replace('-f ~/.ssh/id_ed25519', `-f '${keyFile}'`)]);
    expect(signature).toContain('-----BEGIN SSH SIGNATURE-----');

    await page.fill('#signature', 'not a signature');
    await page.click('#submit-signature');
    await page.waitForURL(/\/recover\/ssh$/);
    expect(await flashText()).toMatch(/not an SSH signature/);

    await page.fill('#signature', signature);
    await page.click('#submit-signature');
    await page.waitForURL(/\/security$/);
    // One message says what happened and what to do; the SSH card still lists the key.
    expect(await page.locator('.flash').count()).toBe(1);
    expect(((await page.textContent('#reenrol')) ?? '').replace(/\s+/g, ' ')).toMatch(/recovered just now with your SSH key\. Your old devices and backup codes were removed: set up a new second factor now\./);
    expect(await page.textContent('#mfa-status')).toBe('Off');
    expect(await page.locator('#ssh-keys tbody tr', { hasText: 'Laptop key' }).count()).toBe(1);
    expect(await page.textContent('#ssh-keys-kept')).toMatch(/This key still recovers your account/);
    expect(await page.locator('#recovery').textContent()).not.toMatch(/Turn on two-factor authentication first/);
    await shot('security-recovered');

    // A new authenticator app (no step-up needed: nothing is left to step up with).
    phone = await setUpAuthenticator('New phone');
    await page.waitForURL(/\/security\/backup-codes$/);
    expect(await page.locator('#backup-codes .backup-code').count()).toBe(10);
    await page.click('#saved-backup-codes');
    await page.waitForURL(/\/security$/);
    expect(await page.textContent('#mfa-status')).toBe('On');
    expect(await page.locator('#reenrol').count()).toBe(0);
  });

  it('joins an organisation that enforces MFA: disabling is refused and names it', async () => {
    await page.goto(`${demo.url}/organisations`);
    await page.click('#join-org_acme');
    expect(await flashText()).toMatch(/You joined Acme Corp/);
    await shot('organisations');
    await page.goto(`${demo.url}/security`);
    await page.click('#disable-mfa');
    // Confirming the new phone gave a step-up grant: no second code is asked within 10 minutes.
    await page.waitForURL(/\/security\/disable$/);
    // The step-up page itself, as once that grant has expired: confirm with the app.
    await page.goto(`${demo.url}/step-up?next=${encodeURIComponent('/security/disable')}`);
    await shot('step-up', page, { focused: true });
    // Said once, with a way out.
    expect(await page.locator('.flash').count()).toBe(0);
    expect(((await page.locator('main').textContent()) ?? '').match(/second-factor check/g)).toHaveLength(1);
    expect(await page.getAttribute('#cancel-step-up', 'href')).toBe('/security');
    await page.fill('#code', await phone.code());
    await page.click('#verify');
    await page.waitForURL(/\/security\/disable$/);
    await page.fill('#confirmation', 'DISABLE');
    await page.click('#confirm-disable');
    await page.waitForURL(/\/security\/disable$/);
    const refusal = await page.locator('.flash.error').textContent();
    expect(refusal).toMatch(/required by Acme Corp/);
    await shot('disable-refused', page, { focused: true });
  });

  it('lists devices, last use and recent activity on the security page: one line per sign-in, real times, by day, in pages', async () => {
    await page.goto(`${demo.url}/security`);
    await shot('security');
    const lines = async () => (await page.locator('#events tbody tr[data-type]').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    const first = await lines();
    expect(first).toHaveLength(15);
    expect(await page.locator('#events .day').first().textContent()).toBe('Today');
    for (const time of await page.locator('#events time').allTextContents()) expect(time).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(await page.locator('#activity').textContent()).not.toMatch(/just now/);
    await page.click('#activity-older');
    await page.waitForURL(/activity=2/);
    const older = await lines();
    expect(older.length).toBeGreaterThan(0);
    const all = [...first, ...older];
    while (await page.locator('#activity-older').count()) {
      await page.click('#activity-older');
      all.push(...(await lines()));
    }
    const text = all.join('\n');
    expect(text).toMatch(/Added New phone/);
    expect(text).toMatch(/Account recovery attempt refused \(malformed\)/);
    expect(text).toMatch(/Account recovered with SSH key Laptop key/);
    expect(text).toMatch(/Refused by policy \(disable\)/);
    expect(text).toMatch(/Renamed a device to Old tablet/);
    expect(text).toMatch(/Replaced a device with Phone/);
    // A failed attempt leaves no "Started adding" line, and a sign-in is one line, not two.
    expect(text).not.toMatch(/Started adding/);
    expect(text).not.toMatch(/^Verified with/m);
    expect(all.filter((line) => /Signed in with password and Phone/.test(line)).length).toBeGreaterThanOrEqual(1);
  });

  it('after leaving the organisation, disables MFA only with the typed confirmation', async () => {
    await page.goto(`${demo.url}/organisations`);
    await page.click('#leave-org_acme');
    await page.goto(`${demo.url}/security/disable`);
    await page.fill('#confirmation', 'please');
    await page.click('#confirm-disable');
    expect(await flashText()).toMatch(/Type DISABLE in the box/);
    await page.fill('#confirmation', 'DISABLE');
    await page.click('#confirm-disable');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Two-factor authentication is off \(1 device removed\)/);
    expect(await page.textContent('#mfa-status')).toBe('Off');
    await logOut();
    await logIn();
    await page.waitForURL(/\/security$/);
  });
});

describe.skipIf(!runnable)('passkeys, and forged requests', { timeout: 120_000 }, () => {
  let bob: Page;

  it('adds a passkey on this device as the first factor, logs in with it (also without a password), and confirms a change with it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    bob = await ctx.newPage();
    bob.setDefaultTimeout(30_000);
    const authenticator = await addVirtualAuthenticator(bob);
    await bob.goto(`${demo.url}/signup`);
    await bob.fill('#email', 'bob@example.com');
    await bob.fill('#password', PASSWORD);
    await bob.click('#signup');
    await bob.waitForURL(/\/security$/);
    await bob.click('#add-webauthn');
    await bob.waitForURL(/\/security\/webauthn$/);
    await shot('webauthn-add', bob);
    await bob.fill('#name', 'This laptop');
    await bob.selectOption('#attachment', 'platform');
    await bob.click('#register-security-key');
    // The first factor: the backup codes come with it.
    await bob.waitForURL(/\/security\/backup-codes$/);
    expect(await bob.locator('#backup-codes .backup-code').count()).toBe(10);
    await bob.click('#saved-backup-codes');
    await bob.waitForURL(/\/security$/);
    expect(await bob.locator('#devices tr', { hasText: 'This laptop' }).locator('td.kind').textContent()).toBe('Security key / passkey');

    // The login page offers the passkey in the email field's autofill at once: with presence
    // simulated the virtual authenticator would pick it. Off, it waits for a touch, as for a person.
    await authenticator.setPresence(false);
    await bob.click('#logout');
    await bob.waitForURL(/\/login$/);
    await bob.fill('#email', 'bob@example.com');
    await bob.fill('#password', PASSWORD);
    await bob.click('#login');
    await bob.waitForURL(/\/login\/mfa$/);
    await authenticator.setPresence(true);
    await bob.click('#use-security-key');
    await bob.waitForURL(/\/security$/);
    expect(await flashText(bob)).toMatch(/Signed in with This laptop/);

    // A passkey alone signs in, without the email address or password (the button; autofill has its own test).
    await authenticator.setPresence(false);
    await bob.click('#logout');
    await bob.waitForURL(/\/login$/);
    // Once the autofill request waits for the user, the button takes over from it.
    await bob.waitForSelector('#email[data-passkey-autofill="pending"]', { state: 'attached' });
    await bob.waitForTimeout(300);
    await authenticator.setPresence(true);
    await bob.click('#passkey-login');
    await bob.waitForURL(/\/security$/);
    expect(await flashText(bob)).toMatch(/Signed in with your passkey “This laptop”/);

    await bob.goto(`${demo.url}/step-up?next=${encodeURIComponent('/security/disable')}`);
    await bob.click('#use-security-key');
    await bob.waitForURL(/\/security\/disable$/);
    expect(await flashText(bob)).toMatch(/Confirmed with This laptop/);
  });

  it('refuses a POST without the session CSRF token, and one from another origin', async () => {
    const csrf = (await bob.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    expect(csrf.length).toBeGreaterThan(20);
    const noToken = await bob.request.post(`${demo.url}/security/disable`, { form: { confirmation: 'disable' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    const wrongToken = await bob.request.post(`${demo.url}/security/disable`, { form: { confirmation: 'disable', _csrf: 'x'.repeat(csrf.length) }, maxRedirects: 0 });
    expect(wrongToken.status()).toBe(403);
    const crossSite = await bob.request.post(`${demo.url}/security/disable`, {
      form: { confirmation: 'disable', _csrf: csrf },
      headers: { origin: 'https://attacker.example' },
      maxRedirects: 0,
    });
    expect(crossSite.status()).toBe(403);
    // The cookie is HttpOnly and SameSite=Lax.
    const cookie = (await bob.context().cookies()).find((c) => c.name === 'mfakit_demo_sid');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // Nothing was disabled.
    await bob.goto(`${demo.url}/security`);
    expect(await bob.textContent('#mfa-status')).toBe('On');
  });
});

async function signUp(target: Page, email: string): Promise<void> {
  await target.goto(`${demo.url}/signup`);
  await target.fill('#email', email);
  await target.fill('#password', PASSWORD);
  await target.click('#signup');
  await target.waitForURL(/\/security$/);
}

async function logInAs(target: Page, email: string): Promise<void> {
  await target.click('#logout');
  await target.waitForURL(/\/login$/);
  await target.fill('#email', email);
  await target.fill('#password', PASSWORD);
  await target.click('#login');
}

describe.skipIf(!runnable)('phones: text message codes, a recovery phone, recovery by phone (texts read from the Texts page)', { timeout: 150_000 }, () => {
  let ctx: BrowserContext;
  let dan: Page;
  afterAll(() => ctx?.close());

  it('turns on text message codes as the first factor, then signs in with the code texted when the code page opens', async () => {
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    dan = await ctx.newPage();
    dan.setDefaultTimeout(30_000);
    await signUp(dan, 'dan@example.com');
    await dan.click('#add-sms');
    await dan.waitForURL(/\/security\/sms\/new$/);
    await shot('sms-setup', dan, { focused: true });
    await dan.fill('#phone', '+44 7700 900123');
    await dan.click('#start-sms');
    await dan.waitForURL(/\/security\/sms$/);
    expect(await dan.textContent('#nav-texts .count')).toBe('1');
    await dan.fill('#code', await codeFromTexts(ctx, 'texts'));
    await dan.click('#confirm-sms');
    await dan.waitForURL(/\/security\/backup-codes$/);
    await dan.click('#saved-backup-codes');
    await dan.waitForURL(/\/security$/);
    expect(await dan.locator('#devices tr', { hasText: 'Phone (text messages)' }).count()).toBe(1);

    await logInAs(dan, 'dan@example.com');
    await dan.waitForURL(/\/login\/mfa$/);
    expect(await dan.textContent('#sent-sms')).toMatch(/We texted a code to \S+/);
    await shot('login-sms', dan, { focused: true });
    await dan.fill('#code', await codeFromTexts(ctx));
    await dan.click('#verify');
    await dan.waitForURL(/\/security$/);
    expect(await flashText(dan)).toMatch(/Signed in with a texted code/);
  });

  it('adds a recovery phone and, with every device lost, recovers the account with a texted code', async () => {
    await dan.click('#add-recovery-phone');
    await dan.waitForURL(/\/security\/recovery-phone\/new$/);
    await shot('recovery-phone-setup', dan, { focused: true });
    await dan.fill('#phone', '+1 202 555 0143');
    await dan.click('#start-recovery-phone');
    await dan.waitForURL(/\/security\/recovery-phone$/);
    await dan.fill('#code', await codeFromTexts(ctx));
    await dan.click('#confirm-recovery-phone');
    await dan.waitForURL(/\/security$/);
    expect(await flashText(dan)).toMatch(/Recovery phone .*0143 added/);
    expect(await dan.locator('#recovery-phones li').count()).toBe(1);
    await shot('security-phones', dan);

    await logInAs(dan, 'dan@example.com');
    await dan.waitForURL(/\/login\/mfa$/);
    await dan.click('#recover-link');
    await dan.waitForURL(/\/recover$/);
    await shot('recover-choice', dan);
    await dan.click('#start-phone-recovery');
    await dan.waitForURL(/\/recover\/phone$/);
    await shot('recover-phone', dan, { focused: true });
    await dan.fill('#code', '000000');
    await dan.click('#submit-recovery-code');
    await dan.waitForURL(/\/recover\/phone$/);
    expect(await flashText(dan)).toMatch(/not right/);
    const text = await codeFromTexts(ctx);
    await dan.fill('#code', text);
    await dan.click('#submit-recovery-code');
    await dan.waitForURL(/\/security$/);
    expect(((await dan.textContent('#reenrol')) ?? '').replace(/\s+/g, ' ')).toMatch(/recovered just now with your phone\. Your old devices and backup codes were removed/);
    expect(await dan.textContent('#mfa-status')).toBe('Off');
    expect(await dan.locator('#recovery-phones li').count()).toBe(1);
  });
});

describe.skipIf(!runnable)('an email-only account: the code is emailed when the code page opens; the reminder names the organisation; wrong codes show a countdown', { timeout: 150_000 }, () => {
  it('walks it through', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const erin = await ctx.newPage();
    erin.setDefaultTimeout(30_000);
    try {
      await signUp(erin, 'erin@example.com');
      await erin.goto(`${demo.url}/organisations`);
      await erin.click('#join-org_acme');
      await logInAs(erin, 'erin@example.com');
      await erin.waitForURL(/\/security$/);
      expect(await flashText(erin)).toMatch(/Acme Corp requires two-factor authentication: set it up before \d{4}-\d\d-\d\d/);

      await erin.click('#add-email');
      await erin.click('#start-email');
      await erin.waitForURL(/\/security\/email$/);
      await erin.fill('#code', await codeFromMailbox(ctx, 'erin@example.com'));
      await erin.click('#confirm-email');
      await erin.waitForURL(/\/security\/backup-codes$/);
      await erin.click('#saved-backup-codes');
      await erin.waitForURL(/\/security$/);

      // Email is the only factor: the code is on its way when the page opens, and the page says so.
      await logInAs(erin, 'erin@example.com');
      await erin.waitForURL(/\/login\/mfa$/);
      expect(await erin.textContent('#sent-email')).toMatch(/We emailed a code to e\*\*\*@example\.com/);
      expect(await erin.textContent('#code-card')).toMatch(/Enter the code we emailed you, or one of your backup codes/);
      await shot('login-email-only', erin, { focused: true });
      // Reloading does not send another.
      await erin.reload();
      expect(await erin.textContent('#nav-mailbox .count')).toBe('1');

      // Wrong codes: after the free attempts the server asks to wait; the page counts down with the button disabled.
      // Delays double from 1 s; guess until one is long enough (>= 7 s) to be read reliably on a
      // busy machine (a 1 s countdown may be over before the test reads it).
      const longCountdown = async () =>
        (await erin.locator('#countdown').count()) === 1 && /Try again in ([7-9]|\d\d+) s\./.test((await erin.textContent('#countdown')) ?? '');
      for (let i = 0; i < 15 && !(await longCountdown()); i++) {
        await erin.fill('#code', '000000');
        await erin.click('#verify');
        await erin.waitForURL(/\/login\/mfa$/);
      }
      expect(await erin.locator('#countdown').count()).toBe(1);
      expect(await erin.textContent('#countdown')).toMatch(/Try again in \d+ s\./);
      expect(await erin.isDisabled('#verify')).toBe(true);
      await shot('lockout-countdown', erin);
      await expect.poll(() => erin.isEnabled('#verify'), { timeout: 40_000 }).toBe(true);
      expect(await erin.textContent('#countdown')).toBe('You can try again now.');

      // The wrong guesses may have used up the emailed code: ask for a new one.
      await erin.click('#send-email-code');
      await erin.waitForURL(/\/login\/mfa$/);
      await erin.fill('#code', await codeFromMailbox(ctx, 'erin@example.com'));
      await erin.click('#verify');
      await erin.waitForURL(/\/security$/);
      expect(await flashText(erin)).toMatch(/Signed in with an emailed code/);
      const activity = (await erin.locator('#events tbody tr[data-type]').allTextContents()).join('\n');
      // Repeated wrong codes fold into one line with a count.
      expect(activity).toMatch(/Wrong code or key.*×\d+/);
    } finally {
      await ctx.close();
    }
  });
});
