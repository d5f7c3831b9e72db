// Which MFA store the demo runs on: a SQLite file by default (mfakit/stores/sql over Kysely and
// better-sqlite3), so the demo keeps its accounts across restarts; the in-memory store with
// MFAKIT_DEMO_STORE=memory (the tests' choice); PostgreSQL when MFAKIT_PG_URL is set, Redis when
// MFAKIT_REDIS_URL is set, and both together composed (counters and challenges in Redis,
// everything durable in PostgreSQL). Drivers are imported only when asked for. With SQLite or
// PostgreSQL the demo's own users are kept there too, so a restart keeps the accounts. The sealed
// TOTP secrets need the same keys after a restart: MFAKIT_DEMO_SECRET gives them; without it the
// SQLite file keeps a random secret of its own (PostgreSQL does not: set MFAKIT_DEMO_SECRET).
// MFAKIT_PG_TABLE_PREFIX / MFAKIT_REDIS_KEY_PREFIX change the table and key prefixes.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MfaStore } from 'mfakit/service';
import { createMemoryStore } from 'mfakit/stores/memory';
import type { DemoUser, UserPersistence } from './users.js';

/** Where `npm run demo` keeps its SQLite file unless MFAKIT_SQLITE_PATH says otherwise (git-ignored). */
export const DEFAULT_SQLITE_PATH = fileURLToPath(new URL('../../.demo-data/demo.sqlite', import.meta.url));

