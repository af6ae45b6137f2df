import type { Pool } from 'pg';
import { FactorkitError } from '../../core/errors.js';
import { assertDistinctKeys } from '../../store/apply-ops.js';
import type { CommitResult, Fields, ScanPage, Store, StoredRecord, StoreOp } from '../../store/store.js';
import { PostgresCalls } from './postgres-calls.js';
import { CAS_MISSED, compareAndSet } from './postgres-cas.js';
import { queryCommitEach } from './postgres-commit-each.js';
import { RETRY_SQLSTATE } from './postgres-commit-sql.js';
import { sqlState } from './postgres-failures.js';
import { CommitHints } from './postgres-hints.js';
import { createOrMigrate } from './postgres-migrate.js';
import { isTableName, schemaNames } from './postgres-names.js';
import { type CommitReply, decodeReply, encodeOp, lockOrder } from './postgres-ops.js';
import { schemaSql, sweepSql } from './postgres-schema.js';
import { prepared } from './postgres-statements.js';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** A `pg` Pool the host created and owns. */
  pool: Pool;
  /** Table name, optionally schema-qualified (default `factorkit_records`). */
  table?: string;
  /** A call that has not answered after this long fails with `STORE_UNAVAILABLE` (default 5000). */
  commandTimeoutMs?: number;
}

interface Row {
  key: string;
  fields: Fields;
  expires_at: string | null;
}

/** Runs of a commit that keeps meeting a concurrent sweep (or another race below) before STORE_UNAVAILABLE. */
const COMMIT_TRIES = 10;
/**
 * A commit that failed with one of these rolled back whole, and runs again: a row swept under it
 * (RETRY_SQLSTATE), a key created under it by a writer without the locks (23505), a deadlock (40P01).
 */
const RETRIED = new Set([RETRY_SQLSTATE, '23505', '40P01']);

/** createSchema may migrate for minutes: its deadline is the longest a timer takes (about 24 days). */
const SCHEMA_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The store for apps on PostgreSQL: one table of records (key, jsonb fields, expiry) and a
 * `<table>_commit` function that runs a whole commit as one statement, in one round trip: it takes
 * a transaction advisory lock per key (commits on the same keys run one after the other, first
 * writes to missing keys included), reads each record, evaluates the ops with the reference
 * semantics (apply-ops.ts), then writes each changed record once (postgres-commit-sql.ts). A login
 * verify is two round trips. Expired rows are ignored on read and removed by
 * {@link PostgresStore.sweepExpired}.
 *
 * Before its first call the store checks the schema version once, and refuses (`CONFIG`) a missing
 * table, a table of an older factorkit (0.1: run `createSchema()` to migrate it) or of a newer one.
 *
 * @example
 * const store = new PostgresStore({ pool: new pg.Pool({ connectionString }) });
 * await store.createSchema(); // at every start: creates, migrates once, or does nothing
 * setInterval(() => store.sweepExpired(), 3_600_000);
 */
export class PostgresStore implements Store {
  private readonly table: string;
  private readonly calls: PostgresCalls;
  /** The texts of the store's two statements (named: each connection plans them once). */
  private readonly statements: { read: string; commit: string; scan: string };
  /** The records this process's last commits answered or wrote: attempts and successes try a compare-and-set on them. */
  private readonly hints = new CommitHints();

  /** @throws {FactorkitError} `CONFIG` for a bad table name or a missing pool. */
  constructor(options: PostgresStoreOptions) {
    if (!options?.pool || typeof options.pool.connect !== 'function') {
      throw new FactorkitError('CONFIG', '[postgres] option pool must be a pg Pool', { field: 'pool' });
    }
    // A pg.Client (or a client checked out of a pool) also has connect(), but holds one connection:
    // the store checks one out per commit, so it would fail later, as an outage.
    if ('connectionParameters' in options.pool) {
      throw new FactorkitError(
        'CONFIG',
        '[postgres] option pool must be a pg.Pool, not a pg.Client: new PostgresStore({ pool: new pg.Pool({ connectionString }) })',
        { field: 'pool' },
      );
    }
    const table = options.table ?? 'factorkit_records';
    if (!isTableName(table))
      throw new FactorkitError('CONFIG', '[postgres] option table must be an SQL identifier', {
        field: 'table',
      });
    this.table = table;
    this.calls = new PostgresCalls(options.pool, table, options.commandTimeoutMs ?? 5000);
    const n = schemaNames(table);
    this.statements = {
      read: `SELECT key, fields, expires_at FROM ${n.records}
        WHERE key = ANY($1::text[]) AND (expires_at IS NULL OR expires_at > $2::float8)`,
      commit: `SELECT ${n.commit}($1::float8, $2::text[], $3::jsonb, $4::text[], $5::int[]) AS r`,
      // The primary key's order, so a page is one index range.
      scan: `SELECT key FROM ${n.records}
        WHERE key > $1 AND (expires_at IS NULL OR expires_at > $2::float8) ORDER BY key LIMIT $3`,
    };
  }

  /**
   * The schema of a new table as SQL (also in `sql/schema.sql` of the package source), for hosts
   * that run their own migrations. A table of factorkit 0.1 migrates with {@link createSchema} only.
   */
  schemaSql(): string {
    return schemaSql(this.table);
  }

