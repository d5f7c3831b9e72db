// mfakit in an Express app: a JSON API to set up an authenticator app, check the code at login
// (throttled, replay-proof), regenerate backup codes behind step-up, and turn MFA off.
//
//   npm run build && npx tsx examples/express/server.ts     (listens on PORT, default 3001)
//
// mfakit is imported by its package name, as an app would import it (in this repository the name
// resolves to the built dist/). test/examples/express.test.ts drives this server over HTTP.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
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
interface SignedIn {
  readonly userId: string;
  readonly session: Session;
}
const signedIn = (res: Response): SignedIn => res.locals['signedIn'] as SignedIn;

/** Text from a JSON body field ('' when missing, which the service refuses as malformed). */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A failed login code: 400 when it cannot be a code, 401 wrong or reused, 429 with Retry-After. */
function sendVerifyFailure(res: Response, result: Extract<MfaVerifyResult, { ok: false }>): void {
  if (result.reason === 'throttled' || result.reason === 'locked') {
    const seconds = Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000));
    res.status(429).set('Retry-After', String(seconds)).json({ error: result.reason, retryAt: result.retryAt });
  } else {
    res.status(result.reason === 'malformed' ? 400 : 401).json({ error: result.reason });
  }
}

/** The Express app. One MFA service per app; this one keeps everything in memory. */
export function createApp(options: ExampleOptions = {}): express.Express {
  const log = options.log ?? console.log;
  const mfa = createMfaService({
    issuer: 'Example App',
    store: createMemoryStore(), // one process; use mfakit/stores/postgres or /redis for many
    // Seals TOTP secrets at rest. A real app loads this key from its secret manager.
    keyRing: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
    events: (e) => log(`mfa event: ${e.type} account=${e.accountId}${e.kind ? ` kind=${e.kind}` : ''}${e.reason ? ` reason=${e.reason}` : ''}`),
  });
  const sessions = new Map<string, Session>(); // the app's session store, keyed by user here

  const app = express();
  app.use(express.json({ limit: '10kb' }));
  app.use('/mfa', (req: Request, res: Response, next: NextFunction) => {
    const userId = req.header('x-user-id');
    if (!userId) return res.status(401).json({ error: 'not signed in' });
    if (!sessions.has(userId)) sessions.set(userId, {});
    res.locals['signedIn'] = { userId, session: sessions.get(userId)! } satisfies SignedIn;
    next();
  });

  // Status: is MFA on, and with which factors (no secrets in summaries).
  app.get('/mfa', async (_req, res) => {
    const { mfaRequired, factors } = await mfa.loginRequirement(signedIn(res).userId);
    res.json({ mfaRequired, factors });
  });

  // (1) Start an authenticator-app enrolment: show the QR code or the manual key.
  app.post('/mfa/authenticator', async (_req, res) => {
    const { userId, session } = signedIn(res);
    const pending = await mfa.startAuthenticatorEnrolment(userId, {
      accountName: userId, // shown in the app: use the user's email address
      stepUpToken: session.stepUpToken, // needed once MFA is on (adding a second device)
    });
    const { enrolmentId, keyUri, qrSvg, manualKey, expiresAt } = pending;
    res.status(201).json({ enrolmentId, keyUri, qrSvg, manualKey, expiresAt });
  });

  // (2) Confirm it with the first code; the first backup codes come back this once.
  app.post('/mfa/authenticator/confirm', async (req, res) => {
    const result = await mfa.confirmEnrolment(signedIn(res).userId, text(req.body?.enrolmentId), text(req.body?.code));
    if (!result.ok) return res.status(400).json({ error: result.reason });
    res.json({ factor: result.factor, backupCodes: result.backupCodes });
  });

  // (3) The login's second step, after the password: an app code or a backup code.
  app.post('/mfa/verify', async (req, res) => {
    const { userId, session } = signedIn(res);
    const result = await mfa.verify(userId, text(req.body?.code));
    if (!result.ok) return sendVerifyFailure(res, result);
    session.stepUpToken = result.stepUp.token; // the session is now fully signed in
    res.json({ kind: result.kind, factor: result.factor, backupCodesRemaining: result.backupCodesRemaining });
  });

  // (4) New backup codes (the old set stops working): needs a recent verification.
  app.post('/mfa/backup-codes', async (_req, res) => {
    const { userId, session } = signedIn(res);
    const { backupCodes } = await mfa.regenerateBackupCodes(userId, { stepUpToken: session.stepUpToken ?? '' });
    res.json({ backupCodes });
  });

  // (5) Turn MFA off: the user types "disable"; needs a recent verification too.
  app.post('/mfa/disable', async (req, res) => {
    const { userId, session } = signedIn(res);
    const result = await mfa.disable(userId, { confirmation: text(req.body?.confirmation), stepUpToken: session.stepUpToken ?? '' });
    if (!result.ok) return res.status(400).json({ error: result.reason }); // the typed word was wrong
    delete session.stepUpToken; // revoked by the service as well
    res.json(result);
  });

  // MfaError: the client's mistake (4xx with its code), or ours (5xx, details only in the log). Express 5 routes rejected
  // promises here; body-parser errors carry their own status.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const mfaStatus = mfaErrorStatus(error); // 400, 403, 404, 409, 410, 429 or 5xx
    if (isMfaError(error) && mfaStatus < 500) return res.status(mfaStatus).json({ error: error.code, message: error.message });
    const status = (error as { status?: unknown }).status; // body-parser: bad JSON, too large
    if (typeof status === 'number' && status < 500) return res.status(status).json({ error: 'bad request' });
    log(`error: ${String(error)}`);
    res.status(500).json({ error: 'internal error' });
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
  const server = await new Promise<Server>((resolve, reject) => {
    const listening: Server = app.listen(options.port ?? 3001, host, (error) => (error ? reject(error) : resolve(listening)));
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
  const { url } = await startServer({ port: Number(process.env['PORT'] ?? 3001) });
  console.log(`Express example listening at ${url}`);
  console.log(`Try: curl -X POST -H 'x-user-id: ada' ${url}/mfa/authenticator`);
}
