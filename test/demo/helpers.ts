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

/**
 * The authenticator app: oathtool computes the code from the manual key. Each code is used once
 * (the server refuses a replayed time step), so successive calls move to the next step, within
 * the one step of drift the server accepts, waiting when they would run ahead.
 */
export class AuthenticatorApp {
  private lastStep = -1;
  constructor(readonly base32Key: string) {}

  async code(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 1000);
      const step = Math.floor(now / 30);
      const use = Math.max(step, this.lastStep + 1);
      // Accepted drift is one step ahead; stay a few seconds clear of the boundary.
      if (use <= step || (use === step + 1 && now % 30 < 25)) {
        this.lastStep = use;
        const { stdout } = await run('oathtool', ['--totp', '-b', this.base32Key, '-N', `@${use * 30}`]);
        return stdout.trim();
      }
      await new Promise((r) => setTimeout(r, 1000));
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
