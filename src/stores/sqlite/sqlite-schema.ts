import { FactorkitError } from '../../core/errors.js';
import { LAYOUT_VERSION } from '../../store/layout.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * The schema version this code reads and writes, recorded in `<table>_meta` by `createSchema()`:
 * the data layout (`src/store/layout.ts`). Version 1 (one row per factor) is migrated by
 * `createSchema()`.
 */
export const SQLITE_SCHEMA_VERSION = LAYOUT_VERSION;

/** The records table and its meta table: `CREATE ... IF NOT EXISTS`, so running it twice is harmless. */
export function sqliteSchemaSql(table: string): string {
  return [
    // WITHOUT ROWID: the key is the only lookup, so the table is its primary-key B-tree (one search per op).
    `CREATE TABLE IF NOT EXISTS "${table}" (`,
    '  key TEXT PRIMARY KEY NOT NULL,',
    '  fields TEXT NOT NULL,',
    '  expires_at INTEGER',
    ') WITHOUT ROWID;',
    `CREATE INDEX IF NOT EXISTS "${table}_expires_at_idx" ON "${table}" (expires_at) WHERE expires_at IS NOT NULL;`,
    `CREATE TABLE IF NOT EXISTS "${table}_meta" (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);`,
    `INSERT OR IGNORE INTO "${table}_meta" (name, value) VALUES ('schema_version', '${SQLITE_SCHEMA_VERSION}');`,
  ].join('\n');
}

function refuse(message: string): FactorkitError {
  return new FactorkitError('CONFIG', `[sqlite] ${message}`, { field: 'table' });
}

/** The schema version recorded for `table` (0: no meta table or no version), or null when `table` does not exist. */
export function schemaVersion(db: SqliteDatabase, table: string): number | null {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)`)
    .all(table, `${table}_meta`) as Array<{ name: string }>;
  if (!tables.some((row) => row.name === table)) return null;
  if (!tables.some((row) => row.name === `${table}_meta`)) return 0;
  const row = db.prepare(`SELECT value FROM "${table}_meta" WHERE name = 'schema_version'`).get() as
    | { value: string }
    | undefined;
  return row ? Number(row.value) : 0;
}

/** Records `version` as the schema version of `table`. */
export function setSchemaVersion(db: SqliteDatabase, table: string, version: number): void {
  db.prepare(`UPDATE "${table}_meta" SET value = ? WHERE name = 'schema_version'`).run(String(version));
}

/**
 * Checks that `table` exists with the schema version this code expects: a database written by an
 * older or newer factorkit is refused (CONFIG) rather than read with the wrong layout.
 */
export function assertSchemaVersion(db: SqliteDatabase, table: string): void {
  const found = schemaVersion(db, table);
  if (found === null) throw refuse(`table ${table} does not exist: call store.createSchema() first`);
  if (found === SQLITE_SCHEMA_VERSION) return;
  const where = `table ${table} has schema version ${found || 'none'}, this factorkit expects ${SQLITE_SCHEMA_VERSION}`;
  throw refuse(
    found > SQLITE_SCHEMA_VERSION
      ? `${where}: it was written by a newer factorkit; upgrade factorkit, or set option table to a new table`
      : `${where}: run store.createSchema() once to migrate it`,
  );
}
