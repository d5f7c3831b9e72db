// mfakit in a Hono app: a JSON API to set up an authenticator app, check the code at login
// (throttled, replay-proof), regenerate backup codes behind step-up, and turn MFA off.
//
//   npm run build && npx tsx examples/hono/server.ts     (listens on PORT, default 3002)
//
// mfakit is imported by its package name, as an app would import it (in this repository the name
// resolves to the built dist/). test/examples/hono.test.ts drives this server over HTTP. The app
// itself uses only Web APIs, so `app.fetch` runs unchanged on Bun, Deno or a worker runtime.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { createMemoryStore, createMfaService, isMfaError, mfaErrorStatus, type MfaVerifyResult } from 'mfakit';

export interface ExampleOptions {
  /** Where the audit events go; default the console. */
  readonly log?: (line: string) => void;
}

// --- The app's own authentication: a stand-in -------------------------------------------------
// A real app knows the user from its session cookie (after the password step). Here the
// `x-user-id` header names the user, and `sessions` is the server-side session data, which holds
// the step-up token: it never goes to the browser.
interface Session {
  stepUpToken?: string;
}
type AppEnv = { Variables: { userId: string; session: Session } };

/** The JSON body as an object ({} when it is not JSON). */
async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const body: unknown = await c.req.json().catch(() => null);
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** Text from a JSON body field ('' when missing, which the service refuses as malformed). */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A failed login code: 400 when it cannot be a code, 401 wrong or reused, 429 with Retry-After. */
function verifyFailure(c: Context, result: Extract<MfaVerifyResult, { ok: false }>): Response {
  if (result.reason === 'throttled' || result.reason === 'locked') {
    const seconds = Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000));
    c.header('Retry-After', String(seconds));
    return c.json({ error: result.reason, retryAt: result.retryAt }, 429);
  }
  return c.json({ error: result.reason }, result.reason === 'malformed' ? 400 : 401);
}

/** The Hono app. One MFA service per app; this one keeps everything in memory. */
export function createApp(options: ExampleOptions = {}): Hono<AppEnv> {
  const log = options.log ?? console.log;
  const mfa = createMfaService({
    issuer: 'Example App',
    store: createMemoryStore(), // one process; use mfakit/stores/postgres or /redis for many
    // Seals TOTP secrets at rest. A real app loads this key from its secret manager.
    keyRing: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
    events: (e) => log(`mfa event: ${e.type} account=${e.accountId}${e.kind ? ` kind=${e.kind}` : ''}${e.reason ? ` reason=${e.reason}` : ''}`),
  });
  const sessions = new Map<string, Session>(); // the app's session store, keyed by user here

  const app = new Hono<AppEnv>();
  app.use('/mfa/*', async (c, next) => {
    const userId = c.req.header('x-user-id');
    if (!userId) return c.json({ error: 'not signed in' }, 401);
    if (!sessions.has(userId)) sessions.set(userId, {});
    c.set('userId', userId);
    c.set('session', sessions.get(userId)!);
    await next();
  });

  // Status: is MFA on, and with which factors (no secrets in summaries).
  app.get('/mfa', async (c) => {
    const { mfaRequired, factors } = await mfa.loginRequirement(c.var.userId);
    return c.json({ mfaRequired, factors });
  });

  // (1) Start an authenticator-app enrolment: show the QR code or the manual key.
  app.post('/mfa/authenticator', async (c) => {
    const pending = await mfa.startAuthenticatorEnrolment(c.var.userId, {
      accountName: c.var.userId, // shown in the app: use the user's email address
      stepUpToken: c.var.session.stepUpToken, // needed once MFA is on (adding a second device)
    });
    const { enrolmentId, keyUri, qrSvg, manualKey, expiresAt } = pending;
    return c.json({ enrolmentId, keyUri, qrSvg, manualKey, expiresAt }, 201);
  });

  // (2) Confirm it with the first code; the first backup codes come back this once.
  app.post('/mfa/authenticator/confirm', async (c) => {
    const body = await jsonBody(c);
    const result = await mfa.confirmEnrolment(c.var.userId, text(body['enrolmentId']), text(body['code']));
    if (!result.ok) return c.json({ error: result.reason }, 400);
    return c.json({ factor: result.factor, backupCodes: result.backupCodes });
  });

  // (3) The login's second step, after the password: an app code or a backup code.
  app.post('/mfa/verify', async (c) => {
    const result = await mfa.verify(c.var.userId, text((await jsonBody(c))['code']));
    if (!result.ok) return verifyFailure(c, result);
    c.var.session.stepUpToken = result.stepUp.token; // the session is now fully signed in
    return c.json({ kind: result.kind, factor: result.factor, backupCodesRemaining: result.backupCodesRemaining });
  });

  // (4) New backup codes (the old set stops working): needs a recent verification.
  app.post('/mfa/backup-codes', async (c) => {
    const { backupCodes } = await mfa.regenerateBackupCodes(c.var.userId, { stepUpToken: c.var.session.stepUpToken ?? '' });
    return c.json({ backupCodes });
  });

  // (5) Turn MFA off: the user types "disable"; needs a recent verification too.
  app.post('/mfa/disable', async (c) => {
    const confirmation = text((await jsonBody(c))['confirmation']);
    const result = await mfa.disable(c.var.userId, { confirmation, stepUpToken: c.var.session.stepUpToken ?? '' });
    if (!result.ok) return c.json({ error: result.reason }, 400); // the typed word was wrong
    delete c.var.session.stepUpToken; // revoked by the service as well
    return c.json(result);
  });

  // MfaError: the client's mistake (4xx with its code), or ours (500, details only in the log).
  app.onError((error, c) => {
    const mfaStatus = mfaErrorStatus(error); // 400, 403, 404, 409, 410, 429 or 5xx
    if (isMfaError(error) && mfaStatus < 500) return c.json({ error: error.code, message: error.message }, mfaStatus);
    log(`error: ${String(error)}`);
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}

export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the app on `port` (0: any free port) of `host` (default 127.0.0.1). */
export async function startServer(options: ExampleOptions & { port?: number; host?: string } = {}): Promise<RunningExample> {
  const app = createApp(options);
  const host = options.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3002, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // idle keep-alive connections would hold close() open
      }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startServer({ port: Number(process.env['PORT'] ?? 3002) });
  console.log(`Hono example listening at ${url}`);
  console.log(`Try: curl -X POST -H 'x-user-id: ada' ${url}/mfa/authenticator`);
}
