/**
 * Every SQL statement of the PostgreSQL store, for one table prefix. Each is sent as a named
 * (prepared) statement, so PostgreSQL parses and plans it once per connection.
 *
 * Each guarantee of the contract is one statement here, or one short transaction in
 * `postgres-store.ts` where the contract needs a per-account lock (see there).
 * @module
 */

/**
 * A statement: `name` identifies the prepared statement on each connection; without a name it is
 * sent unnamed (parsed and planned at each execution, which every connection pooler accepts).
 *
 * @example
 * ```ts
 * const { name, text }: PostgresStatement = postgresStatements('mfakit_').consumeBackupCode;
 * ```
 */
export interface PostgresStatement {
  readonly name?: string;
  readonly text: string;
}

const FACTOR_COLUMNS = 'v, id, account_id, kind, role, name, created_at, last_used_at, last_step, revision, data';
const ENROLMENT_COLUMNS = 'v, id, account_id, kind, role, name, created_at, expires_at, replaces_factor_id, data';
const CODE_COLUMNS = 'v, account_id, set_id, id, hash, created_at';
const CHALLENGE_COLUMNS = 'v, id, account_id, purpose, data, created_at, expires_at, revision';

/**
 * Every SQL statement the PostgreSQL store runs, for a table prefix (for auditing, or benchmarking
 * the bare statement). The prefix must be valid (the store checks it; this function does not).
 *
 * @example
 * ```ts
 * const sql = postgresStatements('mfakit_');
 * await pool.query({ ...sql.advanceFactorStep, values: [accountId, factorId, step, usedAt] });
 * ```
 */
