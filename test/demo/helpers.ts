// Helpers for the demo's end-to-end tests: start the demo (`examples/demo/main.ts`) as a child
// process on a free port, and play the user's tools: an authenticator app (oathtool, from the
// manual key), a QR reader (zbarimg), ssh-keygen.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { CHROMIUM, hasChromium, hasCommand } from '../support/requirements.js';

const run = promisify(execFile);

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export { CHROMIUM };
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const ARTEFACTS = `${REPO}test-artifacts/screenshots`;

export interface DemoProcess {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Waits for the built package (the demo imports `mfakit` by name, i.e. dist/). */
async function waitForDist(timeoutMs: number): Promise<void> {
  const entries = ['dist/index.js', 'dist/service/index.js', 'dist/webauthn/browser/index.js', 'dist/adapters/smtp/index.js'];
  const until = Date.now() + timeoutMs;
  while (!entries.every((e) => existsSync(`${REPO}${e}`))) {
    if (Date.now() > until) throw new Error('dist/ is missing: run `npm run build` (or `npx tsup`) first');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function startDemoProcess(env: Record<string, string | undefined> = {}): Promise<DemoProcess> {
  await waitForDist(60_000);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts', '--port', '0'], {
    cwd: REPO,
    // The tests run on the memory store unless they ask for another (npm run demo's default is a SQLite file).
    env: { ...process.env, MFAKIT_PG_URL: '', MFAKIT_REDIS_URL: '', MFAKIT_DEMO_STORE: 'memory', PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The demo's TOTP settings: `createMfaService`'s defaults (examples/demo/app.ts sets no `totp`). */
const TOTP_PERIOD_S = 30;
const TOTP_WINDOW = { past: 1, future: 1 };
/** How long a code may take from the app to the server's check (typing, the request; a busy machine). */
const CODE_TRANSIT_S = 10;

/**
 * The authenticator app: oathtool computes the code from the manual key. Each code is used once
 * (the server refuses a time step at or before the factor's last one), so successive calls move to
 * the next unused step. The server accepts one step of drift each way: a call takes the oldest
 * unused step that will still be inside that window when the code arrives ({@link CODE_TRANSIT_S}
 * from now), which gives up to three codes at once (previous, current and next step). Only a
 * fourth within the same step waits, until the next step begins.
 */
export class AuthenticatorApp {
  private lastStep = -1;
  constructor(readonly base32Key: string) {}

  async code(): Promise<string> {
    for (;;) {
      const now = Date.now() / 1000;
      const step = Math.floor(now / TOTP_PERIOD_S);
      // The oldest step the server still accepts when the code arrives; the newest it accepts now
      // (and later, as its clock only moves on).
      const oldest = Math.floor((now + CODE_TRANSIT_S) / TOTP_PERIOD_S) - TOTP_WINDOW.past;
      const use = Math.max(this.lastStep + 1, oldest);
      if (use <= step + TOTP_WINDOW.future) {
        this.lastStep = use;
        const { stdout } = await run('oathtool', ['--totp', '-b', this.base32Key, '-N', `@${use * TOTP_PERIOD_S}`]);
        return stdout.trim();
      }
      // Every acceptable step is spent: wait for the next one to begin.
      await new Promise((r) => setTimeout(r, ((step + 1) * TOTP_PERIOD_S - now) * 1000 + 50));
    }
  }
}

/** Decodes a QR code image with a real reader. */
export async function readQr(pngPath: string): Promise<string> {
  const { stdout } = await run('zbarimg', ['--raw', '-q', pngPath]);
  return stdout.trim();
}

export async function sh(command: string, args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await run(command, args)).stdout;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} failed (${code}): ${err}`))));
    child.stdin.end(input);
  });
}

/** What the demo's end-to-end tests need and this machine lacks: Chromium and the command-line tools. */
export function demoRequirementsMissing(): string[] {
  const tools = ['oathtool', 'zbarimg', 'ssh-keygen'].filter((tool) => !hasCommand(tool));
  return [...(hasChromium() ? [] : [CHROMIUM]), ...tools];
}
