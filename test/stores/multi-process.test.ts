/**
 * Two service instances in two processes sharing one store: a TOTP code accepted by one is refused
 * by the other, the attempt limit holds across both, and (PostgreSQL) a process killed right after
 * a backup code was consumed leaves it consumed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPostgresStore, migrate } from '../../src/stores/postgres/index.js';
import { createRedisStore } from '../../src/stores/redis/index.js';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import { createMfaService, type MfaService } from '../../src/service/service.js';
import type { MfaStore } from '../../src/store/contract.js';
import {
  deleteRedisKeys,
  dropPostgresTables,
  PG_URL,
  postgresReachable,
  REDIS_URL,
  redisReachable,
  serverGate,
  uniqueSuffix,
} from './fixtures/servers.js';
import { serviceOptions, type FixtureConfig } from './fixtures/service-options.js';

const LIMIT = 5;
// The child script is bundled from the sources once (esbuild, well under a second), so each
// process starts in a fraction of a second instead of compiling the TypeScript tree itself.
const buildDir = mkdtempSync(join(tmpdir(), 'mfakit-multi-process-'));
const fixture = join(buildDir, 'service-process.cjs');
await build({
  entryPoints: [fileURLToPath(new URL('./fixtures/service-process.ts', import.meta.url))],
  outfile: fixture,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['pg-native'],
  logLevel: 'silent',
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));
const [pgUp, redisUp] = await Promise.all([postgresReachable(), redisReachable()]);
const runPg = serverGate('PostgreSQL', PG_URL, pgUp);
const runRedis = serverGate('Redis', REDIS_URL, redisUp);

interface Reply {
  ok: boolean;
  reason?: string;
  kind?: string;
}

/** One forked service process. */
class ServiceProcess {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;

  constructor(config: FixtureConfig) {
    this.child = fork(fixture, [], {
      env: { ...process.env, MFAKIT_FIXTURE: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('message', () => resolve());
      this.child.once('exit', (code, signal) =>
        reject(new Error(`service process exited before it was ready (${code ?? signal}): ${stderr.slice(-2000)}`)),
      );
    });
    this.child.on('message', (m: { id?: number; result?: Reply; error?: string }) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id)!;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m.result!);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => {
      for (const w of this.waiting.values()) w.reject(new Error('service process exited'));
      this.waiting.clear();
    });
  }

  verify(accountId: string, code: string, options: { killAfter?: boolean } = {}): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, op: 'verify', accountId, code, ...options });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.send({ op: 'exit' });
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** Enrols an authenticator app in the parent's service; returns its secret and backup codes. */
async function enrol(service: MfaService): Promise<{ accountId: string; secret: Uint8Array; backupCodes: readonly string[] }> {
  const accountId = `acct-${uniqueSuffix()}`;
  const pending = await service.startAuthenticatorEnrolment(accountId);
  const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
  const confirmed = await service.confirmEnrolment(accountId, pending.enrolmentId, generateTotp(secret));
  if (!confirmed.ok || confirmed.backupCodes === null) throw new Error('enrolment failed');
  return { accountId, secret, backupCodes: confirmed.backupCodes };
}

/** A code of the next time step: the confirmation used the current one. */
const nextCode = (secret: Uint8Array): string => generateTotp(secret, { now: () => Date.now() + 30_000 });

function sharedStoreSuite(kind: 'postgres' | 'redis'): void {
  const suffix = uniqueSuffix();
  const config: FixtureConfig = { kind, tablePrefix: `m${suffix}_`, keyPrefix: `mfakit-test-m${suffix}:`, limit: LIMIT };
  let pool: pg.Pool | undefined;
  let redis: Redis | undefined;
  let store: MfaStore;
  let service: MfaService;
  let one: ServiceProcess;
  let two: ServiceProcess;

  beforeAll(async () => {
    if (kind === 'postgres') {
      pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
      pool.on('error', () => {});
      await migrate(pool, { tablePrefix: config.tablePrefix });
      store = createPostgresStore({ pool, tablePrefix: config.tablePrefix });
    } else {
      redis = new Redis(REDIS_URL);
      store = createRedisStore({ redis, keyPrefix: config.keyPrefix });
    }
    service = createMfaService(serviceOptions(store, LIMIT));
    one = new ServiceProcess(config);
    two = new ServiceProcess(config);
    await Promise.all([one.ready, two.ready]);
  });

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    if (pool !== undefined) {
      await dropPostgresTables(pool, config.tablePrefix);
      await pool.end();
    }
    if (redis !== undefined) {
      await deleteRedisKeys(redis, config.keyPrefix);
      redis.disconnect();
    }
  });

  test('a TOTP code accepted by one process is refused by the other', async () => {
    const { accountId, secret } = await enrol(service);
    const code = nextCode(secret);
    expect(await one.verify(accountId, code)).toMatchObject({ ok: true, kind: 'totp' });
    expect(await two.verify(accountId, code)).toEqual({ ok: false, reason: 'replayed' });
  });

  test('the same code sent to both processes at once: exactly one accepts it', async () => {
    const { accountId, secret } = await enrol(service);
    const code = nextCode(secret);
    const replies = await Promise.all([one.verify(accountId, code), two.verify(accountId, code), one.verify(accountId, code), two.verify(accountId, code)]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok).every((r) => r.reason === 'replayed')).toBe(true);
  });

  test(`the attempt limit (${LIMIT}) holds across both processes`, async () => {
    const { accountId, secret } = await enrol(service);
    const right = nextCode(secret);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const replies = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => (i % 2 === 0 ? one : two).verify(accountId, wrong)));
    const evaluated = replies.filter((r) => r.reason === 'mismatch').length;
    expect(evaluated).toBeLessThanOrEqual(LIMIT);
    expect(replies.every((r) => !r.ok)).toBe(true);
    expect(replies.filter((r) => r.reason === 'locked').length).toBeGreaterThanOrEqual(3 * LIMIT);
    expect(await one.verify(accountId, right)).toEqual({ ok: false, reason: 'locked' });
    expect(await two.verify(accountId, right)).toEqual({ ok: false, reason: 'locked' });
  });

  if (kind === 'postgres') {
    test('crash safety: a process SIGKILLed right after consuming a backup code leaves it consumed', async () => {
      // The last test of the suite: process one dies here, process two carries on.
      const { accountId, backupCodes } = await enrol(service);
      const reply = one.verify(accountId, backupCodes[0]!, { killAfter: true });
      await expect(reply).rejects.toThrow(/exited/);
      expect((await one.exited).signal).toBe('SIGKILL');
      expect(await store.countBackupCodes(accountId)).toBe(backupCodes.length - 1);
      const again = await two.verify(accountId, backupCodes[0]!);
      expect(again.ok).toBe(false);
      expect(await two.verify(accountId, backupCodes[1]!)).toMatchObject({ ok: true, kind: 'backup-codes' });
    });
  }
}

describe.runIf(runPg)('two service processes sharing a PostgreSQL store', () => sharedStoreSuite('postgres'));
describe.runIf(runRedis)('two service processes sharing a Redis store', () => sharedStoreSuite('redis'));
