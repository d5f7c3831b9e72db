// Which MFA store the demo runs on: the in-memory store by default; PostgreSQL when MFAKIT_PG_URL
// is set, Redis when MFAKIT_REDIS_URL is set, and both together composed (counters and challenges
// in Redis, everything durable in PostgreSQL). Drivers are imported only when asked for. With
// PostgreSQL the demo's own users are kept there too, so a restart keeps the accounts (set
// MFAKIT_DEMO_SECRET as well, or the sealed TOTP secrets cannot be opened after the restart).
// MFAKIT_PG_TABLE_PREFIX / MFAKIT_REDIS_KEY_PREFIX change the table and key prefixes.
import type { MfaStore } from 'mfakit/service';
import { createMemoryStore } from 'mfakit/stores/memory';
import type { DemoUser, UserPersistence } from './users.js';

export interface ChosenStore {
  readonly store: MfaStore;
  /** Shown on the home page. */
  readonly description: string;
  /** Set when the users are kept in PostgreSQL. */
  readonly users?: UserPersistence;
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
  if (!pgUrl && !redisUrl) return { store: createMemoryStore(), description: 'in-memory store', close: async () => {} };

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
    ...(users === undefined ? {} : { users }),
    close: async () => {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
