// Builds and starts the demo: mail catcher (real SMTP), MFA store, the mfakit service (TOTP, backup
// codes, email codes, WebAuthn, policy hook), the browser helper bundle, and the Hono app behind a
// node:http server.
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMfaService, createPolicyHook } from 'mfakit/service';
import { bundleClientScript } from './client/bundle.js';
import { EventLog } from './event-log.js';
import { html } from './html.js';
import { startMailbox } from './mail.js';
import { loadDemoMetadata } from './metadata.js';
import { policyResolver } from './organisations.js';
import { authRoutes } from './routes/auth.js';
import { backupCodeRoutes } from './routes/backup-codes.js';
import { enrolRoutes } from './routes/enrol.js';
import { miscRoutes } from './routes/misc.js';
import { phoneRoutes } from './routes/phone.js';
import { recoveryRoutes } from './routes/recovery.js';
import { secondFactorRoutes } from './routes/second-factor.js';
import { securityRoutes } from './routes/security.js';
import { webauthnRoutes } from './routes/webauthn.js';
import { SESSION_COOKIE, SessionStore, cookieHeader, csrfMatches } from './sessions.js';
import { DEFAULT_SQLITE_PATH, chooseStore, demoStoreKind } from './stores.js';
import { SmsOutbox, channelSender } from './texts.js';
import { UserDirectory } from './users.js';
import { render, type Demo, type DemoEnv } from './web.js';

export interface DemoOptions {
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1 (the demo has no business on the network). */
  readonly host?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Told each start-up step as it begins (`npm run demo` prints them). */
  readonly progress?: (step: string) => void;
}

export interface RunningDemo {
  readonly url: string;
  readonly storeDescription: string;
  readonly smtpPort: number;
  close(): Promise<void>;
}

const APP_NAME = 'mfakit demo';
/** How long "Remember this browser" lasts (fixed from the login that ticked it). */
const REMEMBER_DAYS = 30;
/** What recovery signatures are made for (`ssh-keygen -Y sign -n …`): never valid anywhere else. */
const SSH_NAMESPACE = 'recovery@demo.mfakit.test';

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/**
 * Keys for sealing TOTP secrets and hashing email codes: from MFAKIT_DEMO_SECRET, else from the
 * secret the SQLite file keeps, else fresh each run.
 */
