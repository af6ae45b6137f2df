import type { Fields, StoredRecord } from '../../store/store.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import { assertSchemaVersion } from './sqlite-schema.js';

/** A row of the records table as SQLite returns it. */
export interface Row {
  key: string;
  fields: string;
  expires_at: number | null;
}

/** The store's statements on one table, prepared once per store. */
export type Statements = Record<'one' | 'many' | 'upsert' | 'remove' | 'sweep' | 'scan', SqliteStatement>;

/** A row as a record (the fields are JSON text), or null for no row. */
export function toRecord(row: Row | undefined): StoredRecord | null {
  return row ? { fields: JSON.parse(row.fields) as Fields, expiresAt: row.expires_at } : null;
}

/**
 * Prepares the statements of `table` once its schema version is checked (CONFIG otherwise). The
 * caller's `now` is always a parameter: SQLite's clock is never read.
 */
export function prepareStatements(db: SqliteDatabase, table: string): Statements {
  assertSchemaVersion(db, table);
  const t = `"${table}"`;
  const live = '(expires_at IS NULL OR expires_at > ?)';
  return {
    // (key, now)
    one: db.prepare(`SELECT key, fields, expires_at FROM ${t} WHERE key = ? AND ${live}`),
    // (JSON array of keys, now): one statement, so the records come from one snapshot.
    many: db.prepare(
      `SELECT key, fields, expires_at FROM ${t} WHERE key IN (SELECT value FROM json_each(?)) AND ${live}`,
    ),
    // (key, fields JSON, expires_at)
    upsert: db.prepare(
      `INSERT INTO ${t} (key, fields, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET fields = excluded.fields, expires_at = excluded.expires_at`,
    ),
    // (key)
    remove: db.prepare(`DELETE FROM ${t} WHERE key = ?`),
    // (now)
    sweep: db.prepare(`DELETE FROM ${t} WHERE expires_at <= ?`),
    // (after key, now, limit): the primary key's order, so a page is one index range.
    scan: db.prepare(`SELECT key FROM ${t} WHERE key > ? AND ${live} ORDER BY key LIMIT ?`),
  };
}
