import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { FactorkitError } from '../../core/errors.js';

/** The part of a prepared statement {@link SqliteStore} uses: better-sqlite3 and node:sqlite both have it. */
export interface SqliteStatement {
  // Parameters typed unknown so that both libraries' statement types fit; factorkit binds strings,
  // numbers and null only.
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * The part of an open database {@link SqliteStore} uses: a better-sqlite3 `Database` or a node:sqlite
 * `DatabaseSync` (Node 22.5+). Declared here rather than imported: @types/node 20 has no node:sqlite,
 * so naming its types would break compilation for Node 20 users, and node:sqlite users need not
 * install better-sqlite3's types.
 *
 * @example
 * import { DatabaseSync } from 'node:sqlite'; // Node 22.13+ (22.5+ with --experimental-sqlite)
 * const store = new SqliteStore({ database: new DatabaseSync('/var/lib/myapp/2fa.sqlite') });
 */
export interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
}

/** A database the store opened itself, so it also closes it. */
export interface OwnedSqliteDatabase extends SqliteDatabase {
  close(): unknown;
}

/**
 * Opens `filename` with better-sqlite3, an optional peer dependency: loaded on demand with a
 * synchronous require (the store's constructor is synchronous), so hosts on node:sqlite never need it.
 */
export function openBetterSqlite3(filename: string): OwnedSqliteDatabase {
  let Database: typeof BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    throw new FactorkitError(
      'CONFIG',
      '[sqlite] option filename needs the better-sqlite3 package: npm install better-sqlite3, or pass option database',
      { field: 'filename', cause: error },
    );
  }
  createPrivately(filename);
  return new Database(filename);
}

/**
 * Creates the database file readable and writable by its owner only (0600) when it does not exist:
 * SQLite would make it 0644, readable by every local user, and gives its -wal and -shm files the
 * database file's mode. An existing file keeps the mode it has (the host chose it).
 */
function createPrivately(filename: string): void {
  if (filename === '' || filename === ':memory:' || filename.startsWith('file:')) return;
  try {
    // 'a': create when missing, never truncate; the mode applies only to a file created now.
    closeSync(openSync(filename, 'a', 0o600));
  } catch {
    // Unreachable folder, no permission: better-sqlite3 reports it (STORE_UNAVAILABLE).
  }
}

// Primary result codes (https://sqlite.org/rescode.html) that mean "the database cannot serve this
// now": busy past the timeout, locked, out of memory or disk, read-only, I/O, corruption, unopenable.
const UNAVAILABLE_CODES = new Map([
  ['PERM', 3],
  ['BUSY', 5],
  ['LOCKED', 6],
  ['NOMEM', 7],
  ['READONLY', 8],
  ['IOERR', 10],
  ['CORRUPT', 11],
  ['FULL', 13],
  ['CANTOPEN', 14],
  ['PROTOCOL', 15],
  ['NOTADB', 26],
]);
const UNAVAILABLE_NUMBERS = new Set(UNAVAILABLE_CODES.values());

/**
 * Whether `error` says the database is unavailable (fail closed with STORE_UNAVAILABLE) rather than
 * that the caller or the SQL is wrong (a programming error, thrown as it is).
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  // better-sqlite3: SqliteError with code 'SQLITE_BUSY', 'SQLITE_IOERR_WRITE', ...
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return UNAVAILABLE_CODES.has(code.slice(7).split('_')[0] ?? '');
  }
  // node:sqlite: code 'ERR_SQLITE_ERROR' with the extended result code in errcode.
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    return UNAVAILABLE_NUMBERS.has(errcode & 0xff);
  }
  // A closed connection: better-sqlite3 throws a TypeError, node:sqlite ERR_INVALID_STATE.
  return /database (connection )?is not open/i.test(error.message);
}
