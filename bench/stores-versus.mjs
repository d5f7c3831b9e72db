// Store benchmark against a baseline build: successful TOTP logins per second through the MFA
// service, this build beside another build of mfakit (an older design), in ONE run on the same
// servers, measured in alternating short slices so a load change on a shared machine hits both
// alike. Also counts, at the driver, the statements (PostgreSQL) or commands (Redis) and the
// sequential round trips of one successful TOTP login, one wrong code and one backup-code login
// of each build.
//
//   git worktree add /tmp/mfakit-old 2d15b9e --detach && (cd /tmp/mfakit-old && npm ci && npm run build)
//   BENCH_BASELINE=/tmp/mfakit-old/dist node bench/stores-versus.mjs
//
// Without BENCH_BASELINE it says so and exits (bench/run.mjs runs it like every bench).
// BENCH_LEVELS (default 1) sets the concurrency levels. Each build gets its own tables / keys.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { smoke, wireCounter } from './lib.mjs';

const BASELINE = process.env.BENCH_BASELINE;
const PG_URL = process.env.MFAKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.MFAKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : [1];
const TOTAL_MS = smoke ? 200 : 6000;
const SLICE_MS = smoke ? 50 : 150;
const PERIOD = 30_000;
const keyRing = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(3) } };
const backupCodes = { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 }, count: 4 };

if (BASELINE === undefined || !existsSync(join(BASELINE, 'service', 'index.js'))) {
  console.log('stores-versus: set BENCH_BASELINE to the dist/ folder of another mfakit build to compare (skipped)');
  process.exit(0);
}

/** The modules of one build. */
async function build(dist) {
  const at = (path) => import(pathToFileURL(join(resolve(dist), path)).href);
  const [service, postgres, redis, otp] = await Promise.all([
    at('service/index.js'), at('stores/postgres/index.js'), at('stores/redis/index.js'), at('otp/index.js'),
  ]);
  return { createMfaService: service.createMfaService, ...postgres, ...redis, ...otp };
}

const builds = { current: await build(new URL('../dist', import.meta.url).pathname), baseline: await build(BASELINE) };

/** One enrolled account per worker on `store`, with a service whose clock the worker moves. */
async function setUp(lib, store, workers) {
  const setup = lib.createMfaService({ issuer: 'Bench', store, keyRing, backupCodes });
  const run = randomBytes(4).toString('hex');
  const out = [];
  for (let w = 0; w < workers; w++) {
    const accountId = `versus-${run}-${w}`;
    const pending = await setup.startAuthenticatorEnrolment(accountId);
    const secret = lib.decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    const confirmed = await setup.confirmEnrolment(accountId, pending.enrolmentId, lib.generateTotp(secret));
    if (!confirmed.ok) throw new Error('enrolment failed');
    const worker = { lib, accountId, secret, backup: confirmed.backupCodes, t: Date.now() + PERIOD };
    worker.service = lib.createMfaService({ issuer: 'Bench', store, keyRing, backupCodes, now: () => worker.t });
    out.push(worker);
    await login(worker); // the first login stores the step-up generation
  }
  return out;
}

async function login(worker) {
  worker.t += PERIOD;
  const result = await worker.service.verify(worker.accountId, worker.lib.generateTotp(worker.secret, { now: () => worker.t }));
  if (!result.ok) throw new Error(`login refused: ${result.reason}`);
  void result.stepUp.token; // an app keeps the grant
}

/** Statements/commands and round trips of a successful login, a wrong code and a backup-code login. */
async function roundTrips(worker, wire) {
  const ok = await wire.measure(() => login(worker));
  worker.t += PERIOD;
  const right = worker.lib.generateTotp(worker.secret, { now: () => worker.t });
  const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
  const failed = await wire.measure(async () => {
    if ((await worker.service.verify(worker.accountId, wrong)).ok) throw new Error('a wrong code verified');
  });
  worker.t += PERIOD;
  const backup = await wire.measure(async () => {
    if (!(await worker.service.verify(worker.accountId, worker.backup[0])).ok) throw new Error('backup code refused');
  });
  const text = ({ sent, trips }) => `${sent} in ${trips}`;
  return { ok: text(ok), failed: text(failed), backup: text(backup) };
}

/** Logins/s of both builds at `concurrency`, in alternating slices. */
async function race(current, baseline, concurrency) {
  const total = { current: { ops: 0, ms: 0 }, baseline: { ops: 0, ms: 0 } };
  const slice = async (workers, key, ms) => {
    const start = performance.now();
    const deadline = start + ms;
    let ops = 0;
    await Promise.all(workers.slice(0, concurrency).map(async (w) => {
      while (performance.now() < deadline) {
        await login(w);
        ops++;
      }
    }));
    if (key !== null) {
      total[key].ops += ops;
      total[key].ms += performance.now() - start;
    }
  };
  await slice(current, null, 200);
  await slice(baseline, null, 200);
  const slices = Math.max(2, Math.round(TOTAL_MS / SLICE_MS / 2));
  for (let i = 0; i < slices; i++) {
    const order = i % 2 === 0 ? [['current', current], ['baseline', baseline]] : [['baseline', baseline], ['current', current]];
    for (const [key, workers] of order) await slice(workers, key, SLICE_MS);
  }
  return { current: (total.current.ops * 1000) / total.current.ms, baseline: (total.baseline.ops * 1000) / total.baseline.ms };
}

