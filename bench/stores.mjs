// Store benchmark: TOTP verifications per second through the MFA service at concurrency 1, 16 and
// 64, for the memory, PostgreSQL and Redis stores, each beside its floor: the bare store calls a
// verification makes (the same SQL statements or Lua scripts, with the same arguments, issued
// through the driver by the same loop at the same concurrency, without the service or the adapter
// around them). Target: each adapter at >= 0.7x its floor. Imports the BUILT package: run
// `npx tsup` (or `npm run bench`) first. BENCH_SMOKE=1 runs briefly (numbers not meaningful).
// A server that does not answer is reported and skipped (benches do not fail for that).
//
// One verification = one successful TOTP login: charge the account's attempt record and read its
// factors and its step-up generation (one operation), then advance the factor's step (the replay
// guard) and clear the attempt record (one operation). The calls are recorded from the service with their
// arguments and with which of them it issues together (in flight at once), and printed; the floor
// replays exactly that: the same counter keys and TTLs, the same calls side by side, the same
// driver options (PostgreSQL rows as text, as the adapter asks for them). Each worker owns one
// account and its own service instance whose clock moves one TOTP period per verification, so
// every verification is a fresh, valid code.
//
// Round trips: for PostgreSQL and Redis the bench also counts, at the driver, the statements (or
// commands) and the sequential round trips (a statement sent while another is in flight shares its
// round trip) of one successful TOTP login, one failed attempt (a wrong code) and one backup-code
// login, and measures a "one round trip" floor (SELECT 1 / one EVALSHA of a script returning 1)
// beside the service, so the ratio shows what the design costs, not only the adapter.
// BENCH_LEVELS=1 limits the concurrency levels (e.g. for a before/after run at concurrency 1).
// `--only=sqlite,mysql` runs only the named sections (memory, postgres, redis, sqlite, mysql);
// `--help` lists them.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createMfaService } from '../dist/service/index.js';
import { createMemoryStore } from '../dist/stores/memory/index.js';
import { createPostgresStore, migrate, postgresStatements, postgresTableNames } from '../dist/stores/postgres/index.js';
import { createRedisStore, REDIS_STORE_SCRIPTS } from '../dist/stores/redis/index.js';
import { decodeBase32Secret, generateTotp } from '../dist/otp/index.js';
import { smoke, wireCounter } from './lib.mjs';

const SECTIONS = ['memory', 'postgres', 'redis', 'sqlite', 'mysql'];
if (process.argv.includes('--help')) {
  console.log(`usage: node bench/stores.mjs [--only=${SECTIONS.join(',')}]\nenv: BENCH_LEVELS=1,16,64  BENCH_SMOKE=1  MFAKIT_PG_URL  MFAKIT_REDIS_URL  MFAKIT_MYSQL_HOST`);
  process.exit(0);
}
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const unknownSection = only?.find((name) => !SECTIONS.includes(name));
if (unknownSection !== undefined) throw new Error(`--only: unknown section ${unknownSection} (sections: ${SECTIONS.join(', ')})`);
/** Whether the section `name` runs (all of them unless --only names some). */
const wanted = (name) => only === undefined || only.includes(name);

const PG_URL = process.env.MFAKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.MFAKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
// The smoke run (CI) only checks that everything runs: two levels, so it enrols 16 accounts, not 64.
const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : smoke ? [1, 16] : [1, 16, 64];
const DURATION_MS = smoke ? 60 : 1500;
const ROUNDS = smoke ? 1 : 3;
const SLICE_MS = 150;
const TARGET = 0.7;
const PERIOD = 30_000;
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

/**
 * Records the store calls a service makes, with their arguments, in groups: a call made while
 * another recorded call is still in flight joins that call's group (the service issued them
 * together, e.g. with Promise.all), so the floor can issue them together too.
 */
function recording(store, calls) {
  let inFlight = 0;
  return new Proxy(store, {
    get(target, name) {
      const value = target[name];
      if (typeof value !== 'function') return value;
      return (...args) => {
        if (calls.list === null) return value.apply(target, args);
        if (inFlight === 0 || calls.list.length === 0) calls.list.push([]);
        calls.list.at(-1).push({ name, args });
        inFlight++;
        return Promise.resolve(value.apply(target, args)).finally(() => inFlight--);
      };
    },
  });
}

