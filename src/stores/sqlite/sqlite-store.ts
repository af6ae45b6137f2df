import { StoreUnavailableError } from '../../core/errors.js';
import { planCommit } from '../../store/apply-ops.js';
import type { CommitResult, ScanPage, Store, StoredRecord, StoreOp } from '../../store/store.js';
import {
  isUnavailable,
  type OwnedSqliteDatabase,
  openBetterSqlite3,
  type SqliteDatabase,
  type SqliteStatement,
} from './sqlite-database.js';
import { migrateLayout1 } from './sqlite-migrate.js';
import { type SqliteStoreOptions, sqliteSettings } from './sqlite-options.js';
import {
  assertSchemaVersion,
  SQLITE_SCHEMA_VERSION,
  schemaVersion,
  setSchemaVersion,
  sqliteSchemaSql,
} from './sqlite-schema.js';
import { prepareStatements, type Row, type Statements, toRecord } from './sqlite-sql.js';

/**
 * The store for one machine: a SQLite file (WAL mode) shared by every process of the app. A commit
 * is one `BEGIN IMMEDIATE` transaction that evaluates its ops with the reference semantics against
 * the live rows, then writes or rolls back. Expired rows are ignored on read and removed by
 * {@link SqliteStore.sweepExpired}.
 *
 * @example
 * const store = new SqliteStore({ filename: '/var/lib/myapp/2fa.sqlite' });
 * store.createSchema();
 * setInterval(() => store.sweepExpired(), 3_600_000);
 */
export class SqliteStore implements Store {
  private readonly db: SqliteDatabase;
  private readonly owned: OwnedSqliteDatabase | null;
  private readonly table: string;
  private readonly control: Record<'begin' | 'commit' | 'rollback', SqliteStatement>;
  private prepared: Statements | null = null;

  /** @throws {FactorkitError} `CONFIG` for a bad option; `STORE_UNAVAILABLE` when the file cannot be opened. */
  constructor(options: SqliteStoreOptions) {
    const { source, table, busyTimeoutMs, synchronous } = sqliteSettings(options);
    if ('database' in source) {
      this.owned = null;
      this.db = source.database;
    } else {
      this.owned = this.call('open', () => openBetterSqlite3(source.filename));
      this.db = this.owned;
    }
    this.table = table;
    const db = this.db;
    try {
      this.control = this.call('open', () => {
        // Per connection, so set on every connection the store uses, a host's own included.
        // secure_delete: a deleted or rewritten row (an address turned off, a used code) is
        // overwritten with zeros, not left in the file's free space.
        db.exec(
          `PRAGMA busy_timeout = ${busyTimeoutMs}; PRAGMA synchronous = ${synchronous}; PRAGMA secure_delete = ON;`,
        );
        return {
          begin: db.prepare('BEGIN IMMEDIATE'),
          commit: db.prepare('COMMIT'),
          rollback: db.prepare('ROLLBACK'),
        };
      });
    } catch (error) {
      this.owned?.close();
      throw error;
    }
  }

  /** The schema as SQL, for hosts that run their own migrations (then also set `PRAGMA journal_mode = WAL`). */
  schemaSql(): string {
    return sqliteSchemaSql(this.table);
  }

  /**
   * Switches the file to WAL (readers never wait for the writer; it persists in the file), creates
   * the table, its expiry index and its meta table if missing, and migrates a table of schema
   * version 1 (one row per factor) to this version in the same transaction: enrolled users keep
   * their app, address, backup codes and trusted browsers. Safe to run on every start.
   * @returns how many users a migration moved (0 when there was nothing to migrate).
   * @throws {FactorkitError} `CONFIG` when the table was written by a newer factorkit.
   */
  createSchema(): { migratedUsers: number } {
    return this.call('createSchema', () => {
      this.db.exec('PRAGMA journal_mode = WAL');
      // One transaction, so processes creating or migrating the schema at once take turns.
      this.control.begin.run();
      let migratedUsers = 0;
      try {
        const found = schemaVersion(this.db, this.table);
        this.db.exec(this.schemaSql());
        if (found !== null && found < SQLITE_SCHEMA_VERSION) {
          migratedUsers = migrateLayout1(this.db, this.table, Date.now());
          setSchemaVersion(this.db, this.table, SQLITE_SCHEMA_VERSION);
        }
        assertSchemaVersion(this.db, this.table);
        this.control.commit.run();
      } catch (error) {
        this.rollback();
        throw error;
      }
      this.statements();
      return { migratedUsers };
    });
  }

  /**
   * Deletes rows expired at `now` (schedule it, say, hourly), then checkpoints the write-ahead log
   * into the file and empties it, so what was deleted since the last sweep (zeroed in the file by
   * `secure_delete`) leaves the -wal file too. Returns how many rows were deleted.
   */
  sweepExpired(now: number = Date.now()): number {
    return this.call('sweep', () => {
      const deleted = Number((this.statements().sweep.run(now) as { changes: number | bigint }).changes);
      // Busy readers make it partial, never an error: the next sweep finishes it.
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return deleted;
    });
  }