/** Ops/s of each function at concurrency 1, in alternating slices. */
async function floors(fns) {
  const total = Object.fromEntries(Object.keys(fns).map((k) => [k, { ops: 0, ms: 0 }]));
  const slices = Math.max(2, Math.round(TOTAL_MS / SLICE_MS / 4));
  for (let i = 0; i < slices; i++) {
    for (const [key, fn] of Object.entries(fns)) {
      const start = performance.now();
      let ops = 0;
      while (performance.now() - start < SLICE_MS / 2) {
        await fn();
        ops++;
      }
      total[key].ops += ops;
      total[key].ms += performance.now() - start;
    }
  }
  return Object.fromEntries(Object.entries(total).map(([k, t]) => [k, (t.ops * 1000) / t.ms]));
}

async function compare(label, unit, stores, wire, floorFns) {
  const workers = Math.max(...LEVELS);
  const current = await setUp(builds.current, stores.current, workers);
  const baseline = await setUp(builds.baseline, stores.baseline, workers);
  console.log(`\n## ${label}: this build against ${BASELINE}${smoke ? ' (smoke run: numbers are not meaningful)' : ''}`);
  for (const [name, list] of [['this build', current], ['baseline', baseline]]) {
    const r = await roundTrips(list[0], wire);
    console.log(`${name.padEnd(10)} ${unit}s in round trips: successful TOTP login ${r.ok}; wrong code ${r.failed}; backup-code login ${r.backup}`);
  }
  console.log('concurrency   this build logins/s   baseline logins/s   speed-up');
  for (const concurrency of LEVELS) {
    const r = await race(current, baseline, concurrency);
    const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(18);
    console.log(`${String(concurrency).padStart(11)}  ${fmt(r.current)}  ${fmt(r.baseline)}   ${(r.current / r.baseline).toFixed(2)}x`);
  }
  if (floorFns !== undefined) {
    const f = await floors(floorFns);
    console.log(`floors at concurrency 1 (ops/s): ${Object.entries(f).map(([k, v]) => `${k} ${Math.round(v).toLocaleString('en-US')}`).join('; ')}`);
  }
}

// --- PostgreSQL ---------------------------------------------------------------------------------
{
  const pool = new pg.Pool({ connectionString: PG_URL, max: 50, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  const prefixes = { current: `vs_${randomBytes(3).toString('hex')}_`, baseline: `vb_${randomBytes(3).toString('hex')}_` };
  try {
    await pool.query('SELECT 1');
    const stores = {};
    for (const key of ['current', 'baseline']) {
      await builds[key].migrate(pool, { tablePrefix: prefixes[key] });
      stores[key] = builds[key].createPostgresStore({ pool, tablePrefix: prefixes[key] });
    }
    const wire = wireCounter();
    const clientQuery = pg.Client.prototype.query;
    pg.Client.prototype.query = function (...args) {
      if (!wire.begin()) return clientQuery.apply(this, args);
      const result = clientQuery.apply(this, args);
      if (result && typeof result.then === 'function') return result.finally(() => wire.end());
      wire.end();
      return result;
    };
    try {
      // What a round trip costs here: a read, and a committed one-row write (a commit waits for
      // the WAL to reach disk: a login's charge and its step advance are two such commits).
      await pool.query(`CREATE TABLE ${prefixes.current}floor (id int PRIMARY KEY, n bigint NOT NULL)`);
      await pool.query(`INSERT INTO ${prefixes.current}floor VALUES (1, 0)`);
      await compare('PostgreSQL', 'statement', stores, wire, {
        'SELECT 1': () => pool.query('SELECT 1'),
        'one-row UPDATE (a commit)': () => pool.query(`UPDATE ${prefixes.current}floor SET n = n + 1 WHERE id = 1`),
      });
    } finally {
      pg.Client.prototype.query = clientQuery;
    }
  } catch (error) {
    console.log(`\n## PostgreSQL: skipped (${error.message})`);
  } finally {
    for (const prefix of Object.values(prefixes)) {
      const { rows } = await pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1)`, [prefix]).catch(() => ({ rows: [] }));
      for (const { tablename } of rows) await pool.query(`DROP TABLE IF EXISTS "${tablename}" CASCADE`).catch(() => {});
    }
    await pool.end();
  }
}

// --- Redis ---------------------------------------------------------------------------------------
{
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {});
  const prefixes = { current: `mfakit-vs-${randomBytes(3).toString('hex')}:`, baseline: `mfakit-vb-${randomBytes(3).toString('hex')}:` };
  try {
    await redis.connect();
    const stores = {};
    for (const key of ['current', 'baseline']) {
      stores[key] = builds[key].createRedisStore({ redis, keyPrefix: prefixes[key] });
      if (typeof stores[key].checkServer === 'function') await stores[key].checkServer();
    }
    const wire = wireCounter();
    const sendCommand = redis.sendCommand;
    redis.sendCommand = function (command, ...rest) {
      if (!wire.begin()) return sendCommand.call(this, command, ...rest);
      command.promise.finally(() => wire.end()).catch(() => {});
      return sendCommand.call(this, command, ...rest);
    };
    try {
      await compare('Redis', 'command', stores, wire, {
        PING: () => redis.ping(),
        'one-key INCR': () => redis.incr(`${prefixes.current}floor`),
      });
    } finally {
      redis.sendCommand = sendCommand;
    }
  } catch (error) {
    console.log(`\n## Redis: skipped (${error.message})`);
  } finally {
    for (const prefix of Object.values(prefixes)) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000).catch(() => ['0', []]);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys).catch(() => {});
      } while (cursor !== '0');
    }
    redis.disconnect();
  }
}
