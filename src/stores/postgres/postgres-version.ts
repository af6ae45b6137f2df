import type { PoolClient } from 'pg';
import { FactorkitError } from '../../core/errors.js';
import { schemaNames } from './postgres-names.js';
import { POSTGRES_SCHEMA_VERSION } from './postgres-schema.js';

/** What a database holds for a table: nothing, or the schema version of its records table (0.1 is 1). */
export type SchemaState = { table: 'missing' } | { table: 'present'; version: number };

/** Reads the schema state of `table`: two small queries. */
export async function readSchemaState(client: PoolClient, table: string): Promise<SchemaState> {
  const n = schemaNames(table);
  const found = await client.query<{ records: boolean; meta: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS records, to_regclass($2) IS NOT NULL AS meta',
    [n.records, n.meta],
  );
  const { records, meta } = found.rows[0]!;
  if (!records) return { table: 'missing' };
  if (!meta) return { table: 'present', version: 1 };
  const version = await client.query<{ value: string }>(
    `SELECT value FROM ${n.meta} WHERE name = 'schema_version'`,
  );
  // A meta table without a version: a schema script that stopped half way on a 0.1 table.
  return { table: 'present', version: Number(version.rows[0]?.value ?? 1) };
}

/**
 * Whether every function of this version's schema exists (the commit function and its numeric
 * helpers), by exact signature: a schema whose table is current may still have lost one.
 */
export async function functionsPresent(client: PoolClient, table: string): Promise<boolean> {
  const n = schemaNames(table);
  const signatures = [
    `${n.commit}(float8, text[], jsonb, text[], int[])`,
    `${n.num}(text)`,
    `${n.num2}(text)`,
    `${n.str}(float8)`,
    `${n.str2}(float8)`,
  ];
  const found = await client.query<{ present: boolean }>(
    'SELECT bool_and(to_regprocedure(s) IS NOT NULL) AS present FROM unnest($1::text[]) AS s',
    [signatures],
  );
  return found.rows[0]?.present === true;
}

const CREATE = 'run `await store.createSchema()` (or the SQL of `store.schemaSql()`)';

/** The CONFIG error for a schema this code cannot run on, or null when it is this version's. */
export function schemaRefusal(table: string, state: SchemaState): FactorkitError | null {
  const refuse = (message: string) =>
    new FactorkitError('CONFIG', `[postgres] ${message}`, { field: 'table' });
  if (state.table === 'missing') return refuse(`table ${table} does not exist: ${CREATE}`);
  const { version } = state;
  if (version === POSTGRES_SCHEMA_VERSION) return null;
  const where = `table ${table} has schema version ${version}${version === 1 ? ' (factorkit 0.1)' : ''}, this factorkit uses ${POSTGRES_SCHEMA_VERSION}`;
  if (version > POSTGRES_SCHEMA_VERSION)
    return refuse(
      `${where}: it was created by a newer factorkit: upgrade factorkit (or set option table to a new table)`,
    );
  return refuse(
    `${where}: migrate it with \`await store.createSchema()\` (once; it moves every enrolled user)`,
  );
}
