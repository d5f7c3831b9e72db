/**
 * Cloudflare D1 (SQLite at Cloudflare). D1 has no interactive transactions; its `batch()` runs a
 * list of statements as one transaction (all or none), and a database is served by one writer, so
 * nothing interleaves with a batch. The store already writes every multi-statement operation as
 * such a list (guards in SQL, no read-then-write in app code), so a batch maps to one `batch()`
 * call. Single statements go through the app's Kysely instance (e.g. the `kysely-d1` dialect).
 * @module
 */
import type { Kysely } from 'kysely';
import { runOn, type SqlDialect, type SqlResult } from './dialect.js';
import { isSqliteUniqueViolation, sqliteSyntax } from './sqlite.js';

/**
 * The part of a D1 database binding (`env.DB`) the store uses.
 *
 * @example
 * ```ts
 * const database: D1DatabaseLike = env.DB;
 * ```
 */
export interface D1DatabaseLike {
  /** Prepares one statement (`?` placeholders), as D1's `prepare`. */
  prepare(query: string): D1PreparedStatementLike;
  /** Runs the statements as one atomic unit (all or none), as D1's `batch`, one result per statement. */
  batch(statements: D1PreparedStatementLike[]): Promise<{ results?: unknown[]; meta?: { changes?: number } }[]>;
}

/**
 * The part of a D1 prepared statement the store uses.
 *
 * @example
 * ```ts
 * const statement: D1PreparedStatementLike = env.DB.prepare('SELECT 1');
 * ```
 */
export interface D1PreparedStatementLike {
  /** Binds the placeholders' values in order, as D1's `bind`. */
  bind(...values: unknown[]): D1PreparedStatementLike;
}

/**
 * The D1 dialect: singles through Kysely, batches through the binding's `batch()`.
 *
 * @example
 * ```ts
 * const dialect = d1Dialect(db, env.DB);
 * ```
 */
export function d1Dialect(db: Kysely<unknown>, database: D1DatabaseLike): SqlDialect {
  return {
    name: 'd1',
    ...sqliteSyntax,
    isUniqueViolation: isSqliteUniqueViolation,
    run: (statement) => runOn(db, statement),
    batch: async (statements) => {
      const results = await database.batch(statements.map((s) => database.prepare(s.sql).bind(...s.parameters)));
      return results.map((r): SqlResult => ({ rows: (r.results ?? []) as Record<string, unknown>[], changes: Number(r.meta?.changes ?? 0) }));
    },
  };
}