  /**
   * Creates the schema, or migrates a table of factorkit 0.1 to this version, in one transaction;
   * does nothing when the schema is current, so it is safe to run at every start, from several
   * processes at once (they take turns on an advisory lock). The migration runs once: it moves
   * every enrolled user's 0.1 records into `{tag}:user` (an admin-issued code expired at `now` is
   * not carried), holding the table meanwhile, and takes time proportional to the enrolled users.
   * Returns how many users it moved (0 when there was nothing to migrate).
   * @throws {FactorkitError} `CONFIG` when the table was created by a newer factorkit.
   */
  async createSchema(now: number = Date.now()): Promise<{ migratedUsers: number }> {
    const done = await this.calls.run('createSchema', (client) => createOrMigrate(client, this.table, now), {
      timeoutMs: SCHEMA_TIMEOUT_MS,
      checkSchema: false,
    });
    this.calls.schemaIsCurrent();
    return done;
  }

  /**
   * Deletes rows expired at `now` (schedule it, say, hourly); returns how many. The table has no
   * expiry index (so updates stay heap-only), so this scans it: about a second per million rows.
   */
  async sweepExpired(now: number = Date.now()): Promise<number> {
    const result = await this.calls.run('sweep', (client) => client.query(sweepSql(this.table), [now]));
    return result.rowCount ?? 0;
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return (await this.getMany([key], now))[0] ?? null;
  }

  /** Keys of many users in one read: this store has no cluster slots to keep apart. */
  getAcross(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return this.getMany(keys, now);
  }

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    if (keys.length === 0) return [];
    const result = await this.calls.run('read', (client) =>
      client.query<Row>(prepared(this.statements.read, [keys, now])),
    );
    const byKey = new Map(result.rows.map((row) => [row.key, row]));
    const records = keys.map((key) => {
      const row = byKey.get(key);
      return row
        ? { fields: row.fields, expiresAt: row.expires_at === null ? null : Number(row.expires_at) }
        : null;
    });
    // A login's code page reads its challenge and account (pendingLock): the attempt that follows
    // can then be a compare-and-set.
    this.hints.rememberRecords(keys, records, now);
    return records;
  }

  /** Live keys after `cursor` (the last key of the previous page), in key order. */
  async scan(cursor: string, limit: number, now: number): Promise<ScanPage> {
    const size = Math.max(1, limit);
    const result = await this.calls.run('scan', (client) =>
      client.query<{ key: string }>(prepared(this.statements.scan, [cursor, now, size])),
    );
    const keys = result.rows.map((row) => row.key);
    return { keys, cursor: keys.length === size ? keys[size - 1]! : '' };
  }

  /**
   * One call of the commit function: one round trip, one statement. A commit that meets a sweep
   * deleting one of its rows, or a deadlock, rolls back whole and runs again (up to
   * {@link COMMIT_TRIES} times, then `STORE_UNAVAILABLE`). A commit of attempts or merges on
   * records an earlier commit of this process answered or wrote (a verify's attempt after the
   * challenge's start or an earlier attempt, a right code's success) is first sent as a
   * compare-and-set (postgres-cas.ts); when a record changed meanwhile it writes nothing, and the
   * commit function runs the commit.
   */
  async commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    assertDistinctKeys(ops);
    if (ops.length === 0 && !read) return { ok: true, results: [] };
    const hints = this.hints.take(ops, now);
    const cas = hints && compareAndSet(this.table, ops, now, hints, read);
    if (cas) {
      const reply = await this.calls.run('commit', async (client) => {
        try {
          return (await client.query<{ r: CommitReply | null }>(cas.statement)).rows[0]!;
        } catch (error) {
          if (CAS_MISSED.has(sqlState(error) ?? '')) return null;
          throw error;
        }
      });
      if (reply) {
        const result = cas.result(reply);
        this.hints.rememberWritten(cas.written, ops, read, result, now);
        return result;
      }
    }
    const result = await this.commitFunction(ops, now, read);
    this.hints.remember(ops, read, result, now);
    return result;
  }

  private commitFunction(
    ops: readonly StoreOp[],
    now: number,
    read?: readonly string[],
  ): Promise<CommitResult> {
    const keys = ops.map((op) => op.key);
    const statement = prepared(this.statements.commit, [
      now,
      keys,
      JSON.stringify(ops.map(encodeOp)),
      read ?? null,
      lockOrder(keys, read),
    ]);
    return this.calls.run('commit', (client) =>
      retried(async () => {
        const answer = await client.query<{ r: CommitReply }>(statement);
        return decodeReply(answer.rows[0]!.r, read);
      }),
    );
  }

  /** Many users' commits in one statement, one round trip (postgres-commit-each.ts); retried as a commit. */
  async commitEach(batches: readonly (readonly StoreOp[])[], now: number): Promise<CommitResult[]> {
    if (batches.length === 0) return [];
    for (const ops of batches) this.hints.forget(ops);
    return this.calls.run('commit', (client) =>
      retried(() => queryCommitEach(client, this.table, batches, now)),
    );
  }
}

/** Runs a statement again while it fails with a {@link RETRIED} state, up to {@link COMMIT_TRIES} runs. */
async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!RETRIED.has(sqlState(error) ?? '') || attempt >= COMMIT_TRIES) throw error;
    }
  }
}
