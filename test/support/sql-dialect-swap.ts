/**
 * Test-only swaps of the SQL store's dialect object (the store keeps it on its prototype): the
 * fault tests' non-atomic control and the statement-text recorder.
 */
import type { SqlStore } from '../../src/stores/sql/index.js';

type Dialect = SqlStore['dialect'];

/** Replaces `store`'s dialect with `wrap(inner)` and returns the function that puts it back. */
export function swapDialect(store: SqlStore, wrap: (inner: Dialect) => Dialect): () => void {
  const owner = Object.getPrototypeOf(store) as { dialect: Dialect };
  const inner = owner.dialect;
  owner.dialect = wrap(inner);
  return () => {
    owner.dialect = inner;
  };
}

/**
 * Runs `body` while `store` sends each batch one statement at a time (autocommit), as a store
 * without transactions would: the control that shows what an atomic batch protects against.
 */
export async function withBatchesOneByOne<T>(store: SqlStore, body: () => Promise<T>): Promise<T> {
  const restore = swapDialect(store, (inner) => ({
    ...inner,
    batch: async (statements) => {
      const results = [];
      for (const statement of statements) results.push(await inner.run(statement));
      return results;
    },
  }));
  try {
    return await body();
  } finally {
    restore();
  }
}
