/**
 * The SQL store binds every value as a parameter: the text of a statement never carries a time, a
 * step or a rule's figures, so it is the same on every call and a statement cache can hit. Checked
 * over the whole conformance suite on SQLite (every statement the store sends), and on two logins
 * a period apart.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { storeConformanceCases } from '../../src/conformance/index.js';
import { createMfaService } from '../../src/service/index.js';
import { decodeBase32Secret, generateTotp } from '../../src/otp/index.js';
import { createSqlStore, migrateSqlStore, type SqlStatement, type SqlStore } from '../../src/stores/sql/index.js';
import { swapDialect } from '../support/sql-dialect-swap.js';

const sqlite = new Database(':memory:');
const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
await migrateSqlStore({ db, dialect: 'sqlite' });
const store = createSqlStore({ db, dialect: 'sqlite' });

/** Every statement text the store sends while `on` (the dialect object is wrapped). */
function recordTexts(target: SqlStore): { on: boolean; texts: string[] } {
  const log = { on: false, texts: [] as string[] };
  const keep = (statements: readonly SqlStatement[]) => {
    if (log.on) for (const s of statements) log.texts.push(s.sql);
  };
  swapDialect(target, (inner) => ({
    ...inner,
    run: (statement) => (keep([statement]), inner.run(statement)),
    batch: (statements, lockKey) => (keep(statements), inner.batch(statements, lockKey)),
  }));
  return log;
}
const log = recordTexts(store);

afterAll(async () => {
  await db.destroy();
});

/** Integer literals of two digits or more (a time, a step, a limit, a TTL) in a statement's text. */
const LITERAL = /(?<![\w.])\d{2,}(?![\w.])/;

describe('stores/sql: values are parameters, never spliced into the SQL text', () => {
  const cases = storeConformanceCases(() => store);
  test('over the whole conformance suite, no statement text holds a number literal', async () => {
    log.on = true;
    log.texts = [];
    for (const c of cases) await c.run();
    log.on = false;
    expect(log.texts.length).toBeGreaterThan(1000);
    const spliced = [...new Set(log.texts.filter((t) => LITERAL.test(t)))];
    expect(spliced.map((t) => t.replace(/\s+/g, ' ').slice(0, 160))).toEqual([]);
  }, 120_000);

  test('two TOTP logins a period apart send the same statement texts', async () => {
    const keyRing = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(3) } };
    let t = Date.now();
    const service = createMfaService({ issuer: 'Test', store, keyRing, now: () => t });
    const pending = await service.startAuthenticatorEnrolment('acct-statement-text');
    const secret = decodeBase32Secret(pending.manualKey.replace(/ /g, ''));
    expect((await service.confirmEnrolment('acct-statement-text', pending.enrolmentId, generateTotp(secret, { now: () => t }))).ok).toBe(true);
    const login = async () => {
      t += 30_000;
      log.on = true;
      log.texts = [];
      expect((await service.verify('acct-statement-text', generateTotp(secret, { now: () => t }))).ok).toBe(true);
      log.on = false;
      return log.texts;
    };
    await login(); // the first login also stores the step-up generation
    const first = await login();
    const second = await login();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });
});