export interface ChosenStore {
  readonly store: MfaStore;
  /** Shown on the home page. */
  readonly description: string;
  /** Set when the users are kept in the database (SQLite, PostgreSQL). */
  readonly users?: UserPersistence;
  /** A secret the database keeps for the demo's sealing keys (SQLite without MFAKIT_DEMO_SECRET). */
  readonly secret?: string;
  /** Whether the MFA data outlives the process (everything but the memory store). */
  readonly persistent: boolean;
  close(): Promise<void>;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

function postgresUsers(pool: Queryable, prefix: string): UserPersistence & { migrate(): Promise<void> } {
  const table = `${prefix}demo_users`;
  return {
    async migrate() {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, email text UNIQUE NOT NULL, password_hash text NOT NULL, created_at bigint NOT NULL, organisations jsonb NOT NULL)`,
      );
    },
    async loadAll() {
      const { rows } = await pool.query(`SELECT id, email, password_hash, created_at, organisations FROM ${table}`);
      return rows.map(
        (r): DemoUser => ({
          id: String(r['id']),
          email: String(r['email']),
          passwordHash: String(r['password_hash']),
          createdAt: Number(r['created_at']),
          organisations: new Map(Object.entries(r['organisations'] as Record<string, number>)),
        }),
      );
    },
    async save(user) {
      await pool.query(
        `INSERT INTO ${table} (id, email, password_hash, created_at, organisations) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET organisations = EXCLUDED.organisations`,
        [user.id, user.email, user.passwordHash, user.createdAt, JSON.stringify(Object.fromEntries(user.organisations))],
      );
    },
  };
}

export async function chooseStore(env: NodeJS.ProcessEnv = process.env): Promise<ChosenStore> {
  const pgUrl = env['MFAKIT_PG_URL'];
  const redisUrl = env['MFAKIT_REDIS_URL'];
  if (!pgUrl && !redisUrl) {
    const kind = demoStoreKind(env);
    if (kind === 'memory') return { store: createMemoryStore(), description: 'in-memory store', persistent: false, close: async () => {} };
    return sqliteStore(resolve(env['MFAKIT_SQLITE_PATH'] || DEFAULT_SQLITE_PATH));
  }

  const closers: (() => Promise<unknown>)[] = [];
  let durable: MfaStore | undefined;
  let fast: MfaStore | undefined;
  let users: UserPersistence | undefined;
  const parts: string[] = [];
  try {
    if (pgUrl) {
      const { default: pg } = await import('pg');
      const { createPostgresStore, migrate } = await import('mfakit/stores/postgres');
      const tablePrefix = env['MFAKIT_PG_TABLE_PREFIX'] || 'mfakit_';
      const pool = new pg.Pool({ connectionString: pgUrl, max: 5 });
      closers.push(() => pool.end());
      await migrate(pool, { tablePrefix });
      durable = createPostgresStore({ pool, tablePrefix });
      const persisted = postgresUsers(pool, tablePrefix);
      await persisted.migrate();
      users = persisted;
      parts.push('PostgreSQL');
    }
    if (redisUrl) {
      const { Redis } = await import('ioredis');
      const { createRedisStore } = await import('mfakit/stores/redis');
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
      closers.push(() => redis.quit());
      await redis.connect();
      fast = createRedisStore({ redis, keyPrefix: env['MFAKIT_REDIS_KEY_PREFIX'] || 'mfakit:' });
      parts.push('Redis');
    }
  } catch (error) {
    await Promise.allSettled(closers.map((c) => c()));
    throw error;
  }
  let store: MfaStore;
  if (durable !== undefined && fast !== undefined) {
    const { composeStores } = await import('mfakit/stores/composed');
    store = composeStores({ counters: fast, challenges: fast, durable });
  } else {
    store = (durable ?? fast)!;
  }
  return {
    store,
    description: parts.length === 2 ? 'PostgreSQL (durable data) + Redis (counters, challenges)' : `${parts[0]} store`,
    persistent: true,
    ...(users === undefined ? {} : { users }),
    close: async () => {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}

/** `MFAKIT_DEMO_STORE`: `sqlite` (the default) or `memory`. */
export function demoStoreKind(env: NodeJS.ProcessEnv): 'sqlite' | 'memory' {
  const kind = (env['MFAKIT_DEMO_STORE'] || 'sqlite').toLowerCase();
  if (kind !== 'sqlite' && kind !== 'memory') throw new Error(`MFAKIT_DEMO_STORE must be sqlite or memory, not ${kind}`);
  return kind;
}

/** The demo's users and its secret in the same SQLite file as the MFA data (tables mfakit_demo_*). */
function sqliteUsers(sqlite: import('better-sqlite3').Database): UserPersistence & { secret(): string } {
  sqlite.exec(
    `CREATE TABLE IF NOT EXISTS mfakit_demo_users (id TEXT PRIMARY KEY, email TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, organisations TEXT NOT NULL);
     CREATE TABLE IF NOT EXISTS mfakit_demo_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  );
  return {
    async loadAll() {
      const rows = sqlite.prepare('SELECT id, email, password_hash, created_at, organisations FROM mfakit_demo_users').all() as Record<string, unknown>[];
      return rows.map(
        (r): DemoUser => ({
          id: String(r['id']),
          email: String(r['email']),
          passwordHash: String(r['password_hash']),
          createdAt: Number(r['created_at']),
          organisations: new Map(Object.entries(JSON.parse(String(r['organisations'])) as Record<string, number>)),
        }),
      );
    },
    async save(user) {
      sqlite
        .prepare(
          `INSERT INTO mfakit_demo_users (id, email, password_hash, created_at, organisations) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET organisations = excluded.organisations`,
        )
        .run(user.id, user.email, user.passwordHash, user.createdAt, JSON.stringify(Object.fromEntries(user.organisations)));
    },
    secret() {
      // Made once, at the first start on this file: the sealing keys then survive restarts.
      sqlite.prepare('INSERT INTO mfakit_demo_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run('secret', randomBytes(32).toString('base64url'));
      return String((sqlite.prepare('SELECT value FROM mfakit_demo_settings WHERE name = ?').get('secret') as { value: string }).value);
    },
  };
}

/** The SQL store on a SQLite file (WAL mode), migrated at start-up. */
async function sqliteStore(path: string): Promise<ChosenStore> {
  const { default: Database } = await import('better-sqlite3');
  const { Kysely, SqliteDialect } = await import('kysely');
  const { createSqlStore, migrateSqlStore } = await import('mfakit/stores/sql');
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    sqlite.pragma('journal_mode = WAL');
    await migrateSqlStore({ db, dialect: 'sqlite' });
    const users = sqliteUsers(sqlite);
    return {
      // `sqlite`: the store runs its statements on this connection directly (docs/stores.md).
      store: createSqlStore({ db, dialect: 'sqlite', sqlite }),
      description: `SQLite store (${path})`,
      users,
      secret: users.secret(),
      persistent: true,
      close: () => db.destroy(),
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
