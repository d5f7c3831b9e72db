/**
 * MySQL and MariaDB (through Kysely's `MysqlDialect` with `mysql2`, InnoDB tables). A batch is one
 * transaction on one pooled connection. Unlike SQLite, InnoDB runs writers concurrently, so a
 * batch that names an account first takes that account's lock: an upsert of the account's row in
 * `<prefix>locks`, whose exclusive row lock is held until COMMIT or ROLLBACK (so a crashed or cut
 * connection never leaves it behind). Batches of one account therefore run one after the other,
 * and each guard a batch computes still holds when its later statements run. Single statements
 * rely on InnoDB's row locks: a conditional `UPDATE … WHERE revision = ?` or `DELETE` re-reads the
 * newest committed row once it holds the lock. A batch that met a deadlock (InnoDB rolled it back
 * whole, so nothing of it stays) is run again after a short pause, up to `DEADLOCK_ATTEMPTS` times:
 * InnoDB lets one side of every deadlock go on, so n batches racing for one unique key (n accounts
 * activating one credential id) need up to n - 1 reruns.
 * @module
 */
import type { Kysely } from 'kysely';
import { runOn, transactionOn, type SqlDialect, type SqlStatement } from './dialect.js';

/** InnoDB's "deadlock found" error: the whole transaction was rolled back, safe to run again. */
const ER_LOCK_DEADLOCK = 1213;
/** Duplicate entry for a PRIMARY KEY or UNIQUE index. */
const ER_DUP_ENTRY = 1062;
/** Runs of one batch before a deadlock is reported (a race of ten needed more than three here). */
const DEADLOCK_ATTEMPTS = 10;

function errno(error: unknown): unknown {
  return (error as { errno?: unknown } | null)?.errno;
}

/**
 * The MySQL/MariaDB dialect over the app's Kysely instance.
 *
 * @example
 * ```ts
 * const dialect = mysqlDialect(db, 'mfakit_');
 * ```
 */
export function mysqlDialect(db: Kysely<unknown>, prefix: string): SqlDialect {
  const once = (statements: readonly SqlStatement[], lockKey: string | undefined) =>
    db.connection().execute(async (connection) => {
      if (lockKey === undefined) return transactionOn(connection, 'START TRANSACTION', statements);
      // The lock row first: it queues other batches of the same key behind this transaction.
      const lock = { sql: `INSERT INTO ${prefix}locks (name) VALUES (?) ON DUPLICATE KEY UPDATE name = name`, parameters: [lockKey] };
      return (await transactionOn(connection, 'START TRANSACTION', [lock, ...statements])).slice(1);
    });
  return {
    name: 'mysql',
    run: (statement) => runOn(db, statement),
    batch: async (statements, lockKey) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(statements, lockKey);
        } catch (error) {
          if (errno(error) !== ER_LOCK_DEADLOCK || attempt >= DEADLOCK_ATTEMPTS) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, attempt));
      }
    },
    isUniqueViolation: (error) => errno(error) === ER_DUP_ENTRY,
    ignoreDuplicate: (firstColumn) => `ON DUPLICATE KEY UPDATE ${firstColumn} = ${firstColumn}`,
    upsert: (_keys, columns) => `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
    deleteReturning: false,
    forUpdate: ' FOR UPDATE',
  };
}