  /** Closes the database the store opened from `filename`; a `database` passed in stays the host's to close. */
  close(): void {
    this.owned?.close();
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return this.call('read', () => toRecord(this.statements().one.get(key, now) as Row | undefined));
  }

  /** Keys of many users in one read: this store has no cluster slots to keep apart. */
  getAcross(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return this.getMany(keys, now);
  }

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    if (keys.length === 0) return [];
    const rows = this.call('read', () => this.statements().many.all(JSON.stringify(keys), now) as Row[]);
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map((key) => toRecord(byKey.get(key)));
  }

  /** Live keys after `cursor` (the last key of the previous page), in key order. */
  async scan(cursor: string, limit: number, now: number): Promise<ScanPage> {
    const size = Math.max(1, limit);
    const rows = this.call(
      'scan',
      () => this.statements().scan.all(cursor, now, size) as Array<{ key: string }>,
    );
    const keys = rows.map((row) => row.key);
    return { keys, cursor: keys.length === size ? keys[size - 1]! : '' };
  }

  async commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    if (ops.length === 0 && !read) return { ok: true, results: [] };
    return this.call('commit', () => this.transaction(() => this.apply(ops, now, read)));
  }

  /**
   * Every batch in one `BEGIN IMMEDIATE` transaction, one commit (and one WAL sync) for all: each
   * batch is planned against the rows as the batches before it left them and written only when
   * all its conditions hold, so a refused batch writes nothing and the others still commit. A
   * throw (the disk, a bug) rolls back every batch. Every key of every batch is read in one
   * statement first (an import's 16 users touch over 100 keys, most of them absent: one lookup
   * each cost more than the writes), then each batch sees those rows as the batches before it
   * left them.
   */
  async commitEach(batches: readonly (readonly StoreOp[])[], now: number): Promise<CommitResult[]> {
    if (batches.length === 0) return [];
    return this.call('commit', () => {
      const results: CommitResult[] = [];
      this.transaction(() => {
        const rows = this.liveRows(batches, now);
        for (const ops of batches) results.push(this.apply(ops, now, undefined, rows));
        return { ok: true, results: [] };
      });
      return results;
    });
  }

  /** The live rows of every key the batches touch, read in one statement (inside the transaction). */
  private liveRows(batches: readonly (readonly StoreOp[])[], now: number): Map<string, StoredRecord | null> {
    const keys = [...new Set(batches.flatMap((ops) => ops.map((op) => op.key)))];
    const rows = new Map<string, StoredRecord | null>(keys.map((key) => [key, null]));
    for (const row of this.statements().many.all(JSON.stringify(keys), now) as Row[])
      rows.set(row.key, toRecord(row));
    return rows;
  }

  /**
   * Plans `ops` against the live rows and writes their changes (inside a transaction). `rows`:
   * the live rows already read, kept as this commit leaves them (a record written already expired
   * is gone, as a read would find it).
   */
  private apply(
    ops: readonly StoreOp[],
    now: number,
    read: readonly string[] | undefined,
    rows?: Map<string, StoredRecord | null>,
  ): CommitResult {
    const s = this.statements();
    const { result, changes } = planCommit(ops, now, read, (key) =>
      rows?.has(key) ? rows.get(key)! : toRecord(s.one.get(key, now) as Row | undefined),
    );
    for (const { key, record } of changes) {
      if (record) s.upsert.run(key, JSON.stringify(record.fields), record.expiresAt);
      else s.remove.run(key);
      rows?.set(key, record && (record.expiresAt === null || record.expiresAt > now) ? record : null);
    }
    return result;
  }

  /**
   * Runs `body` in one `BEGIN IMMEDIATE` transaction: the write lock is taken before the first read,
   * so no other process commits between the reads and the writes. Waiting for that lock is SQLite's
   * busy handler sleeping inside this synchronous call: it blocks the event loop for up to
   * `busyTimeoutMs`. A refused commit or a throw rolls everything back.
   */
  private transaction(body: () => CommitResult): CommitResult {
    this.control.begin.run();
    try {
      const result = body();
      (result.ok ? this.control.commit : this.control.rollback).run();
      return result;
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  private rollback(): void {
    try {
      this.control.rollback.run();
    } catch {
      // No transaction to roll back: BEGIN itself failed, or SQLite already ended it (I/O, full disk).
    }
  }

  /** The cached statements, prepared on first use (after the schema version check). */
  private statements(): Statements {
    this.prepared ??= prepareStatements(this.db, this.table);
    return this.prepared;
  }

  /** Runs synchronous database work; an unavailable database becomes STORE_UNAVAILABLE (fail closed). */
  private call<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      throw new StoreUnavailableError('sqlite', `${what} failed: ${(error as Error).message}`, error);
    }
  }
}
