// Store benchmark: TOTP verifications per second through the MFA service at concurrency 1, 16 and
// 64, for the memory, PostgreSQL and Redis stores, each beside its floor: the bare store calls a
// verification makes (the same SQL statements or Lua scripts, with the same arguments, issued
// through the driver by the same loop at the same concurrency, without the service or the adapter
// around them). Target: each adapter at >= 0.7x its floor. Imports the BUILT package: run
// `npx tsup` (or `npm run bench`) first. BENCH_SMOKE=1 runs briefly (numbers not meaningful).
// A server that does not answer is reported and skipped (benches do not fail for that).
//
// One verification = one successful TOTP login: list the account's factors, charge the attempt
// counter, advance the factor's step (the replay guard), clear the counter, read the account's
// step-up generation (the calls are recorded from the service, and printed). Each worker owns one account and its own service instance whose clock moves one TOTP
// period per verification, so every verification is a fresh, valid code.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createMfaService } from '../dist/service/index.js';
import { createMemoryStore } from '../dist/stores/memory/index.js';
import { createPostgresStore, migrate, postgresStatements, postgresTableNames } from '../dist/adapters/postgres/index.js';
import { createRedisStore, REDIS_STORE_SCRIPTS } from '../dist/adapters/redis/index.js';
import { decodeBase32Secret, generateTotp } from '../dist/otp/index.js';
import { smoke } from './lib.mjs';

const PG_URL = process.env.MFAKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.MFAKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
// The smoke run (CI) only checks that everything runs: two levels, so it enrols 16 accounts, not 64.
const LEVELS = smoke ? [1, 16] : [1, 16, 64];
const DURATION_MS = smoke ? 60 : 1500;
const ROUNDS = smoke ? 1 : 3;
const SLICE_MS = 150;
const TARGET = 0.7;
const PERIOD = 30_000;
const TTL = 86_400_000;
const STEP_UP_MS = 600_000;
const keyRing = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(3) } };
const backupCodes = { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 }, count: 4 };

/** Runs `concurrency` workers calling `fn(worker)` for `ms`; returns { ops, ms }. */
async function slice(concurrency, ms, fn) {
  const start = performance.now();
  const deadline = start + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        await fn(w);
        ops++;
      }
    }),
  );
  return { ops, ms: performance.now() - start };
}

/**
 * Ops/s of `a` and `b` measured in alternating short slices, so a load change on a shared machine
 * (other processes, GC, the database's own background work) hits both alike.
 */
async function interleaved(concurrency, a, b) {
  const slices = smoke ? 1 : Math.round((DURATION_MS * ROUNDS) / SLICE_MS);
  const sliceMs = smoke ? DURATION_MS : SLICE_MS;
  const total = { a: { ops: 0, ms: 0 }, b: { ops: 0, ms: 0 } };
  await slice(concurrency, Math.min(200, sliceMs), a); // warm-up
  await slice(concurrency, Math.min(200, sliceMs), b);
  for (let i = 0; i < slices; i++) {
    for (const [key, fn] of i % 2 === 0 ? [['a', a], ['b', b]] : [['b', b], ['a', a]]) {
      const r = await slice(concurrency, sliceMs, fn);
      total[key].ops += r.ops;
      total[key].ms += r.ms;
    }
  }
  return { a: (total.a.ops * 1000) / total.a.ms, b: (total.b.ops * 1000) / total.b.ms };
}

/** Records the store calls a service makes (to check the floor mirrors them). */
function recording(store, calls) {
  return new Proxy(store, {
    get(target, name) {
      const value = target[name];
      if (typeof value !== 'function') return value;
      return (...args) => {
        calls.list?.push(name);
        return value.apply(target, args);
      };
    },
  });
}

/**
 * Enrols one account per worker and returns, per worker, a service whose clock the worker moves,
 * plus the account, factor and secret.
 */
