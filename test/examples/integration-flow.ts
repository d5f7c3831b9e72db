// The walk-through both framework examples (examples/express, examples/hono) must pass, over real
// HTTP on an ephemeral port: enrol an authenticator app, confirm it, log in with a code (once
// only), a wrong code, a backup code (once only), step-up for new backup codes, disabling MFA, and
// throttling. The authenticator app is played by mfakit's generateTotp from the manual key shown.
// Like the examples, it imports mfakit by name (the built dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeBase32Secret, generateTotp } from 'mfakit/otp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

export type StartExample = (options: { port: number; host: string; log: (line: string) => void }) => Promise<RunningExample>;

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The examples import `mfakit` by name, i.e. dist/; another build may be rewriting it right now. */
async function waitForDist(timeoutMs = 60_000): Promise<void> {
  const entries = ['index.js', 'otp/index.js', 'service/index.js'];
  const until = Date.now() + timeoutMs;
  while (!entries.every((e) => existsSync(`${DIST}${e}`))) {
    if (Date.now() > until) throw new Error('dist/ is missing: run `npm run build` first');
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** The user's authenticator app: the code it shows `offsetSeconds` from now. */
function phoneFor(manualKey: string): (offsetSeconds?: number) => string {
  const secret = decodeBase32Secret(manualKey.replace(/ /g, ''));
  return (offsetSeconds = 0) => generateTotp(secret, { now: () => Date.now() + offsetSeconds * 1000 });
}

/** A six-digit code no step near now produces (so it is wrong whatever the drift window). */
function wrongCode(phone: (offsetSeconds?: number) => string): string {
  const near = new Set([-90, -60, -30, 0, 30, 60, 90].map((s) => phone(s)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

export function describeIntegration(name: string, start: StartExample): void {
  describe(name, () => {
    const log: string[] = [];
    let server: RunningExample | undefined;

    async function call(path: string, userId: string | null, body?: Record<string, unknown>): Promise<Reply> {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (userId !== null) headers['x-user-id'] = userId;
      const response = await fetch(`${server!.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    }

    /** Enrols and confirms an authenticator app; returns the user's phone. */
    async function enrol(userId: string): Promise<(offsetSeconds?: number) => string> {
      const started = await call('/mfa/authenticator', userId, {});
      expect(started.status).toBe(201);
      const manualKey = started.body['manualKey'] as string;
      const phone = phoneFor(manualKey);
      const confirmed = await call('/mfa/authenticator/confirm', userId, { enrolmentId: started.body['enrolmentId'], code: phone() });
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      return phone;
    }

    beforeAll(async () => {
      await waitForDist();
      server = await start({ port: 0, host: '127.0.0.1', log: (line) => log.push(line) });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });
    afterAll(async () => {
      await server?.close();
    });

    const ADA = 'user-ada';
    let phone: (offsetSeconds?: number) => string;
    let manualKey = '';
    let backupCodes: string[] = [];

    test('refuses a request without the app session (401)', async () => {
      expect((await call('/mfa/authenticator', null, {})).status).toBe(401);
      expect((await call('/mfa/verify', null, { code: '123456' })).status).toBe(401);
    });

    test('enrolment returns a key URI, a QR SVG and the manual key; confirming returns backup codes once', async () => {
      const started = await call('/mfa/authenticator', ADA, {});
      expect(started.status).toBe(201);
      manualKey = started.body['manualKey'] as string;
      expect(manualKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
      const keyUri = new URL(started.body['keyUri'] as string);
      expect(keyUri.protocol).toBe('otpauth:');
      expect(keyUri.searchParams.get('secret')).toBe(manualKey.replace(/ /g, ''));
      expect(keyUri.searchParams.get('issuer')).toBe('Example App');
      expect(started.body['qrSvg']).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      phone = phoneFor(manualKey);

      // Nothing is active before the confirmation.
      expect((await call('/mfa', ADA)).body['mfaRequired']).toBe(false);
      const enrolmentId = started.body['enrolmentId'];
      const wrong = await call('/mfa/authenticator/confirm', ADA, { enrolmentId, code: wrongCode(phone) });
      expect(wrong).toMatchObject({ status: 400, body: { error: 'mismatch' } });
      const unknown = await call('/mfa/authenticator/confirm', ADA, { enrolmentId: 'f_nope', code: phone() });
      expect(unknown).toMatchObject({ status: 404, body: { error: 'ENROLMENT_NOT_FOUND' } });

      const confirmed = await call('/mfa/authenticator/confirm', ADA, { enrolmentId, code: phone() });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body['factor']).toMatchObject({ kind: 'totp', role: 'login' });
      backupCodes = confirmed.body['backupCodes'] as string[];
      expect(backupCodes).toHaveLength(10);
      expect(new Set(backupCodes).size).toBe(10);
      expect((await call('/mfa', ADA)).body['mfaRequired']).toBe(true);
      // The enrolment is spent: it cannot be confirmed (and its codes handed out) twice.
      expect((await call('/mfa/authenticator/confirm', ADA, { enrolmentId, code: phone(30) })).status).toBe(404);
    });

    test('new backup codes need a step-up: refused (403) before a verification', async () => {
      const refused = await call('/mfa/backup-codes', ADA, {});
      expect(refused).toMatchObject({ status: 403, body: { error: 'STEP_UP_REQUIRED' } });
    });

    test('login verification names the factor; the same code is refused the second time', async () => {
      // The confirmation spent the current step: the next code (within the drift window) logs in.
      const code = phone(30);
      const login = await call('/mfa/verify', ADA, { code });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(login.body['kind']).toBe('totp');
      expect(login.body['factor']).toMatchObject({ kind: 'totp', name: 'Authenticator app' });
      const replay = await call('/mfa/verify', ADA, { code });
      expect(replay).toMatchObject({ status: 401, body: { error: 'replayed' } });
      expect(log.some((line) => line.includes('replay-refused'))).toBe(true);
    });

    test('a wrong code is 401, text that cannot be a code 400', async () => {
      expect(await call('/mfa/verify', ADA, { code: wrongCode(phone) })).toMatchObject({ status: 401, body: { error: 'mismatch' } });
      expect(await call('/mfa/verify', ADA, { code: 'hello' })).toMatchObject({ status: 400, body: { error: 'malformed' } });
      expect(await call('/mfa/verify', ADA, {})).toMatchObject({ status: 400, body: { error: 'malformed' } });
    });

    test('a backup code logs in once', async () => {
      const code = backupCodes[0]!;
      const first = await call('/mfa/verify', ADA, { code });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ kind: 'backup-codes', backupCodesRemaining: 9 });
      // A spent backup code is gone from the store, so it reads as wrong ('replayed' only under a race).
      const again = await call('/mfa/verify', ADA, { code });
      expect(again.status).toBe(401);
      expect(again.body['error']).toMatch(/^(mismatch|replayed)$/);
    });

    test('after a verification, new backup codes replace the old set', async () => {
      const regenerated = await call('/mfa/backup-codes', ADA, {});
      expect(regenerated.status).toBe(200);
      const fresh = regenerated.body['backupCodes'] as string[];
      expect(fresh).toHaveLength(10);
      expect(fresh.some((c) => backupCodes.includes(c))).toBe(false);
      expect(await call('/mfa/verify', ADA, { code: backupCodes[1]! })).toMatchObject({ status: 401 });
      const login = await call('/mfa/verify', ADA, { code: fresh[0]! });
      expect(login).toMatchObject({ status: 200, body: { kind: 'backup-codes', backupCodesRemaining: 9 } });
    });

    test('disabling needs the typed confirmation, then MFA is off', async () => {
      const refused = await call('/mfa/disable', ADA, { confirmation: 'yes' });
      expect(refused).toMatchObject({ status: 400, body: { error: 'confirmation-mismatch' } });
      expect((await call('/mfa', ADA)).body['mfaRequired']).toBe(true);
      const disabled = await call('/mfa/disable', ADA, { confirmation: ' DISABLE ' });
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
      expect(disabled.body['factorsRemoved']).toBeGreaterThanOrEqual(1);
      expect(await call('/mfa', ADA)).toMatchObject({ status: 200, body: { mfaRequired: false, factors: [] } });
      // The step-up went with it, and there is nothing left to verify against.
      expect((await call('/mfa/backup-codes', ADA, {})).status).toBe(403);
      expect((await call('/mfa/verify', ADA, { code: phone() })).status).toBe(404);
    });

    test('repeated wrong codes are throttled: 429 with Retry-After', async () => {
      const bobsPhone = await enrol('user-bob');
      const wrong = wrongCode(bobsPhone);
      for (let i = 0; i < 5; i++) expect((await call('/mfa/verify', 'user-bob', { code: wrong })).status).toBe(401);
      const throttled = await call('/mfa/verify', 'user-bob', { code: bobsPhone(30) }); // even the right code
      expect(throttled).toMatchObject({ status: 429, body: { error: 'throttled' } });
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });

    test('audit events reach the sink, without secrets', () => {
      const types = log.map((line) => /^mfa event: (\S+)/.exec(line)?.[1]);
      for (const type of ['enrolment-started', 'enrolment-confirmed', 'verified', 'backup-code-used', 'backup-codes-regenerated', 'step-up-refused', 'mfa-disabled', 'throttled']) {
        expect(types).toContain(type);
      }
      const secret = manualKey.replace(/ /g, '');
      expect(log.join('\n')).not.toContain(secret);
      expect(log.some((line) => backupCodes.some((c) => line.includes(c)))).toBe(false);
      expect(log.filter((line) => line.startsWith('error:'))).toEqual([]);
    });
  });
}
