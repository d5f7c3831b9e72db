// The demo on PostgreSQL and Redis (MFAKIT_PG_URL / MFAKIT_REDIS_URL; both together make the
// composed store): set up an authenticator app in headless Chromium, restart the demo, and log in
// again with the password and a code: the account, its factor and its replay state survived the
// restart. Runs when both servers answer (the adapter tests' defaults); skipped with a line
// otherwise, and required under CI=true.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, demoRequirementsMissing, startDemoProcess, type AuthenticatorApp, type DemoProcess } from './helpers.js';
import { enterCode, newDemoPage, setUpAuthenticatorApp, signUp, submitPassword } from '../support/demo-user-steps.js';
import { requirementsGate } from '../support/requirements.js';

const PG_URL = process.env['MFAKIT_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['MFAKIT_REDIS_URL'] || 'redis://127.0.0.1:6379';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await client.connect();
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
    redis.disconnect();
  }
}

const servers = await reachable();
const runnable = requirementsGate('demo on PostgreSQL and Redis', [
  ...(servers ? [] : [`servers at ${PG_URL} and ${REDIS_URL}`]),
  ...demoRequirementsMissing(),
]);

const suffix = randomBytes(4).toString('hex');
const PG_PREFIX = `mfakit_demo_${suffix}_`;
const REDIS_PREFIX = `mfakit-demo-${suffix}:`;
const SECRET = randomBytes(24).toString('base64url');

let browser: Browser;
let demo: DemoProcess | undefined;

async function cleanUp(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const { rows } = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE tablename LIKE $1`, [`${PG_PREFIX}%`]);
  for (const { tablename } of rows) await client.query(`DROP TABLE IF EXISTS "${tablename}" CASCADE`);
  await client.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${REDIS_PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

beforeAll(async () => {
  if (!runnable) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (runnable) await cleanUp();
});

const newPage = () => newDemoPage(browser, 10_000);

async function signUpWithAuthenticator(page: Page, email: string): Promise<AuthenticatorApp> {
  await signUp(page, demo!.url, email);
  return setUpAuthenticatorApp(page);
}

async function logInWithCode(page: Page, email: string, phone: AuthenticatorApp): Promise<void> {
  await submitPassword(page, demo!.url, email);
  await enterCode(page, phone);
  expect(await page.locator('#devices tr', { hasText: 'Phone' }).count()).toBe(1);
  expect(await page.textContent('#backup-remaining')).toBe('10');
}

const configurations = [
  { name: 'PostgreSQL + Redis (composed)', description: 'PostgreSQL (durable data) + Redis (counters, challenges)', pg: true, redis: true, restart: true },
  { name: 'PostgreSQL', description: 'PostgreSQL store', pg: true, redis: false, restart: true },
  // Users stay in memory without PostgreSQL: no restart.
  { name: 'Redis', description: 'Redis store', pg: false, redis: true, restart: false },
];

describe.skipIf(!runnable)('the demo on PostgreSQL and Redis', { timeout: 90_000 }, () => {
  for (const config of configurations) {
    it(`${config.name}: sets up an authenticator app and logs in with it${config.restart ? ' after a restart' : ''}`, async () => {
      const env = {
        MFAKIT_PG_URL: config.pg ? PG_URL : '',
        MFAKIT_REDIS_URL: config.redis ? REDIS_URL : '',
        MFAKIT_PG_TABLE_PREFIX: PG_PREFIX,
        MFAKIT_REDIS_KEY_PREFIX: REDIS_PREFIX,
        MFAKIT_DEMO_SECRET: SECRET,
      };
      const email = `${config.name.replace(/\W+/g, '-').toLowerCase()}@example.com`;
      await demo?.stop(); // a failed case before this one must not leave its demo running
      demo = await startDemoProcess(env);
      expect(demo.output()).toContain(config.description);
      let page = await newPage();
      const phone = await signUpWithAuthenticator(page, email);
      if (config.restart) {
        await page.context().close();
        await demo.stop();
        demo = await startDemoProcess(env);
        page = await newPage();
      } else {
        await page.click('#logout');
        await page.waitForURL(/\/login$/);
      }
      await logInWithCode(page, email, phone);
      await page.context().close();
      await demo.stop();
      demo = undefined;
    });
  }
});
