// `npm run demo` as a person runs it: it says what it does while it starts (and whether it builds
// dist/ first), and prints the URL last. The build decision (examples/demo/build-check.ts) is
// checked on a made-up tree, so no test rebuilds the dist/ other suites are using.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distIsStale } from '../../examples/demo/build-check.js';
import { REPO } from './helpers.js';

const temp = mkdtempSync(join(tmpdir(), 'mfakit-demo-build-check-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function file(path: string, at: number): void {
  mkdirSync(join(temp, path, '..'), { recursive: true });
  writeFileSync(join(temp, path), '');
  utimesSync(join(temp, path), at / 1000, at / 1000);
}

describe('the demo launcher', () => {
  it('builds when dist/ is missing or older than a source file, not otherwise', () => {
    const t = Date.now() - 100_000;
    file('src/otp/index.ts', t);
    file('package.json', t);
    expect(distIsStale(temp)).toBe('dist/index.js is missing');
    for (const built of ['dist/index.js', 'dist/service/index.js', 'dist/webauthn/browser/index.js', 'dist/adapters/smtp/index.js', 'dist/stores/memory/index.js']) file(built, t + 10_000);
    expect(distIsStale(temp)).toBeNull();
    file('src/otp/totp.ts', t + 20_000);
    expect(distIsStale(temp)).toBe('src/otp/totp.ts changed after the last build');
  });

  it('`npm run demo` prints each step while it starts, then the URL; its default store is a SQLite file', { timeout: 60_000 }, async () => {
    // The suites run against a fresh build (npm test builds first): the launcher must find it up to date.
    const stale = distIsStale(REPO);
    if (stale !== null) throw new Error(`dist/ is out of date (${stale}): run npm run build before this test`);
    const child = spawn('npm', ['run', '--silent', 'demo', '--', '--port', '0'], {
      cwd: REPO,
      // The default store (no MFAKIT_DEMO_STORE): a SQLite file, here in a temporary directory.
      env: { ...process.env, MFAKIT_PG_URL: '', MFAKIT_REDIS_URL: '', MFAKIT_DEMO_STORE: '', MFAKIT_SQLITE_PATH: join(temp, 'data', 'demo.sqlite'), PORT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 50_000);
        child.stdout!.on('data', () => {
          if (/running at http:\/\/localhost:\d+/.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`npm run demo exited with ${code}:\n${output}`)));
      });
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
      const steps = [
        /checking whether dist\/ is up to date/,
        /dist\/ is up to date: no build needed/,
        /starting the mail catcher/,
        /opening the SQLite MFA store \(.*demo\.sqlite\)/,
        /bundling the page scripts/,
        /starting the web server/,
        /running at http:\/\/localhost:\d+/,
      ].map(at);
      expect(steps.every((i) => i >= 0), output).toBe(true);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      // The URL is the last thing said.
      expect(steps[steps.length - 1]).toBe(lines.length - 1);
    } finally {
      // npm runs the demo as a child: stop the whole process group this test started.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  });
});
