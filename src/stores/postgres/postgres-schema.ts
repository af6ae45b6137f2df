import { commitFunctionSql } from './postgres-commit-sql.js';
import { schemaNames } from './postgres-names.js';
import { numbersSql } from './postgres-numbers-sql.js';

/**
 * The schema version this code reads and writes, kept in `<table>_meta` (name `schema_version`).
 * 1 is factorkit 0.1 (no meta table; data layout 1); 2 is data layout 2 and this commit function.
 * Any change to the table or the functions takes a new version, so a store never runs on SQL that
 * is not its own.
 */
export const POSTGRES_SCHEMA_VERSION = 2;

/** The functions of a schema: the commit function and its numeric helpers, replacing 0.1's. */
export function functionsSql(table: string): string {
  const n = schemaNames(table);
  return [
    // 0.1's functions: a generic statement runner and a JSONB batch commit.
    `DROP FUNCTION IF EXISTS ${schemaNames(`${table}_run`).records}(text, text[]);`,
    `DROP FUNCTION IF EXISTS ${n.commit}(jsonb);`,
    numbersSql(table),
    commitFunctionSql(table),
  ].join('\n');
}

/**
 * The table as this version wants it. No index on `expires_at`: every update of a record (an
 * attempt that slides its expiry included) stays a heap-only update, and {@link sweepSql} scans
 * the table instead. Fill factor 90 keeps room on each page for those updates.
 */
export function tableSql(table: string): string {
  const n = schemaNames(table);
  return [
    `CREATE TABLE IF NOT EXISTS ${n.records} (`,
    '  key text PRIMARY KEY,',
    "  fields jsonb NOT NULL DEFAULT '{}'::jsonb,",
    '  expires_at bigint',
    ') WITH (fillfactor = 90);',
    `CREATE TABLE IF NOT EXISTS ${n.meta} (name text PRIMARY KEY, value text NOT NULL);`,
  ].join('\n');
}

/** 0.1's table changed to this version's: its expiry index dropped, the fill factor set. */
export function upgradeTableSql(table: string): string {
  const n = schemaNames(table);
  const index = `${table.replace(/\./g, '_')}_expires_at_idx`;
  const schema = table.includes('.') ? `"${table.split('.')[0]}".` : '';
  return [
    `DROP INDEX IF EXISTS ${schema}"${index}";`,
    `ALTER TABLE ${n.records} SET (fillfactor = 90);`,
  ].join('\n');
}

/** Records {@link POSTGRES_SCHEMA_VERSION} in the meta table (replacing an older one). */
export function recordVersionSql(table: string): string {
  return `INSERT INTO ${schemaNames(table).meta} (name, value) VALUES ('schema_version', '${POSTGRES_SCHEMA_VERSION}')
  ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;`;
}

/**
 * The schema of a new records table as one script: the table, its meta table and functions, and
 * the version, which it records only while the table is empty (so the script never marks a table
 * of factorkit 0.1 as migrated: that takes `createSchema()`). Running it twice is harmless.
 */
export function schemaSql(table: string): string {
  const n = schemaNames(table);
  return [
    tableSql(table),
    functionsSql(table),
    `INSERT INTO ${n.meta} (name, value) SELECT 'schema_version', '${POSTGRES_SCHEMA_VERSION}'`,
    `  WHERE NOT EXISTS (SELECT 1 FROM ${n.records}) ON CONFLICT (name) DO NOTHING;`,
  ].join('\n');
}

/**
 * Deletes the rows expired at $1: a scan of the table (there is no expiry index, see
 * {@link tableSql}). Rows a commit is writing are skipped, not waited for (the next sweep takes
 * them), so a sweep and a commit never wait for each other.
 */
export function sweepSql(table: string): string {
  const records = schemaNames(table).records;
  return `DELETE FROM ${records} WHERE key IN
  (SELECT key FROM ${records} WHERE expires_at <= $1::float8 FOR UPDATE SKIP LOCKED)`;
}
