import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import { FactorkitError } from '../../core/errors.js';
import { assertDistinctKeys, evaluateOp, failureAt } from '../../store/apply-ops.js';
import type { CommitResult, Fields, Store, StoredRecord, StoreOp } from '../../store/store.js';
import { boundedCall } from '../bounded-call.js';
import { classifyPostgresFailure } from './postgres-failures.js';
import { commitFunction, schemaSql, statementKind } from './postgres-schema.js';
import { asText, opStatement, quoteTable } from './postgres-sql.js';

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

const statementNames = new Map<string, string>();

/** A named (server-side prepared, planned once per connection) query for a statement text. */
function prepared(text: string, values: unknown[]): QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    name = `factorkit_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

// The functions are named `<table>_commit` and `<table>_run`: table names stay short enough (63 bytes).
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,55}(\.[A-Za-z_][A-Za-z0-9_]{0,55})?$/;

/**
 * The store for apps on PostgreSQL: one table of records (key, jsonb fields, expiry). Each op is
 * one atomic statement; a commit of several ops runs them in one transaction and rolls back on the
 * first condition that fails. Expired rows are ignored on read and removed by {@link sweepExpired}.
 *
 * @example
 * const store = new PostgresStore({ pool: new pg.Pool({ connectionString }) });
 * await store.createSchema();
 */
export class PostgresStore implements Store {
  private readonly pool: Pool;
  private readonly table: string;
  private readonly timeoutMs: number;

  /** @throws {FactorkitError} `CONFIG` for a bad table name or a missing pool. */
  constructor(options: PostgresStoreOptions) {
    if (!options?.pool || typeof options.pool.connect !== 'function') {
      throw new FactorkitError('CONFIG', '[postgres] option pool must be a pg Pool', { field: 'pool' });
    }
    const table = options.table ?? 'factorkit_records';
    if (!TABLE_NAME.test(table))
      throw new FactorkitError('CONFIG', '[postgres] option table must be an SQL identifier', {
        field: 'table',
      });
    this.pool = options.pool;
    this.table = table;
    this.timeoutMs = options.commandTimeoutMs ?? 5000;
  }

  /** The schema as SQL (also in `sql/schema.sql` of the package source). */
  schemaSql(): string {
    return schemaSql(this.table);
  }

  /** Creates the table and its expiry index if missing. */
  async createSchema(): Promise<void> {
    await this.call('createSchema', (client) => client.query(this.schemaSql()));
  }

  /** Deletes rows expired at `now` (schedule it, say, hourly); returns how many. */
  async sweepExpired(now: number = Date.now()): Promise<number> {
    const result = await this.call('sweep', (client) =>
      client.query(`DELETE FROM ${quoteTable(this.table)} WHERE expires_at <= $1::bigint`, [String(now)]),
    );
    return result.rowCount ?? 0;
  }

  /** Runs `run` on a pooled connection within the deadline; a dropped connection is destroyed, not reused. */
  private call<T>(what: string, run: (client: PoolClient) => Promise<T>): Promise<T> {
    return boundedCall(
      'postgres',
      what,
      this.timeoutMs,
      async () => {
        const client = await this.pool.connect();
        let broken: Error | undefined;
        // A checked-out client reports a dropped connection as an 'error' event: take it as a failure.
        const onError = (error: Error) => {
          broken = error;
        };
        client.on('error', onError);
        try {
          return await run(client);
        } catch (error) {
          broken ??= error as Error;
          throw error;
        } finally {
          client.off('error', onError);
          // Keep the connection only when the server answered with an SQL error (a five-character SQLSTATE).
          const sqlError =
            broken && 'code' in broken && typeof broken.code === 'string' && broken.code.length === 5;
          client.release(broken && !sqlError ? broken : undefined);
        }
      },
      classifyPostgresFailure,
    );
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return (await this.getMany([key], now))[0] ?? null;
  }

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    if (keys.length === 0) return [];
    const result = await this.call('read', (client) =>
      client.query<Row>(
        prepared(
          `SELECT key, fields, expires_at FROM ${quoteTable(this.table)} WHERE key = ANY($1::text[]) AND (expires_at IS NULL OR expires_at > $2::bigint)`,
          [keys, String(now)],
        ),
      ),
    );
    const byKey = new Map(result.rows.map((row) => [row.key, row]));
    return keys.map((key) => {
      const row = byKey.get(key);
      return row
        ? { fields: row.fields, expiresAt: row.expires_at === null ? null : Number(row.expires_at) }
        : null;
    });
  }

  async commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    assertDistinctKeys(ops);
    if (ops.length === 0 && !read) return { ok: true, results: [] };
    return this.call('commit', async (client) => {
      if (ops.length === 1 && !read) {
        const op = ops[0]!;
        const statement = opStatement(this.table, op, now);
        const result = await client.query<{ fields: Fields | null }>(
          prepared(statement.text, statement.values),
        );
        if (result.rowCount === 0) return this.explain(client, op, now, 0);
        return { ok: true, results: [result.rows[0]?.fields ?? null] };
      }
      // Otherwise one round trip to the commit function: the read first, then the ops in key order
      // (so two commits never deadlock), in one transaction rolled back at the first statement that
      // changes no row.
      const order = ops.map((op, index) => ({ op, index })).sort((x, y) => (x.op.key < y.op.key ? -1 : 1));
      const batch = order.map(({ op }) => ({
        kind: statementKind(op),
        values: opStatement(this.table, op, now).values.map(asText),
      }));
      if (read) batch.unshift({ kind: 'read', values: [asText(read), String(now)] });
      const answer = await client.query<{ r: { ok: boolean; results?: unknown[]; position?: number } }>(
        prepared(`SELECT ${commitFunction(this.table)}($1::jsonb) AS r`, [JSON.stringify(batch)]),
      );
      const reply = answer.rows[0]!.r;
      const offset = read ? 1 : 0;
      if (!reply.ok) {
        const failed = order[(reply.position ?? 0) - offset]!;
        return this.explain(client, failed.op, now, failed.index);
      }
      const results: Array<Fields | null> = new Array(ops.length).fill(null);
      order.forEach(({ index }, position) => {
        results[index] = (reply.results?.[position + offset] as Fields | null) ?? null;
      });
      if (!read) return { ok: true, results };
      const found = (reply.results?.[0] ?? {}) as Record<string, [Fields, string | number | null]>;
      const records = read.map((key) => {
        const row = found[key];
        return row ? { fields: row[0], expiresAt: row[1] === null ? null : Number(row[1]) } : null;
      });
      return { ok: true, results, read: records };
    });
  }

  /** Why a conditional statement changed no row: the reference semantics over the row as it is now. */
  private async explain(client: PoolClient, op: StoreOp, now: number, index: number): Promise<CommitResult> {
    const result = await client.query<Row>(
      `SELECT key, fields, expires_at FROM ${quoteTable(this.table)} WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2::bigint)`,
      [op.key, String(now)],
    );
    const row = result.rows[0];
    const live = row
      ? { fields: row.fields, expiresAt: row.expires_at === null ? null : Number(row.expires_at) }
      : null;
    const evaluated = evaluateOp(op, live, now);
    if (!evaluated.ok) return failureAt(index, evaluated);
    // The row changed between the statement and this read: report the op's usual refusal.
    const reason =
      op.type === 'attempt'
        ? 'locked'
        : op.type === 'advance'
          ? 'stale'
          : op.type === 'insert'
            ? 'exists'
            : 'mismatch';
    return { ok: false, index, reason, fields: live?.fields ?? null, expiresAt: live?.expiresAt ?? null };
  }
}