/** A recorded call for another worker: the recording worker's ids replaced by `worker`'s. */
function forWorker(call, recorder, worker) {
  const own = (v) =>
    typeof v === 'string'
      ? v.replaceAll(recorder.accountId, worker.accountId).replaceAll(recorder.factorId, worker.factorId)
      : Array.isArray(v)
        ? v.map(own)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, own(x)]))
          : v;
  return { name: call.name, args: own(call.args) };
}

/** `[a, b ‖ c, d]`: the recorded calls, concurrent ones joined. */
function describe(sequence) {
  const label = (c) => c.name;
  return `[${sequence.map((group) => group.map(label).join(' ‖ ')).join(', ')}]`;
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
  return { workers: out, sequence, recorder: first };
}

async function verifyOnce(worker) {
  worker.t += PERIOD;
  const result = await worker.service.verify(worker.accountId, generateTotp(worker.secret, { now: () => worker.t }));
  if (!result.ok) throw new Error(`verification refused: ${result.reason}`);
}

/**
 * The same loop: move the clock, make the code, then issue the recorded store calls bare
 * (`ops[name](worker, t, step, args)`, `args` the recorded arguments for this worker; times are
 * the worker's clock, not the recorded ones) instead of calling the service: one group after the
 * other, the calls of a group together. Each worker's calls are prepared once, outside the loop.
 */
function floorLoop(ops, sequence, workers, recorder) {
  const missing = sequence.flat().filter((call) => ops[call.name] === undefined);
  if (missing.length > 0) console.log(`note: the floor has no bare form of [${missing.map((c) => c.name)}]; it skips them`);
  const plans = workers.map((worker) =>
    sequence
      .map((group) => group.filter((call) => ops[call.name] !== undefined).map((call) => ({ op: ops[call.name], args: forWorker(call, recorder, worker).args })))
      .filter((group) => group.length > 0),
  );
  return async (w) => {
    const worker = workers[w];
    worker.t += PERIOD;
    generateTotp(worker.secret, { now: () => worker.t });
    const t = worker.t;
    const step = Math.floor(t / PERIOD);
    for (const group of plans[w]) {
      if (group.length === 1) await group[0].op(worker, t, step, group[0].args);
      else await Promise.all(group.map((call) => call.op(worker, t, step, call.args)));
    }
  };
}

/** The id of an account's step-up generation record (a challenge). */
const generation = (w) => `stepup:${w.accountId}`;

/** Round trips of a successful TOTP login, a failed attempt and a backup-code login. */
async function roundTrips(store, wire, unit) {
  const service = createMfaService({ issuer: 'Bench', store, keyRing, backupCodes });
  const run = randomBytes(4).toString('hex');
  const accountId = `bench-rt-${run}`;
  const pending = await service.startAuthenticatorEnrolment(accountId);
  const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
  const confirmed = await service.confirmEnrolment(accountId, pending.enrolmentId, generateTotp(secret));
  if (!confirmed.ok) throw new Error('enrolment failed');
  let t = Date.now() + PERIOD;
  const at = createMfaService({ issuer: 'Bench', store, keyRing, backupCodes, now: () => t });
  await at.verify(accountId, generateTotp(secret, { now: () => t })); // stores the step-up generation
  t += PERIOD;
  const ok = await wire.measure(async () => {
    if (!(await at.verify(accountId, generateTotp(secret, { now: () => t }))).ok) throw new Error('login refused');
  });
  t += PERIOD;
  const right = generateTotp(secret, { now: () => t });
  const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
  const failed = await wire.measure(async () => {
    if ((await at.verify(accountId, wrong)).ok) throw new Error('a wrong code verified');
  });
  t += PERIOD;
  const backup = await wire.measure(async () => {
    if (!(await at.verify(accountId, confirmed.backupCodes[0])).ok) throw new Error('backup code refused');
  });
  const fmt = (r) => `${r.sent} ${unit}${r.sent === 1 ? '' : 's'} in ${r.trips} round trip${r.trips === 1 ? '' : 's'}`;
  console.log(`round trips: successful TOTP login ${fmt(ok)}; failed attempt ${fmt(failed)}; backup-code login ${fmt(backup)}`);
  return { ok, failed, backup };
}