async function setUp(store, workers) {
  const calls = { list: null };
  const watched = recording(store, calls);
  const setup = createMfaService({ issuer: 'Bench', store: watched, keyRing, backupCodes });
  const run = randomBytes(4).toString('hex');
  const out = [];
  for (let w = 0; w < workers; w++) {
    const accountId = `bench-${run}-${w}`;
    const pending = await setup.startAuthenticatorEnrolment(accountId);
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    const confirmed = await setup.confirmEnrolment(accountId, pending.enrolmentId, generateTotp(secret));
    if (!confirmed.ok) throw new Error('enrolment failed');
    const worker = { accountId, factorId: confirmed.factor.id, secret, t: Date.now() + PERIOD };
    worker.service = createMfaService({ issuer: 'Bench', store, keyRing, backupCodes, now: () => worker.t });
    out.push(worker);
  }
  // The first verification of an account also stores its step-up generation: do it outside the
  // measurement. Then record one steady-state verification: the floor replays those calls.
  for (const worker of out) await verifyOnce(worker);
  calls.list = [];
  const first = out[0];
  await verifyOnce({ ...first, service: createMfaService({ issuer: 'Bench', store: watched, keyRing, backupCodes, now: () => first.t + PERIOD }) });
  first.t += PERIOD;
  const sequence = calls.list;
  calls.list = null;
  return { workers: out, sequence };
}

async function verifyOnce(worker) {
  worker.t += PERIOD;
  const result = await worker.service.verify(worker.accountId, generateTotp(worker.secret, { now: () => worker.t }));
  if (!result.ok) throw new Error(`verification refused: ${result.reason}`);
}

/**
 * The same loop: move the clock, make the code, then issue the recorded store calls bare
 * (`ops[name](worker, t, step)`) instead of calling the service.
 */
function floorLoop(ops, sequence) {
  const missing = sequence.filter((name) => ops[name] === undefined);
  if (missing.length > 0) console.log(`note: the floor has no bare form of [${missing}]; it skips them`);
  const steps = sequence.filter((name) => ops[name] !== undefined).map((name) => ops[name]);
  return async (worker) => {
    worker.t += PERIOD;
    generateTotp(worker.secret, { now: () => worker.t });
    const step = Math.floor(worker.t / PERIOD);
    for (const op of steps) await op(worker, worker.t, step);
  };
}

/** The id of an account's step-up generation record (a challenge). */
const generation = (w) => `stepup:${w.accountId}`;

async function compare(label, store, ops) {
  const { workers, sequence } = await setUp(store, Math.max(...LEVELS));
  const floor = floorLoop(ops, sequence);
  console.log(`\n## ${label}${smoke ? ' (smoke run: numbers are not meaningful)' : ''}`);
  console.log(`one verification = store calls [${sequence.join(', ')}]`);
  const rows = [];
  for (const concurrency of LEVELS) {
    const { a: service, b: bare } = await interleaved(concurrency, (w) => verifyOnce(workers[w]), (w) => floor(workers[w]));
    rows.push({ concurrency, service, bare });
  }
  console.log('concurrency   service verif/s     floor ops/s   ratio');
  let met = true;
  for (const r of rows) {
    const ratio = r.service / r.bare;
    if (ratio < TARGET) met = false;
    const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(14);
    console.log(`${String(r.concurrency).padStart(11)}  ${fmt(r.service)}  ${fmt(r.bare)}   ${ratio.toFixed(2)}x`);
  }
  return met;
}

// --- memory ------------------------------------------------------------------------------------
{
  const store = createMemoryStore();
  const key = (w) => `mfa-attempts:${w.accountId}`;
  await compare('memory store (floor: the same store method calls, no service)', store, {
    listFactors: (w) => store.listFactors(w.accountId),
    incrementCounter: (w, t) => store.incrementCounter(key(w), { ttlMs: TTL, now: t }),
    advanceFactorStep: (w, t, step) => store.advanceFactorStep(w.accountId, w.factorId, step, t),
    resetCounter: (w) => store.resetCounter(key(w)),
    getChallenge: (w, t) => store.getChallenge(generation(w), t),
    putChallenge: (w, t) =>
      store.putChallenge({ v: 1, id: generation(w), accountId: w.accountId, purpose: 'step-up', data: { generation: 'g' }, createdAt: t, expiresAt: t + STEP_UP_MS, revision: 0 }),
  });
  console.log('(memory is the embedded default, not an adapter: no target)');
}