function demoKeys(env: NodeJS.ProcessEnv, stored: string | undefined): { seal: Uint8Array; oob: Uint8Array; persistent: boolean } {
  const secret = env['MFAKIT_DEMO_SECRET'] || stored;
  const master = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  const derive = (info: string) => new Uint8Array(hkdfSync('sha256', master, 'mfakit-demo', info, 32));
  return { seal: derive('totp-seal'), oob: derive('oob-codes'), persistent: Boolean(secret) };
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  const progress = options.progress ?? (() => {});
  // Optional (MFAKIT_DEMO_MDS_BLOB + MFAKIT_DEMO_MDS_ROOT): checked first, so a bad blob stops the start-up at once.
  if (env['MFAKIT_DEMO_MDS_BLOB'] || env['MFAKIT_DEMO_MDS_ROOT']) progress('verifying the FIDO metadata blob (MFAKIT_DEMO_MDS_BLOB)');
  const fido = await loadDemoMetadata(env);
  if (fido) console.log(`mfakit demo: FIDO metadata: ${fido.description}`);
  progress('starting the mail catcher (SMTP on a loopback port)');
  const mailbox = await startMailbox({ appName: APP_NAME, from: `${APP_NAME} <no-reply@demo.mfakit.test>` });
  progress(
    env['MFAKIT_PG_URL'] || env['MFAKIT_REDIS_URL']
      ? 'connecting to the MFA store'
      : demoStoreKind(env) === 'memory'
        ? 'opening the in-memory MFA store'
        : `opening the SQLite MFA store (${env['MFAKIT_SQLITE_PATH'] || DEFAULT_SQLITE_PATH})`,
  );
  const chosen = await chooseStore(env).catch(async (error: unknown) => {
    await mailbox.close();
    throw error;
  });
  progress('bundling the page scripts (esbuild)');
  const [appScript, webauthnScript] = await Promise.all([bundleClientScript('app'), bundleClientScript('webauthn')]).catch(async (error: unknown) => {
    await mailbox.close();
    await chosen.close();
    throw error;
  });
  progress('starting the web server');

  let handler: ((request: Request) => Response | Promise<Response>) | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request) => (handler ? handler(request) : new Response('starting', { status: 503 })),
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // WebAuthn binds credentials to the site's name: the demo's origin is http://localhost:<port>.
  const origin = `http://localhost:${port}`;

  try {
    const keys = demoKeys(env, chosen.secret);
    if (!keys.persistent && chosen.persistent) {
      console.warn('MFAKIT_DEMO_SECRET is not set: authenticator-app secrets stored in the database cannot be opened after a restart.');
    }
    const users = new UserDirectory(chosen.users);
    await users.load();
    const events = new EventLog();
    const texts = new SmsOutbox(APP_NAME);
    const service = createMfaService({
      issuer: APP_NAME,
      store: chosen.store,
      keyRing: { currentKeyId: 'demo-1', keys: { 'demo-1': keys.seal } },
      events: events.sink,
      oob: { key: keys.oob, sender: channelSender(mailbox.sender, texts), channels: ['email', 'sms'] },
      policy: createPolicyHook(policyResolver(users)),
      recovery: { sshNamespace: SSH_NAMESPACE },
      // With a FIDO metadata blob, new security keys and passkeys carry their model's name.
      webauthn: { rpId: 'localhost', rpName: APP_NAME, origins: [origin], ...(fido ? { metadata: fido.metadata } : {}) },
      // The demo is clicked through by hand: a wrong code costs a short delay, not a lock-out.
      limits: { freeAttempts: 5, lockAfter: 20, baseDelayMs: 1000, maxDelayMs: 30_000, windowMs: 3_600_000 },
      rememberedDevices: { lifetimeMs: REMEMBER_DAYS * 86_400_000, maxPerAccount: 10, revokeOnFactorChange: true },
    });
    const demo: Demo = {
      appName: APP_NAME,
      origin,
      service,
      users,
      sessions: new SessionStore(),
      mailbox,
      texts,
      events,
      storeDescription: chosen.description,
      storePersistent: chosen.users !== undefined,
      rememberedDeviceDays: REMEMBER_DAYS,
      appScript,
      webauthnScript,
    };

    const app = new Hono<DemoEnv>();
    app.use('*', async (c, next) => {
      c.set('demo', demo);
      const cookieId = getCookie(c, SESSION_COOKIE);
      const session = demo.sessions.load(cookieId);
      c.set('session', session);
      if (c.req.method === 'POST') {
        // SameSite=Lax cookies, a same-origin check, and a per-session token on every form and fetch.
        const from = c.req.header('origin');
        if (from !== undefined && from !== 'null' && URL.canParse(from) && new URL(from).host !== c.req.header('host')) {
          return c.text('Cross-site request refused.', 403);
        }
        const json = (c.req.header('content-type') ?? '').includes('application/json');
        const token = json ? c.req.header('x-csrf-token') : (await c.req.parseBody())['_csrf'];
        if (!csrfMatches(session, token)) return c.text('The form expired (missing or wrong CSRF token). Go back, reload the page and try again.', 403);
      }
      await next();
      if (session.id !== cookieId) c.res.headers.append('set-cookie', cookieHeader(session.id, origin.startsWith('https:')));
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
      if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
    });

    app.get('/assets/app.js', (c) => c.body(demo.appScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
    app.get('/assets/webauthn.js', (c) => c.body(demo.webauthnScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
    authRoutes(app);
    secondFactorRoutes(app);
    securityRoutes(app);
    enrolRoutes(app);
    backupCodeRoutes(app);
    webauthnRoutes(app);
    recoveryRoutes(app);
    phoneRoutes(app);
    miscRoutes(app);
    app.notFound((c) => render(c, 'Not found', html`<h1>Not found</h1><p><a href="/">Home</a></p>`, { status: 404 }));
    app.onError((error, c) => {
      console.error(error);
      return c.text('Something went wrong in the demo. See the server log.', 500);
    });
    handler = (request) => app.fetch(request);
  } catch (error) {
    server.close();
    await mailbox.close();
    await chosen.close();
    throw error;
  }

  return {
    url: origin,
    storeDescription: chosen.description,
    smtpPort: mailbox.port,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mailbox.close();
      await chosen.close();
    },
  };
}