async function compare(label, store, ops, extra = {}) {
  const { workers, sequence, recorder } = await setUp(store, Math.max(...LEVELS));
  const floor = floorLoop(ops, sequence, workers, recorder);
  console.log(`\n## ${label}${smoke ? ' (smoke run: numbers are not meaningful)' : ''}`);
  console.log(`one verification = store calls ${describe(sequence)} (‖: issued together)`);
  if (extra.wire !== undefined) await roundTrips(store, extra.wire, extra.unit);
  const rows = [];
  for (const concurrency of LEVELS) {
    const { a: service, b: bare } = await interleaved(concurrency, (w) => verifyOnce(workers[w]), floor);
    const one = extra.oneTrip === undefined ? undefined : (await interleaved(concurrency, (w) => verifyOnce(workers[w]), extra.oneTrip)).b;
    rows.push({ concurrency, service, bare, one });
  }
  console.log(`concurrency   service verif/s     floor ops/s   ratio${extra.oneTrip === undefined ? '' : '   1-trip floor/s   service/1-trip'}`);
  let met = true;
  for (const r of rows) {
    const ratio = r.service / r.bare;
    if (ratio < TARGET) met = false;
    const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(14);
    const one = r.one === undefined ? '' : `  ${fmt(r.one)}   ${(r.service / r.one).toFixed(2)}x`;
    console.log(`${String(r.concurrency).padStart(11)}  ${fmt(r.service)}  ${fmt(r.bare)}   ${ratio.toFixed(2)}x${one}`);
  }
  return met;
}

/** A smoke run's slices are too short to judge (one 60 ms slice, warm-up included): no verdict. */
function verdict(label, met) {
  const outcome = smoke ? 'not judged in a smoke run' : met ? 'met' : 'NOT met';
  console.log(`${label} target (each >= ${TARGET}x its floor): ${outcome}`);
}

// --- memory ------------------------------------------------------------------------------------
if (wanted('memory')) {
  const store = createMemoryStore();
  await compare('memory store (floor: the same store method calls, no service)', store, {
    listFactors: (w) => store.listFactors(w.accountId),
    chargeAttempts: (w, t, step, [, charges, options]) => store.chargeAttempts(w.accountId, charges, { ...options, now: t }),
    clearAttempts: (w, t, step, [, names]) => store.clearAttempts(w.accountId, names),
    advanceFactorStep: (w, t, step, [, , , , options]) => store.advanceFactorStep(w.accountId, w.factorId, step, t, options),
    getChallenge: (w, t) => store.getChallenge(generation(w), t),
    putChallenge: (w, t) =>
      store.putChallenge({ v: 1, id: generation(w), accountId: w.accountId, purpose: 'step-up', data: { generation: 'g' }, createdAt: t, expiresAt: t + STEP_UP_MS, revision: 0 }),
  });
  console.log('(memory is the embedded default, not an adapter: no target)');
}

// --- PostgreSQL ---------------------------------------------------------------------------------
if (wanted('postgres')) {
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
      // Rows as text, as the adapter asks for them (it decodes every column itself).
      const types = { getTypeParser: () => (text) => text };
      const query = (statement, values) => pool.query({ ...statement, values, types });
      // Every statement any client of the pool sends, counted while a round-trip measurement runs.
      const wire = wireCounter();
      const clientQuery = pg.Client.prototype.query;
      pg.Client.prototype.query = function (...args) {
        if (!wire.begin()) return clientQuery.apply(this, args);
        const result = clientQuery.apply(this, args);
        if (result && typeof result.then === 'function') return result.finally(() => wire.end());
        wire.end();
        return result;
      };
      const loginReads = (options) => options.withChallenges !== undefined || options.withBackupCode !== undefined;
      const chargeStatement = (charges, options) =>
        sql[`chargeAttempts${charges.length}${loginReads(options) ? 'FL' : options.withFactors === true ? 'F' : ''}`];
      const met = await compare('PostgreSQL store (floor: the same statements through pool.query)', store, {
        listFactors: (w) => query(sql.listFactors, [w.accountId]),
        chargeAttempts: (w, t, step, [, charges, options]) =>
          query(chargeStatement(charges, options), [
            w.accountId, t, ...charges.flatMap(({ name, rule }) => [name, rule.limit, rule.freeAttempts, rule.baseDelayMs, rule.maxDelayMs, rule.memoryMs]),
            ...(loginReads(options) ? [options.withChallenges ?? [], options.withBackupCode ?? null] : []),
          ]),
        clearAttempts: (w, t, step, [, names]) => query(sql.clearAttempts, [w.accountId, names]),
        advanceFactorStep: (w, t, step, [, , , , options]) =>
          options?.clearAttempts === undefined
            ? query(sql.advanceFactorStep, [w.accountId, w.factorId, step, t])
            : query(sql.advanceFactorStepClearing, [w.accountId, w.factorId, step, t, options.clearAttempts]),
        getChallenge: (w, t) => query(sql.getChallenge, [generation(w), t]),
        putChallenge: (w, t) => query(sql.putChallenge, [1, generation(w), w.accountId, 'step-up', '{"generation":"g"}', t, t + STEP_UP_MS, 0]),
      }, { wire, unit: 'statement', oneTrip: () => pool.query('SELECT 1') });
      pg.Client.prototype.query = clientQuery;
      verdict('PostgreSQL', met);
    } finally {
      for (const table of postgresTableNames(tablePrefix)) await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    }
  }
  await pool.end();
}