// --- PostgreSQL ---------------------------------------------------------------------------------
{
  const pool = new pg.Pool({ connectionString: PG_URL, max: 50, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  let reachable = true;
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    reachable = false;
    console.log(`\n## PostgreSQL: skipped, no server answers at ${PG_URL} (${error.message})`);
  }
  if (reachable) {
    const tablePrefix = `bench_${randomBytes(4).toString('hex')}_`;
    try {
      await migrate(pool, { tablePrefix });
      const store = createPostgresStore({ pool, tablePrefix });
      const sql = postgresStatements(tablePrefix);
      const key = (w) => `mfa-attempts:${w.accountId}`;
      const met = await compare('PostgreSQL store (floor: the same statements through pool.query)', store, {
        listFactors: (w) => pool.query({ ...sql.listFactors, values: [w.accountId] }),
        incrementCounter: (w, t) => pool.query({ ...sql.incrementCounter, values: [key(w), t, TTL] }),
        advanceFactorStep: (w, t, step) => pool.query({ ...sql.advanceFactorStep, values: [w.accountId, w.factorId, step, t] }),
        resetCounter: (w) => pool.query({ ...sql.resetCounter, values: [key(w)] }),
        getChallenge: (w, t) => pool.query({ ...sql.getChallenge, values: [generation(w), t] }),
        putChallenge: (w, t) =>
          pool.query({ ...sql.putChallenge, values: [1, generation(w), w.accountId, 'step-up', '{"generation":"g"}', t, t + STEP_UP_MS, 0] }),
      });
      console.log(`PostgreSQL target (each >= ${TARGET}x its floor): ${met ? 'met' : 'NOT met'}`);
    } finally {
      for (const table of postgresTableNames(tablePrefix)) await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    }
  }
  await pool.end();
}

// --- Redis ---------------------------------------------------------------------------------------
{
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {});
  let reachable = true;
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    reachable = false;
    console.log(`\n## Redis: skipped, no server answers at ${REDIS_URL} (${error.message})`);
  }
  if (reachable) {
    const keyPrefix = `mfakit-bench-${randomBytes(4).toString('hex')}:`;
    const sha = Object.fromEntries(Object.entries(REDIS_STORE_SCRIPTS).map(([name, src]) => [name, createHash('sha1').update(src).digest('hex')]));
    for (const src of Object.values(REDIS_STORE_SCRIPTS)) await redis.script('LOAD', src);
    const tag = (w) => `${keyPrefix}{a:${w.accountId}}`;
    const counter = (w) => `${keyPrefix}{k:mfa-attempts%3A${w.accountId}}:counter`;
    try {
      const store = createRedisStore({ redis, keyPrefix });
      const challengeKey = (w) => `${keyPrefix}{c:${generation(w).replace(':', '%3A')}}:challenge`;
      const met = await compare('Redis store (floor: the same commands and EVALSHA calls on one client)', store, {
        listFactors: (w) => redis.hgetall(`${tag(w)}:factors`),
        incrementCounter: (w, t) => redis.evalsha(sha.incrementCounter, 1, counter(w), String(t), String(t + TTL)),
        advanceFactorStep: (w, t, step) => redis.evalsha(sha.advanceFactorStep, 1, `${tag(w)}:factors`, w.factorId, String(step), String(t)),
        resetCounter: (w) => redis.del(counter(w)),
        getChallenge: (w) => redis.hgetall(challengeKey(w)),
        putChallenge: (w, t) =>
          Promise.all([
            redis.evalsha(sha.putChallenge, 1, challengeKey(w), '1', generation(w), w.accountId, 'step-up', '{"generation":"g"}', String(t), String(t + STEP_UP_MS), '0'),
            redis.evalsha(sha.indexChallenge, 1, `${tag(w)}:challenges`, generation(w), String(t + STEP_UP_MS), String(t)),
          ]),
      });
      console.log(`Redis target (each >= ${TARGET}x its floor): ${met ? 'met' : 'NOT met'}`);
    } finally {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
    redis.disconnect();
  }
}