export function postgresStatements(p: string) {
  const s = (op: string, text: string): PostgresStatement => ({ name: `mfk_${p}${op}`, text: text.replace(/\s+/g, ' ').trim() });
  return {
    lockAccount: s('lock', `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`),

    getAccount: s('get_account', `SELECT v, id, created_at, updated_at, revision, data FROM ${p}accounts WHERE id = $1`),
    createAccount: s(
      'create_account',
      `INSERT INTO ${p}accounts (id, v, created_at, updated_at, revision, data) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING RETURNING 1 AS ok`,
    ),
    compareAndSetAccount: s(
      'cas_account',
      `UPDATE ${p}accounts SET v = $2, updated_at = $3, data = $4, revision = revision + 1
       WHERE id = $1 AND revision = $5 RETURNING 1 AS ok`,
    ),
    // One statement: the data-modifying CTEs all run to completion, atomically with the main query.
    deleteAccount: s(
      'delete_account',
      `WITH f AS (DELETE FROM ${p}factors WHERE account_id = $1),
            e AS (DELETE FROM ${p}enrolments WHERE account_id = $1),
            b AS (DELETE FROM ${p}backup_codes WHERE account_id = $1),
            c AS (DELETE FROM ${p}challenges WHERE account_id = $1),
            a AS (DELETE FROM ${p}attempts WHERE account_id = $1)
       DELETE FROM ${p}accounts WHERE id = $1 RETURNING 1 AS ok`,
    ),

    listFactors: s('list_factors', `SELECT ${FACTOR_COLUMNS} FROM ${p}factors WHERE account_id = $1`),
    getFactor: s('get_factor', `SELECT ${FACTOR_COLUMNS} FROM ${p}factors WHERE account_id = $1 AND id = $2`),
    insertFactor: s(
      'insert_factor',
      `INSERT INTO ${p}factors (${FACTOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
    ),
    // Uses the unique index of migration 2 (same expression, same predicate).
    credentialTaken: s(
      'credential_taken',
      `SELECT 1 AS ok FROM ${p}factors WHERE kind = 'webauthn' AND (data::jsonb ->> 'credentialId') = $1 LIMIT 1`,
    ),
    compareAndSetFactor: s(
      'cas_factor',
      `UPDATE ${p}factors SET name = $3, role = $4, data = $5, revision = revision + 1
       WHERE account_id = $1 AND id = $2 AND revision = $6 RETURNING 1 AS ok`,
    ),
    // The TOTP replay guard: the row lock makes concurrent updates queue, and each re-checks
    // last_step < $3 against the committed row, so one step is accepted once.
    advanceFactorStep: s(
      'advance_step',
      `UPDATE ${p}factors SET last_step = $3, last_used_at = $4
       WHERE account_id = $1 AND id = $2 AND last_step < $3 RETURNING 1 AS ok`,
    ),
    // The same, and when it advanced, the named attempt records cleared in the same statement (a
    // successful login's second and last round trip).
    advanceFactorStepClearing: s(
      'advance_step_clearing',
      `WITH adv AS (
         UPDATE ${p}factors SET last_step = $3, last_used_at = $4
         WHERE account_id = $1 AND id = $2 AND last_step < $3 RETURNING 1
       ),
       clr AS (
         UPDATE ${p}attempts SET count = 0, last_at = NULL, refused = false
         WHERE account_id = $1 AND name = ANY ($5::text[]) AND count > 0 AND EXISTS (SELECT 1 FROM adv)
       )
       SELECT 1 AS ok FROM adv`,
    ),
    deleteFactor: s('delete_factor', `DELETE FROM ${p}factors WHERE account_id = $1 AND id = $2 RETURNING 1 AS ok`),
    // Locks every factor row of the account (in id order, so concurrent callers cannot deadlock),
    // then counts the login factors that would remain. A concurrent removal waits for the lock and
    // then no longer sees the row the first one deleted, so two removals cannot both pass the check.
    deleteFactorKeeping: s(
      'delete_factor_keeping',
      `WITH locked AS MATERIALIZED (
         SELECT id, role FROM ${p}factors WHERE account_id = $1 ORDER BY id FOR UPDATE
       ),
       verdict AS (
         SELECT EXISTS (SELECT 1 FROM locked WHERE id = $2) AS found,
                (SELECT count(*) FROM locked WHERE role = 'login' AND id <> $2) >= $3::bigint AS enough
       ),
       gone AS (
         DELETE FROM ${p}factors f USING verdict
         WHERE f.account_id = $1 AND f.id = $2 AND verdict.found AND verdict.enough RETURNING 1
       )
       SELECT verdict.found, verdict.enough, (SELECT count(*) FROM gone) AS deleted FROM verdict`,
    ),
    deleteLoginFactors: s(
      'delete_login_factors',
      `WITH b AS (DELETE FROM ${p}backup_codes WHERE account_id = $1),
            e AS (DELETE FROM ${p}enrolments WHERE account_id = $1),
            f AS (DELETE FROM ${p}factors WHERE account_id = $1 AND role = 'login' RETURNING 1)
       SELECT count(*) AS deleted FROM f`,
    ),

    // Disable and recovery: one statement, every delete or none (data-modifying CTEs).
    removeLoginFactors: s(
      'remove_login_factors',
      `WITH b AS (DELETE FROM ${p}backup_codes WHERE account_id = $1),
            e AS (DELETE FROM ${p}enrolments WHERE account_id = $1),
            c AS (DELETE FROM ${p}challenges WHERE account_id = $1 AND purpose = ANY($2::text[])),
            f AS (DELETE FROM ${p}factors WHERE account_id = $1 AND role = 'login' RETURNING id)
       SELECT id FROM f`,
    ),

    putEnrolment: s(
      'put_enrolment',
      `INSERT INTO ${p}enrolments (${ENROLMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (account_id, id) DO UPDATE SET v = EXCLUDED.v, kind = EXCLUDED.kind, role = EXCLUDED.role,
         name = EXCLUDED.name, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
         replaces_factor_id = EXCLUDED.replaces_factor_id, data = EXCLUDED.data`,
    ),
    getEnrolment: s('get_enrolment', `SELECT ${ENROLMENT_COLUMNS} FROM ${p}enrolments WHERE account_id = $1 AND id = $2`),
    deleteEnrolment: s('delete_enrolment', `DELETE FROM ${p}enrolments WHERE account_id = $1 AND id = $2 RETURNING 1 AS ok`),
    takeEnrolment: s(
      'take_enrolment',
      `DELETE FROM ${p}enrolments WHERE account_id = $1 AND id = $2 AND expires_at > $3 RETURNING 1 AS ok`,
    ),
    deleteOtherFactor: s('delete_other_factor', `DELETE FROM ${p}factors WHERE account_id = $1 AND id = $2`),

    deleteBackupCodes: s('delete_codes', `DELETE FROM ${p}backup_codes WHERE account_id = $1`),
    insertBackupCodes: s(
      'insert_codes',
      `INSERT INTO ${p}backup_codes (account_id, v, set_id, id, hash, created_at)
       SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[], $6::bigint[])`,
    ),
    getBackupCode: s('get_code', `SELECT ${CODE_COLUMNS} FROM ${p}backup_codes WHERE account_id = $1 AND id = $2`),
    consumeBackupCode: s('consume_code', `DELETE FROM ${p}backup_codes WHERE account_id = $1 AND id = $2 RETURNING 1 AS ok`),
    countBackupCodes: s('count_codes', `SELECT count(*) AS n FROM ${p}backup_codes WHERE account_id = $1`),

    putChallenge: s(
      'put_challenge',
      `INSERT INTO ${p}challenges (${CHALLENGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, account_id = EXCLUDED.account_id, purpose = EXCLUDED.purpose,
         data = EXCLUDED.data, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
         revision = EXCLUDED.revision`,
    ),
    getChallenge: s('get_challenge', `SELECT ${CHALLENGE_COLUMNS} FROM ${p}challenges WHERE id = $1 AND expires_at > $2`),
    consumeChallenge: s(
      'consume_challenge',
      `DELETE FROM ${p}challenges WHERE id = $1 AND purpose = $2 AND expires_at > $3 RETURNING ${CHALLENGE_COLUMNS}`,
    ),
    compareAndSetChallenge: s(
      'cas_challenge',
      `UPDATE ${p}challenges SET data = $2, expires_at = $3, revision = revision + 1
       WHERE id = $1 AND revision = $4 AND expires_at > $5 RETURNING 1 AS ok`,
    ),
    listChallenges: s(
      'list_challenges',
      `SELECT ${CHALLENGE_COLUMNS} FROM ${p}challenges WHERE account_id = $1 AND purpose = $2 AND expires_at > $3`,
    ),
    deleteChallenges: s(
      'delete_challenges',
      `WITH d AS (DELETE FROM ${p}challenges WHERE account_id = $1 AND purpose = $2 RETURNING 1) SELECT count(*) AS n FROM d`,
    ),

    // Fixed-window counter in one statement: the row lock of ON CONFLICT serialises increments, and
    // every SET expression reads the old row, so the window resets exactly when it has expired.
    incrementCounter: s(
      'increment_counter',
      `INSERT INTO ${p}counters AS c (key, count, expires_at, last_at, prior_at)
       VALUES ($1, 1, $2::bigint + $3::bigint, $2::bigint, NULL)
       ON CONFLICT (key) DO UPDATE SET
         count      = CASE WHEN c.expires_at > $2::bigint THEN c.count + 1 ELSE 1 END,
         expires_at = CASE WHEN c.expires_at > $2::bigint THEN c.expires_at ELSE $2::bigint + $3::bigint END,
         prior_at   = CASE WHEN c.expires_at > $2::bigint THEN c.last_at ELSE NULL END,
         last_at    = $2::bigint
       RETURNING count, expires_at, prior_at`,
    ),
    getAttempts: s(
      'get_attempts',
      `SELECT count, last_at, expires_at FROM ${p}attempts WHERE account_id = $1 AND name = $2 AND expires_at > $3`,
    ),
    // Cleared in place (an update, not a delete, so the next charge reuses the row); a record
    // already clear is not written again.
    clearAttempts: s(
      'clear_attempts',
      `UPDATE ${p}attempts SET count = 0, last_at = NULL, refused = false
       WHERE account_id = $1 AND name = ANY ($2::text[]) AND count > 0`,
    ),
    clearAllAttempts: s(
      'clear_all_attempts',
      `UPDATE ${p}attempts SET count = 0, last_at = NULL, refused = false WHERE account_id = $1 AND count > 0`,
    ),
    // The charge statement for 1 to MAX_ATTEMPT_CHARGES records: alone, with the factors (`…F`), or
    // with the factors and a login's other reads (`…FL`: challenges by id and one backup code).
    chargeAttempts1: s('charge_attempts_1', chargeAttemptsText(p, 1, false, false)),
    chargeAttempts1F: s('charge_attempts_1_f', chargeAttemptsText(p, 1, true, false)),
    chargeAttempts1FL: s('charge_attempts_1_fl', chargeAttemptsText(p, 1, true, true)),
    chargeAttempts2: s('charge_attempts_2', chargeAttemptsText(p, 2, false, false)),
    chargeAttempts2F: s('charge_attempts_2_f', chargeAttemptsText(p, 2, true, false)),
    chargeAttempts2FL: s('charge_attempts_2_fl', chargeAttemptsText(p, 2, true, true)),
    chargeAttempts3: s('charge_attempts_3', chargeAttemptsText(p, 3, false, false)),
    chargeAttempts3F: s('charge_attempts_3_f', chargeAttemptsText(p, 3, true, false)),
    chargeAttempts3FL: s('charge_attempts_3_fl', chargeAttemptsText(p, 3, true, true)),
    // A backup-code login's last round trip: the code used up and, only by the call that used it,
    // the attempt records cleared ($3, may be empty) and the tombstone stored ($4…$11, $4 null = none).
    consumeBackupCodeFully: s(
      'consume_code_fully',
      `WITH used AS (DELETE FROM ${p}backup_codes WHERE account_id = $1 AND id = $2 RETURNING 1),
            clr AS (
              UPDATE ${p}attempts SET count = 0, last_at = NULL, refused = false
              WHERE account_id = $1 AND name = ANY ($3::text[]) AND count > 0 AND EXISTS (SELECT 1 FROM used)
            ),
            mark AS (
              INSERT INTO ${p}challenges (${CHALLENGE_COLUMNS})
              SELECT $4::integer, $5::text, $6::text, $7::text, $8::text, $9::bigint, $10::bigint, $11::integer
              WHERE $4::integer IS NOT NULL AND EXISTS (SELECT 1 FROM used)
              ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, account_id = EXCLUDED.account_id, purpose = EXCLUDED.purpose,
                data = EXCLUDED.data, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                revision = EXCLUDED.revision
            )
       SELECT 1 AS ok FROM used`,
    ),
    getCounter: s('get_counter', `SELECT count, expires_at, last_at FROM ${p}counters WHERE key = $1 AND expires_at > $2`),
  };
}

/** Parameters of one charge in {@link chargeAttemptsText}, after `$1` (account) and `$2` (now). */
export const ATTEMPT_CHARGE_PARAMETERS = 6;

/**
 * One statement charging `charges` attempt records in order, each only if the one before was
 * allowed (and, `withFactors`, the first only if the account has a login factor), returning the factors
 * too. Parameters: `$1` account, `$2` now, then per charge name, limit, free attempts, base delay,
 * max delay, memory. Each charge is an upsert whose row lock serialises concurrent charges; its
 * SET expressions read the locked row, so the decision is made on the newest committed state: an
 * expired row counts as absent; a refused attempt rewrites the row unchanged except `refused`.
 *
 * Rows: one per factor (at least one), each carrying every charge's outcome as `c<i>_*` columns.
 */
function chargeAttemptsText(p: string, charges: number, withFactors: boolean, withReads: boolean): string {
  const ctes: string[] = [];
  const columns: string[] = [];
  const joins: string[] = [];
  for (let i = 0; i < charges; i++) {
    const b = 3 + i * ATTEMPT_CHARGE_PARAMETERS;
    const [name, limit, free, base, max, memory] = [0, 1, 2, 3, 4, 5].map((k) => `$${b + k}`);
    const live = `(a.expires_at > $2::bigint)`;
    const count = `(CASE WHEN ${live} THEN a.count ELSE 0 END)`;
    const last = `(CASE WHEN ${live} THEN a.last_at END)`;
    const n = `(${count} + 1)`;
    const delay =
      `(CASE WHEN ${n} <= ${free}::bigint THEN 0::float8 ` +
      `ELSE LEAST(${max}::bigint::float8, ${base}::bigint::float8 * power(2::float8, LEAST(30, ${n} - ${free}::bigint - 1)::float8)) END)`;
    const ok = `(${count} < ${limit}::bigint AND (${delay} = 0 OR ${last} IS NULL OR $2::bigint::float8 >= ${last}::float8 + ${delay}))`;
    const gate =
      i > 0
        ? `FROM c${i - 1} WHERE NOT c${i - 1}.refused`
        : withFactors
          ? `WHERE EXISTS (SELECT 1 FROM ${p}factors WHERE account_id = $1 AND role = 'login')`
          : '';
    ctes.push(
      `c${i} AS (
        INSERT INTO ${p}attempts AS a (account_id, name, count, last_at, expires_at, refused)
        SELECT $1::text, ${name}::text, 1, $2::bigint, $2::bigint + ${memory}::bigint, false ${gate}
        ON CONFLICT (account_id, name) DO UPDATE SET
          count      = CASE WHEN ${ok} THEN ${count} + 1 ELSE a.count END,
          last_at    = CASE WHEN ${ok} THEN GREATEST($2::bigint, ${last}) ELSE a.last_at END,
          expires_at = CASE WHEN ${ok} THEN $2::bigint + ${memory}::bigint ELSE a.expires_at END,
          refused    = NOT ${ok}
        RETURNING a.count, a.last_at, a.expires_at, a.refused
      )`,
    );
    columns.push(`c${i}.count AS c${i}_count, c${i}.last_at AS c${i}_last_at, c${i}.expires_at AS c${i}_expires_at, c${i}.refused AS c${i}_refused`);
    joins.push(`LEFT JOIN c${i} ON true`);
  }
  const factors = withFactors ? `, ${FACTOR_COLUMNS.split(', ').map((c) => `f.${c}`).join(', ')}` : '';
  // A login's other reads, as uncorrelated subqueries (run once, not per factor row): the
  // challenges of the ids in the array parameter, and the backup code of the id parameter (null:
  // not asked) with the account's count of codes, each as JSON text of text values.
  const ids = `$${3 + charges * ATTEMPT_CHARGE_PARAMETERS}::text[]`;
  const code = `$${4 + charges * ATTEMPT_CHARGE_PARAMETERS}::text`;
  const reads = withReads
    ? `, (SELECT json_agg(json_build_array(ch.v::text, ch.id, ch.account_id, ch.purpose, ch.data, ch.created_at::text, ch.expires_at::text, ch.revision::text))
          FROM ${p}challenges ch WHERE ch.id = ANY (${ids}) AND ch.expires_at > $2::bigint) AS read_challenges,
       (SELECT json_build_array(bc.v::text, bc.set_id, bc.id, bc.hash, bc.created_at::text)
          FROM ${p}backup_codes bc WHERE bc.account_id = $1 AND bc.id = ${code}) AS read_code,
       (SELECT count(*) FROM ${p}backup_codes bc WHERE bc.account_id = $1 AND ${code} IS NOT NULL) AS read_code_count`
    : '';
  const factorJoin = withFactors ? `LEFT JOIN ${p}factors f ON f.account_id = $1` : '';
  return `WITH ${ctes.join(',\n')}
    SELECT ${columns.join(', ')}${factors}${reads} FROM (SELECT 1) AS one ${joins.join(' ')} ${factorJoin}`;
}

/**
 * The statements of one prefix.
 *
 * @example
 * ```ts
 * const sql: PostgresStatements = postgresStatements('mfakit_');
 * ```
 */
export type PostgresStatements = ReturnType<typeof postgresStatements>;
