/**
 * Size budget: the minified + gzipped browser bundle (esbuild, ESM, platform browser, gzip -9) of
 * each core entry point, and of the smallest thing an app imports (`verifyTotp`), stays under
 * the budget written here. Budgets sit a few percent above what was measured when they were set
 * (numbers in the table), so an accidental import that drags in a module shows up as a failure.
 *
 * `verifyTotp` at 3 KB (issue 2's target) is NOT met: measured 7.5 KB. What it carries is
 * mostly @noble/hashes: HMAC + SHA-1 + SHA-256 + SHA-512 alone are 5.4 KB (SHA-1 only: 2.4 KB),
 * because `verifyTotp` accepts all three RFC 6238 algorithms at run time. The budget below is the
 * honest one; CHANGELOG and the issue note say so.
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

const root = new URL('../../', import.meta.url);
const entries = JSON.parse(readFileSync(new URL('src/entries.json', root), 'utf8')) as Record<string, string>;

async function gzippedSize(contents: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: root.pathname, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

const KB = 1024;
// subpath -> [measured bytes when set (2026-11-24), budget bytes]
const budgets: Record<string, readonly [number, number]> = {
  '.': [96_716, 97.5 * KB], // 2026-12-05: + remembered devices, throttle model, security fixes
  './otp': [11_757, 12.25 * KB], // 18,720 B until the QR encoder moved to its own subpath (2026-12-05)
  './otp/qr': [7_965, 8.5 * KB],
  './backup-codes': [13_250, 14 * KB],
  './oob': [5_950, 6.25 * KB],
  './webauthn': [40_193, 42 * KB],
  './webauthn/browser': [3_060, 3.25 * KB], // 2026-12-05: + autofill helper and error classes (MfaError)
  './ssh': [31_896, 33 * KB],
  './policy': [5_283, 5.25 * KB], // 2026-12-05: + remembered-device policy, inactive settings ignored; 4,904 B before decisions name the organisation that restricts or makes the combination unsatisfiable (issue 17)
  './service': [93_580, 94.5 * KB], // 2026-12-05: + remembered devices, throttle model, enrolment binding, send caps
  './stores/memory': [4_530, 4.75 * KB], // 2,302 B before src/store/arguments.ts, the credential-id index, attempt records and listChallenges (2026-12-05); 4,230 B before a login's reads with its charge (issue 19)
};

describe('browser bundle size budget (min+gzip)', () => {
  const nodeOnly = new Set(['./stores/postgres', './stores/redis', './stores/composed', './stores/sql', './adapters/smtp', './conformance']);
  test('every core entry point has a budget (adapters and the conformance suite are Node-only)', () => {
    const core = Object.keys(entries).filter((subpath) => !nodeOnly.has(subpath));
    expect(Object.keys(budgets).sort()).toEqual(core.sort());
  });

  test('verifyTotp alone: at most 7.75 KB (measured 7,682 B; issue target 3 KB not met, see header)', async () => {
    const size = await gzippedSize("export { verifyTotp } from './src/otp/index.ts';");
    console.info(`[size] verifyTotp: ${size} B min+gzip`);
    expect(size).toBeLessThanOrEqual(7.75 * KB);
    // Tree-shaking works: the one-function bundle leaves out a third of the OTP entry (base32, key
    // URIs, HOTP; half of it before the QR encoder moved to its own subpath).
    expect(size).toBeLessThan(budgets['./otp']![0] * 0.7);
  });

  test('verifyTotp alone from the built dist/ (bundled entries, shared chunks): as small as from source', async () => {
    const fromSource = await gzippedSize("export { verifyTotp } from './src/otp/index.ts';");
    const fromDist = await gzippedSize("export { verifyTotp } from './dist/otp/index.js';");
    console.info(`[size] verifyTotp from dist/: ${fromDist} B min+gzip (from src/: ${fromSource} B)`);
    // The built chunks must not hold code a bundler cannot drop (top-level calls it must keep).
    expect(fromDist).toBeLessThanOrEqual(fromSource + 256);
    expect(fromDist).toBeLessThanOrEqual(7.75 * KB);
  });

  for (const [subpath, [measured, budget]] of Object.entries(budgets)) {
    test(`${subpath}: at most ${(budget / KB).toFixed(2)} KB (measured ${measured} B)`, async () => {
      const size = await gzippedSize(`export * from './${entries[subpath]}';`);
      console.info(`[size] ${subpath}: ${size} B min+gzip (budget ${budget} B)`);
      expect(size).toBeLessThanOrEqual(budget);
    });
  }
});
