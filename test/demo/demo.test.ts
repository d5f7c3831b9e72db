// The demo app end to end, in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
// nothing is downloaded), walked through as a person would: sign up, set up an authenticator app
// (the QR code read by zbarimg, codes computed by oathtool from the manual key shown), save the
// backup codes, log in with a code and with a backup code, add a second device, a security key
// (the DevTools virtual authenticator), email codes read from the demo's mailbox, SSH-key recovery
// signed by ssh-keygen, an organisation that enforces MFA, and disabling MFA.
// Screenshots of the main pages go to test-results/demo/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTEFACTS, AuthenticatorApp, CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, readQr, sh, startDemoProcess, type DemoProcess } from './helpers.js';
import { requirementsGate } from '../support/requirements.js';

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

async function shot(name: string, target: Page = page): Promise<void> {
  await target.screenshot({ path: `${ARTEFACTS}/${name}.png`, fullPage: true });
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

/** The newest email to the address, from the demo's mailbox page, opened in a second tab. */
async function codeFromMailbox(): Promise<string> {
  const mailbox = await context.newPage();
  try {
    await mailbox.goto(`${demo.url}/mailbox?all`);
    const mail = mailbox.locator(`article.mail[data-to="${EMAIL}"]`).first();
    const text = (await mail.locator('pre.body').textContent()) ?? '';
    const code = /^\s*(\d{6,8})\s*$/m.exec(text)?.[1];
    if (code === undefined) throw new Error(`no code in the email:\n${text}`);
    await shot('mailbox', mailbox);
    return code;
  } finally {
    await mailbox.close();
  }
}

beforeAll(async () => {
  if (!runnable) return;
  mkdirSync(ARTEFACTS, { recursive: true });
  demo = await startDemoProcess();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
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
describe.skipIf(!runnable)('the demo, as a person uses it', { timeout: 60_000 }, () => {
  it('signs up with a password', async () => {
    await page.goto(demo.url);
    await shot('home');
    await page.click('text=Create an account');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('#signup');
    await page.waitForURL(/\/security$/);
    expect(await page.textContent('#mfa-status')).toBe('Off');
  });

  it('sets up an authenticator app: QR code and manual key agree, a wrong code is refused, the right one turns MFA on', async () => {
    // First factor: nothing to step up with; the password typed at sign-up minutes ago suffices.
    await page.click('#add-totp');
    await page.waitForURL(/\/security\/totp\/new$/);
    await page.fill('#name', 'Phone');
    await page.click('#start-totp');
    await page.waitForURL(/\/security\/totp$/);
    await shot('totp-setup');

    const manualKey = ((await page.textContent('#manual-key')) ?? '').replace(/\s+/g, '');
    expect(manualKey).toMatch(/^[A-Z2-7]{32}$/);
    await page.locator('#qr').screenshot({ path: `${ARTEFACTS}/qr.png` });
    const uri = new URL(await readQr(`${ARTEFACTS}/qr.png`));
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

  it('shows the backup codes once, downloadable as .txt', async () => {
    backupCodes = await page.locator('#backup-codes .backup-code').allTextContents();
    expect(backupCodes).toHaveLength(10);
    await shot('backup-codes');
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
    await shot('login-mfa');
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
    const devices = await page.locator('#devices tbody tr td:first-child').allTextContents();
    expect(devices).toEqual(expect.arrayContaining(['Phone', 'Work tablet']));
  });

  it('generates new backup codes: the old set stops working', async () => {
    await page.click('#regenerate-backup-codes');
    await page.waitForURL(/\/security\/backup-codes\/new$/);
    await page.click('#confirm-regenerate');
    await page.waitForURL(/\/security\/backup-codes$/);
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
    await page.locator('#devices tr', { hasText: 'Work tablet' }).locator('a', { hasText: 'Remove' }).click();
    await page.waitForURL(/\/security\/factors\/.+\/remove$/);
    await page.click('#remove');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Work tablet removed/);
    expect(await page.locator('#devices tr', { hasText: 'Work tablet' }).count()).toBe(0);
  });

  it('adds a security key (virtual authenticator) and logs in with it', async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
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
    expect((await page.locator('#events tbody tr').first().textContent()) ?? '').toMatch(/Verified with YubiKey|Signed in with password and YubiKey/);
    expect(await page.locator('#devices tr', { hasText: 'YubiKey' }).locator('.last-used').textContent()).toBe('just now');
  });

  it('turns on email codes (code read from the mailbox) and logs in with an emailed code', async () => {
    await page.click('#add-email');
    await page.waitForURL(/\/security\/email\/new$/);
    await page.click('#start-email');
    await page.waitForURL(/\/security\/email$/);
    await page.fill('#code', await codeFromMailbox());
    await page.click('#confirm-email');
    await page.waitForURL(/\/security$/);
    expect(await page.locator('#devices tr', { hasText: 'Email codes' }).count()).toBe(1);

    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await page.click('#send-email-code');
    await page.waitForURL(/\/login\/mfa$/);
    expect(await flashText()).toMatch(/We sent a code to a\*\*\*@example\.com/);
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

    // Every device and backup code lost: password, then recovery.
    await logOut();
    await logIn();
    await page.waitForURL(/\/login\/mfa$/);
    await page.click('#recover-link');
    await page.waitForURL(/\/recover$/);
    await page.click('#start-recovery');
    await page.waitForURL(/\/recover\/ssh$/);
    await shot('ssh-recovery');
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
    expect(await flashText()).toMatch(/Account recovered with your SSH key “Laptop key”/);
    expect(await page.textContent('#mfa-status')).toBe('Off');
    expect(await page.textContent('#reenrol')).toMatch(/recovered .* with your SSH key/);

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
    await shot('step-up');
    await page.fill('#code', await phone.code());
    await page.click('#verify');
    await page.waitForURL(/\/security\/disable$/);
    await page.fill('#confirmation', 'DISABLE');
    await page.click('#confirm-disable');
    await page.waitForURL(/\/security\/disable$/);
    const refusal = await page.locator('.flash.error').textContent();
    expect(refusal).toMatch(/required by Acme Corp/);
    await shot('disable-refused');
  });

  it('lists devices, last use and recent events on the security page', async () => {
    await page.goto(`${demo.url}/security`);
    const events = (await page.locator('#events tbody tr').allTextContents()).join('\n');
    expect(events).toMatch(/Added New phone/);
    expect(events).toMatch(/Account recovery attempt refused \(malformed\)/);
    expect(events).toMatch(/Account recovered with SSH key Laptop key/);
    expect(events).toMatch(/Refused by policy \(disable\)/);
    await shot('security');
  });

  it('after leaving the organisation, disables MFA only with the typed confirmation', async () => {
    await page.goto(`${demo.url}/organisations`);
    await page.click('#leave-org_acme');
    await page.goto(`${demo.url}/security/disable`);
    await page.fill('#confirmation', 'please');
    await page.click('#confirm-disable');
    expect(await flashText()).toMatch(/Type "disable"/);
    await page.fill('#confirmation', 'DISABLE');
    await page.click('#confirm-disable');
    await page.waitForURL(/\/security$/);
    expect(await flashText()).toMatch(/Two-factor authentication is off/);
    expect(await page.textContent('#mfa-status')).toBe('Off');
    await logOut();
    await logIn();
    await page.waitForURL(/\/security$/);
  });
});

describe.skipIf(!runnable)('passkeys, and forged requests', { timeout: 60_000 }, () => {
  let bob: Page;

  it('adds a passkey on this device as the first factor, logs in with it (also without a password), and confirms a change with it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    bob = await ctx.newPage();
    bob.setDefaultTimeout(10_000);
    const cdp = await ctx.newCDPSession(bob);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
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
    expect(await bob.locator('#devices tr', { hasText: 'This laptop' }).locator('td').nth(1).textContent()).toBe('Security key / passkey');

    await bob.click('#logout');
    await bob.waitForURL(/\/login$/);
    await bob.fill('#email', 'bob@example.com');
    await bob.fill('#password', PASSWORD);
    await bob.click('#login');
    await bob.waitForURL(/\/login\/mfa$/);
    await bob.click('#use-security-key');
    await bob.waitForURL(/\/security$/);
    expect(await flashText(bob)).toMatch(/Signed in with This laptop/);

    // A passkey alone signs in, without the email address or password.
    await bob.click('#logout');
    await bob.waitForURL(/\/login$/);
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
