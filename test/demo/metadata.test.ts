// The demo with the FIDO Metadata Service (MDS3) offline: MFAKIT_DEMO_MDS_BLOB / MFAKIT_DEMO_MDS_ROOT
// name a blob and the root it must chain to. This test makes both (a test root CA, a signing
// certificate under it, a small ES256 MDS3 JWT listing the AAGUID of Chromium's CTAP2 virtual
// authenticator), starts the demo with them, registers a security key with the DevTools virtual
// authenticator, and finds the model's name from the metadata beside the key on the security page.
// A blob that does not verify stops the demo at start-up, saying why.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, startDemoProcess, type DemoProcess } from './helpers.js';
import { requirementsGate } from '../support/requirements.js';
import { signUp } from '../support/demo-user-steps.js';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.js';
import { bool, certificate, name, seq, tlv } from '../webauthn/helpers/der-encode.js';

const runnable = requirementsGate('demo FIDO metadata e2e', demoRequirementsMissing());

/** The AAGUID Chromium's CTAP2 virtual authenticator reports (device/fido/virtual_ctap2_device.cc). */
const VIRTUAL_AAGUID = '01020304-0506-0708-0102-030405060708';
const MODEL = 'mfakit Test Key 5 NFC (from metadata)';

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const b64u = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A root CA, an MDS signer under it, and an ES256 MDS3 blob it signs listing `aaguid` as `description`. */
function metadataFiles(aaguid: string, description: string): { rootPem: string; blob: string } {
  const rootKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rootName = name(['2.5.4.6', 'AA'], ['2.5.4.10', 'mfakit tests'], ['2.5.4.3', 'Test MDS root']);
  const root = certificate({
    subject: rootName,
    issuer: rootName,
    publicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      ['2.5.29.19', true, seq(bool(true))],
      ['2.5.29.15', true, tlv(3, Uint8Array.of(1, 0x06))],
    ],
  });
  const signerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = certificate({ subject: name(['2.5.4.3', 'Test MDS signer']), issuer: rootName, publicKey: signerKeys.publicKey, signingKey: rootKeys.privateKey, serial: 2 });
  const header = b64u({ alg: 'ES256', typ: 'JWT', x5c: [Buffer.from(signer).toString('base64')] });
  const payload = b64u({
    legalHeader: 'test',
    no: 7,
    nextUpdate: '2099-01-01',
    entries: [
      {
        aaguid,
        metadataStatement: { aaguid, description, attestationRootCertificates: [] },
        statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2024-03-01' }],
        timeOfLastStatusChange: '2024-03-01',
      },
    ],
  });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: signerKeys.privateKey, dsaEncoding: 'ieee-p1363' });
  return { rootPem: pem(root), blob: `${header}.${payload}.${signature.toString('base64url')}` };
}

let dir: string;
let demo: DemoProcess;
let browser: Browser;

beforeAll(async () => {
  if (!runnable) return;
  dir = mkdtempSync(join(tmpdir(), 'mfakit-demo-mds-'));
  const files = metadataFiles(VIRTUAL_AAGUID, MODEL);
  writeFileSync(join(dir, 'mds3.jwt'), files.blob);
  writeFileSync(join(dir, 'root.pem'), files.rootPem);
  // Another root: the blob does not chain to it.
  writeFileSync(join(dir, 'other-root.pem'), metadataFiles(VIRTUAL_AAGUID, MODEL).rootPem);
  demo = await startDemoProcess({ MFAKIT_DEMO_STORE: 'memory', MFAKIT_DEMO_MDS_BLOB: join(dir, 'mds3.jwt'), MFAKIT_DEMO_MDS_ROOT: join(dir, 'root.pem') });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!runnable)('the demo with a FIDO metadata blob', { timeout: 120_000 }, () => {
  it('says at start-up that the blob verified, and shows the model from the metadata beside a registered security key', async () => {
    expect(demo.output()).toMatch(/FIDO metadata: blob no\. 7 verified, 1 authenticator model/);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      page.setDefaultTimeout(30_000);
      const authenticator = await addVirtualAuthenticator(page, { transport: 'usb', hasResidentKey: false });
      await signUp(page, demo.url, 'mds@example.com');
      await page.click('#add-webauthn');
      await page.waitForURL(/\/security\/webauthn$/);
      await page.fill('#name', 'Blue key');
      await page.click('#register-security-key');
      await page.waitForURL(/\/security\/backup-codes$/);
      await page.click('#saved-backup-codes');
      await page.waitForURL(/\/security$/);
      expect(await authenticator.credentials()).toHaveLength(1);
      const row = page.locator('#devices tr[data-factor]', { hasText: 'Blue key' });
      expect((await row.locator('.authenticator-model').textContent())?.trim()).toBe(MODEL);
    } finally {
      await ctx.close();
    }
  });

  it('a blob that does not chain to the given root stops the demo at start-up, naming the setting', async () => {
    const failed = await startDemoProcess({ MFAKIT_DEMO_MDS_BLOB: join(dir, 'mds3.jwt'), MFAKIT_DEMO_MDS_ROOT: join(dir, 'other-root.pem') }).then(
      async (started) => {
        await started.stop();
        return '';
      },
      (error: unknown) => String(error),
    );
    expect(failed).toMatch(/exited with 1/);
    expect(failed).toMatch(/MFAKIT_DEMO_MDS_BLOB/);
    expect(failed).toMatch(/INVALID_METADATA|chain/);
  });
});
