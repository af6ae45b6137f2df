import { FactorkitError } from '../../core/errors.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Options of {@link SqliteStore}: exactly one of `database` and `filename`. */
export type SqliteStoreOptions = (
  | {
      /** An open better-sqlite3 `Database` or node:sqlite `DatabaseSync`; the host owns and closes it. */
      database: SqliteDatabase;
      filename?: never;
    }
  | {
      /** A database file the store opens with better-sqlite3 (an optional peer dependency) and closes in `close()`. */
      filename: string;
      database?: never;
    }
) & {
  /** Table name, an SQL identifier (default `factorkit_records`); the schema version lives in `<table>_meta`. */
  table?: string;
  /**
   * How long a commit waits for another connection's write lock before STORE_UNAVAILABLE (default
   * 5000). SQLite is synchronous here, so the wait blocks the event loop.
   */
  busyTimeoutMs?: number;
  /** `NORMAL` (default) survives a process crash; `FULL` also survives power loss, at a cost per commit. */
  synchronous?: 'NORMAL' | 'FULL';
};

/** Validated options with their defaults. */
export interface SqliteSettings {
  source: { database: SqliteDatabase } | { filename: string };
  table: string;
  busyTimeoutMs: number;
  synchronous: 'NORMAL' | 'FULL';
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,58}$/;

function config(field: string, message: string): FactorkitError {
  return new FactorkitError('CONFIG', `[sqlite] option ${field} ${message}`, { field });
}

/** The settings of `options`; CONFIG for a bad one (the values are later written into PRAGMA text). */
export function sqliteSettings(options: SqliteStoreOptions): SqliteSettings {
  const table = options.table ?? 'factorkit_records';
  if (!TABLE_NAME.test(table)) throw config('table', 'must be an SQL identifier');
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw config('busyTimeoutMs', 'must be a whole number of ms >= 0');
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL')
    throw config('synchronous', "must be 'NORMAL' or 'FULL'");
  const { database, filename } = options;
  if (database !== undefined) {
    if (typeof database?.prepare !== 'function' || typeof database.exec !== 'function')
      throw config('database', 'must be a better-sqlite3 Database or a node:sqlite DatabaseSync');
    return { source: { database }, table, busyTimeoutMs, synchronous };
  }
  if (typeof filename !== 'string' || filename === '')
    throw config('filename', 'must be a file path (or pass option database)');
  return { source: { filename }, table, busyTimeoutMs, synchronous };
}
