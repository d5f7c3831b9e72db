/**
 * What a suite does when a tool or browser it needs is missing: skip with a clear line, except
 * under CI=true, where the missing piece is a failing test (a green CI run must have run it all).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'vitest';

export const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** Chromium from Debian (never downloaded); `MFAKIT_CHROMIUM` points elsewhere. */
export const CHROMIUM = process.env.MFAKIT_CHROMIUM ?? '/usr/bin/chromium';

/** Whether a command is installed (on the PATH and runnable). */
export function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** Whether the Chromium binary exists. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * Reports what a suite is missing. Returns whether it can run; when it cannot, prints one line
 * naming the missing pieces, and under CI=true registers a failing test saying the same.
 */
export function requirementsGate(suite: string, missing: readonly string[]): boolean {
  if (missing.length === 0) return true;
  const what = `${suite}: ${missing.join(', ')} not installed`;
  console.warn(`[mfakit] skipping ${what} (apt-get install them; see .ci/run)`);
  if (inCi) {
    test(`${suite}: ${missing.join(', ')} available (required under CI=true)`, () => {
      throw new Error(what);
    });
  }
  return false;
}