// --- Redis ---------------------------------------------------------------------------------------
if (wanted('redis')) {
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
    // The adapter's key layout (src/stores/redis/keys.ts): ids escaped as the adapter escapes them
    // (nothing to do for most ids, native replaces for the others), one hash tag per record, the
    // account's tag built once per call.
    const escape = (id) =>
      /[%{}:]/.test(id) ? id.replaceAll('%', '%25').replaceAll('{', '%7B').replaceAll('}', '%7D').replaceAll(':', '%3A') : id;
    const tag = (w) => `${keyPrefix}{a:${escape(w.accountId)}}`;
    // EVALSHA, and the script's text once when the server lost it (another job's SCRIPT FLUSH on a
    // shared server), as the adapter does: a floor that crashed there measured nothing.
    const evalsha = (name, ...args) =>
      redis.evalsha(sha[name], ...args).catch((error) => (String(error?.message).startsWith('NOSCRIPT') ? redis.eval(REDIS_STORE_SCRIPTS[name], ...args) : Promise.reject(error)));
    const one = 'return 1';
    const oneSha = createHash('sha1').update(one).digest('hex');
    await redis.script('LOAD', one);
    // Every command the client sends, counted while a round-trip measurement runs.
    const wire = wireCounter();
    const sendCommand = redis.sendCommand;
    redis.sendCommand = function (command, ...rest) {
      if (!wire.begin()) return sendCommand.call(this, command, ...rest);
      command.promise.finally(() => wire.end()).catch(() => {});
      return sendCommand.call(this, command, ...rest);
    };
    try {
      const store = createRedisStore({ redis, keyPrefix });
      const challengeKey = (w) => `${keyPrefix}{c:${escape(generation(w))}}:challenge`;
      const met = await compare('Redis store (floor: the same commands and EVALSHA calls on one client)', store, {
        listFactors: (w) => redis.hgetall(`${tag(w)}:factors`),
        // The script and the challenge reads in one pipeline (one write), as the adapter sends them.
        chargeAttempts: (w, t, step, [, charges, options]) => {
          const pipeline = redis.pipeline();
          const a = tag(w);
          pipeline.evalsha(sha.chargeAttempts, 4, `${a}:attempts`, `${a}:factors`, `${a}:codes`, `${a}:challenges`, String(t), options.withFactors === true ? '1' : '0', String(charges.length),
            ...charges.flatMap(({ name, rule }) => [name, String(rule.limit), String(rule.freeAttempts), String(rule.baseDelayMs), String(rule.maxDelayMs), String(rule.memoryMs), String(t + rule.memoryMs)]),
            options.withBackupCode ?? '', ...(options.withChallenges ?? []));
          for (const id of options.withChallenges ?? []) pipeline.hgetall(`${keyPrefix}{c:${escape(id)}}:challenge`);
          return pipeline.exec();
        },
        clearAttempts: (w, t, step, [, names]) => evalsha('clearAttempts', 1, `${tag(w)}:attempts`, ...names),
        advanceFactorStep: (w, t, step, [, , , , options]) => {
          const a = tag(w);
          return options?.clearAttempts === undefined
            ? evalsha('advanceFactorStep', 2, `${a}:factors`, `${a}:op:${t}-${step}`, w.factorId, String(step), String(t))
            : evalsha('advanceFactorStepClearing', 3, `${a}:factors`, `${a}:attempts`, `${a}:op:${t}-${step}`, w.factorId, String(step), String(t), ...options.clearAttempts);
        },
        // An account's challenge: the pointer under its id's tag, then the record in the account's slot.
        getChallenge: (w) => redis.hgetall(challengeKey(w)).then(() => redis.hget(`${tag(w)}:challenges`, generation(w))),
        putChallenge: (w, t) => {
          const pipeline = redis.pipeline();
          pipeline.evalsha(sha.putChallengeOwner, 1, challengeKey(w), w.accountId, String(STEP_UP_MS));
          pipeline.evalsha(sha.putAccountChallenge, 1, `${tag(w)}:challenges`, generation(w),
            JSON.stringify({ v: 1, id: generation(w), accountId: w.accountId, purpose: 'step-up', data: { generation: 'g' }, createdAt: t, expiresAt: t + STEP_UP_MS, revision: 0 }), String(STEP_UP_MS), String(t));
          return pipeline.exec();
        },
      }, { wire, unit: 'command', oneTrip: () => redis.evalsha(oneSha, 0).catch(() => redis.eval(one, 0)) });
      redis.sendCommand = sendCommand;
      verdict('Redis', met);
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

// --- SQL store: SQLite and MySQL/MariaDB ---------------------------------------------------------
// The floor: the very statements the SQL store sent for one verification (recorded at its dialect,
// with each worker's ids, guard-row ids, time and step put in), run through the raw driver (cached
// better-sqlite3 statements; a mysql2 pool), batches in the same transaction with the same lock,
// without Kysely, the store or the service around them.

/** Wraps the store's dialect so the statements of each recorded call are kept, per call. */
function recordStatements(store) {
  const target = Object.getPrototypeOf(store); // withArgumentChecks wraps the store's object
  const inner = target.dialect;
  const log = { on: false, items: [] };
  target.dialect = {
    ...inner,
    run: (statement) => {
      if (log.on) log.items.push({ kind: 'run', statements: [statement] });
      return inner.run(statement);
    },
    batch: (statements, lockKey) => {
      if (log.on) log.items.push({ kind: 'batch', statements, lockKey });
      return inner.batch(statements, lockKey);
    },
  };
  return log;
}

/** The recorded statements for `worker` at time `t` (step from t): ids, guard ids, times replaced. */
function replayPlan(items, recorder, worker, w) {
  const t0 = recorder.t;
  const step0 = Math.floor(t0 / PERIOD);
  const swap = (v, t) => {
    if (typeof v === 'string') {
      if (/^[0-9a-f]{32}$/.test(v)) return `${v.slice(0, 26)}${String(w).padStart(6, '0')}`;
      return v.replaceAll(recorder.accountId, worker.accountId).replaceAll(recorder.factorId, worker.factorId).replaceAll(String(t0), String(t));
    }
    if (v === t0) return t;
    if (v === step0) return Math.floor(t / PERIOD);
    return v;
  };
  // Everything but the time and the step is swapped once, here (the store binds every value, so
  // the texts never change); a replay only puts this login's time and step in.
  const timeDependent = (v) => v === t0 || v === step0 || (typeof v === 'string' && v.includes(String(t0)));
  const plan = items.map((item) => ({
    kind: item.kind,
    lockKey: item.lockKey === undefined ? undefined : swap(item.lockKey, t0),
    statements: item.statements.map((s) => ({
      sql: swap(s.sql, t0),
      parameters: s.parameters.map((v) => (timeDependent(v) ? v : swap(v, t0))),
      timed: s.parameters.flatMap((v, i) => (timeDependent(v) ? [i] : [])),
    })),
  }));
  return (t) =>
    plan.map((item) => ({
      kind: item.kind,
      lockKey: item.lockKey,
      statements: item.statements.map((s) => {
        if (s.timed.length === 0) return s;
        const parameters = s.parameters.slice();
        for (const i of s.timed) parameters[i] = swap(parameters[i], t);
        return { sql: s.sql, parameters };
      }),
    }));
}

async function compareSql(label, store, raw) {
  const log = recordStatements(store);
  const workers = Math.max(...LEVELS);
  const { workers: list, recorder } = await setUp(store, workers);
  // One steady-state verification of the recorder, its statements recorded.
  log.on = true;
  log.items = [];
  recorder.t += PERIOD;
  const result = await recorder.service.verify(recorder.accountId, generateTotp(recorder.secret, { now: () => recorder.t }));
  log.on = false;
  if (!result.ok) throw new Error(`verification refused: ${result.reason}`);
  const items = log.items;
  const plans = list.map((worker, w) => replayPlan(items, recorder, worker, w));
  const floor = async (w) => {
    const worker = list[w];
    worker.t += PERIOD;
    generateTotp(worker.secret, { now: () => worker.t });
    for (const item of plans[w](worker.t)) {
      if (item.kind === 'run') await raw.run(item.statements[0]);
      else await raw.batch(item.statements, item.lockKey);
    }
  };
  console.log(`\n## ${label}${smoke ? ' (smoke run: numbers are not meaningful)' : ''}`);
  console.log(`one verification = ${items.length} operation(s), ${items.reduce((n, i) => n + i.statements.length, 0)} statement(s): ${items.map((i) => (i.kind === 'run' ? '1 statement' : `a batch of ${i.statements.length}`)).join(', ')}`);
  const rows = [];
  for (const concurrency of LEVELS) {
    const { a: service, b: bare } = await interleaved(concurrency, (w) => verifyOnce(list[w]), floor);
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

async function benchSqlite() {
  const [{ default: Database }, { Kysely, SqliteDialect }, { cacheSqliteStatements, createSqlStore, migrateSqlStore }, { mkdtempSync, rmSync }, { tmpdir }, { join }] = await Promise.all([
    import('better-sqlite3'), import('kysely'), import('../dist/stores/sql/index.js'), import('node:fs'), import('node:os'), import('node:path'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-bench-'));
  const sqlite = new Database(join(dir, 'bench.db'));
  sqlite.pragma('journal_mode = WAL');
  // As docs/stores.md advises: Kysely prepares every query anew unless the database caches them.
  const db = new Kysely({ dialect: new SqliteDialect({ database: cacheSqliteStatements(sqlite) }) });
  try {
    await migrateSqlStore({ db, dialect: 'sqlite' });
    const store = createSqlStore({ db, dialect: 'sqlite', sqlite });
    const cache = new Map();
    const exec = (s) => {
      let prepared = cache.get(s.sql);
      if (prepared === undefined) cache.set(s.sql, (prepared = sqlite.prepare(s.sql)));
      return prepared.reader ? prepared.all(...s.parameters) : prepared.run(...s.parameters);
    };
    // BEGIN IMMEDIATE, the statements, COMMIT: the transaction shape of the store's batches.
    const batch = sqlite.transaction((statements) => statements.map(exec));
    const raw = { run: async (s) => exec(s), batch: async (statements) => batch.immediate(statements) };
    const floor = 'floor: the same statements on cached better-sqlite3 statements';
    const met = await compareSql(`SQL store on SQLite (better-sqlite3, WAL, the sqlite option: statements on the connection; ${floor})`, store, raw);
    verdict('SQLite', met);
    // For comparison (no verdict): the same store through Kysely only, one query per statement.
    const throughKysely = createSqlStore({ db, dialect: 'sqlite' });
    await compareSql(`SQL store on SQLite through Kysely only (cacheSqliteStatements, no sqlite option; ${floor})`, throughKysely, raw);
    console.log('(through Kysely only: for comparison, no target)');
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchMysql() {
  const [{ Kysely, MysqlDialect }, mysql, { createSqlStore, migrateSqlStore }] = await Promise.all([
    import('kysely'), import('mysql2'), import('../dist/stores/sql/index.js'),
  ]);
  const host = process.env.MFAKIT_MYSQL_HOST ?? '127.0.0.1';
  const database = `mfakit_bench_${randomBytes(4).toString('hex')}`;
  const admin = mysql.createPool({ host, user: 'root', connectionLimit: 1, connectTimeout: 2000 }).promise();
  try {
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (error) {
    console.log(`\n## MySQL/MariaDB: skipped, no server answers at root@${host}:3306 (${error.message})`);
    await admin.end();
    return;
  }
  const pool = mysql.createPool({ host, user: 'root', database, connectionLimit: 20 });
  const rawPool = mysql.createPool({ host, user: 'root', database, connectionLimit: 20 }).promise();
  const db = new Kysely({ dialect: new MysqlDialect({ pool }) });
  try {
    await migrateSqlStore({ db, dialect: 'mysql' });
    const store = createSqlStore({ db, dialect: 'mysql' });
    const met = await compareSql('SQL store on MariaDB (mysql2; floor: the same statements and transactions on a mysql2 pool)', store, {
      run: (s) => rawPool.query(s.sql, s.parameters),
      batch: async (statements, lockKey) => {
        const connection = await rawPool.getConnection();
        try {
          await connection.query('START TRANSACTION');
          if (lockKey !== undefined) await connection.query('INSERT INTO mfakit_locks (name) VALUES (?) ON DUPLICATE KEY UPDATE name = name', [lockKey]);
          for (const s of statements) await connection.query(s.sql, s.parameters);
          await connection.query('COMMIT');
        } finally {
          connection.release();
        }
      },
    });
    verdict('MySQL/MariaDB', met);
  } finally {
    await db.destroy();
    await rawPool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => {});
    await admin.end();
  }
}

if (wanted('sqlite')) await benchSqlite();
if (wanted('mysql')) await benchMysql();
