import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { FactorkitError } from '../../core/errors.js';
import { planCommit } from '../../store/apply-ops.js';
import { tagKey } from '../../store/keys.js';
import { layout1KeysOfTag, migrateUserOps, tagOfLayout1Key } from '../../store/layout.js';
import type { Fields, StoredRecord } from '../../store/store.js';
import { schemaNames } from './postgres-names.js';
import {
  functionsSql,
  POSTGRES_SCHEMA_VERSION,
  recordVersionSql,
  schemaSql,
  tableSql,
  upgradeTableSql,
} from './postgres-schema.js';
import { functionsPresent, readSchemaState, schemaRefusal } from './postgres-version.js';

/** Layout-1 rows fetched per round (four per user at most). */
const FETCH_ROWS = 4000;

interface Row {
  key: string;
  fields: Fields;
  expires_at: string | null;
}

const toRecord = (row: Row): StoredRecord => ({
  fields: row.fields,
  expiresAt: row.expires_at === null ? null : Number(row.expires_at),
});

/** The advisory lock of one table's schema: processes creating or migrating it take turns. */
function schemaLockKey(table: string): string {
  return createHash('sha256').update(`factorkit schema ${table}`).digest().readBigInt64BE(0).toString();
}

/**
 * Moves the users of `rows` (every layout-1 row of each user, of whole users only): the reference
 * semantics apply each user's {@link migrateUserOps} against the rows as they are, then the old
 * rows go (expired ones too) and the `{tag}:user` records are written, in three statements.
 */
async function moveUsers(client: PoolClient, table: string, rows: Row[], now: number): Promise<number> {
  const n = schemaNames(table);
  const byKey = new Map(rows.map((row) => [row.key, toRecord(row)]));
  const tags = [...new Set(rows.map((row) => tagOfLayout1Key(row.key)!))];
  const existing = await client.query<Row>(
    `SELECT key, fields, expires_at FROM ${n.records} WHERE key = ANY($1::text[])`,
    [tags.map((tag) => tagKey(tag, 'user'))],
  );
  for (const row of existing.rows) byKey.set(row.key, toRecord(row));
  const live = (key: string) => {
    const record = byKey.get(key);
    return record && (record.expiresAt === null || record.expiresAt > now) ? record : null;
  };
  const writes: Array<{ key: string; record: StoredRecord }> = [];
  for (const tag of tags) {
    const plan = planCommit(migrateUserOps(tag, layout1KeysOfTag(tag).map(live), now), now, undefined, live);
    if (!plan.result.ok)
      throw new FactorkitError('BUG', `[postgres] migrating user ${tag}: ${plan.result.reason}`);
    for (const { key, record } of plan.changes) if (record) writes.push({ key, record });
  }
  await client.query(`DELETE FROM ${n.records} WHERE key = ANY($1::text[])`, [rows.map((row) => row.key)]);
  await client.query(
    `INSERT INTO ${n.records} (key, fields, expires_at)
       SELECT * FROM unnest($1::text[], $2::jsonb[], $3::bigint[])
       ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, expires_at = EXCLUDED.expires_at`,
    [
      writes.map((write) => write.key),
      writes.map((write) => JSON.stringify(write.record.fields)),
      writes.map((write) => write.record.expiresAt),
    ],
  );
  return tags.length;
}

/**
 * Moves every user's layout-1 rows into `{tag}:user`, reading them in key order (so each user's rows
 * arrive together) through a cursor, in rounds of {@link FETCH_ROWS} rows.
 */
async function moveLayout1(client: PoolClient, table: string, now: number): Promise<number> {
  const n = schemaNames(table);
  const shapes = ['totp', 'totp-step', 'email', 'admin-code'].map((name) => `key LIKE '{%}:${name}'`);
  await client.query(
    `DECLARE factorkit_layout1 NO SCROLL CURSOR FOR SELECT key, fields, expires_at FROM ${n.records}
       WHERE ${shapes.join(' OR ')} ORDER BY key COLLATE "C"`,
  );
  let pending: Row[] = [];
  let moved = 0;
  for (;;) {
    const fetched = await client.query<Row>(`FETCH FORWARD ${FETCH_ROWS} FROM factorkit_layout1`);
    const rows = [...pending, ...fetched.rows.filter((row) => tagOfLayout1Key(row.key) !== null)];
    const done = fetched.rows.length < FETCH_ROWS;
    // The last user of a round may have more rows in the next one: hold them back.
    const lastTag = rows.length > 0 ? tagOfLayout1Key(rows[rows.length - 1]!.key) : null;
    pending = done ? [] : rows.filter((row) => tagOfLayout1Key(row.key) === lastTag);
    const ready = done ? rows : rows.filter((row) => tagOfLayout1Key(row.key) !== lastTag);
    if (ready.length > 0) moved += await moveUsers(client, table, ready, now);
    if (done) break;
  }
  await client.query('CLOSE factorkit_layout1');
  return moved;
}

/** The steps from one version to this one (0.1 is the only older version); returns the users moved. */
async function migrate(client: PoolClient, table: string, now: number): Promise<number> {
  // Nothing reads or writes the table while its layout changes.
  await client.query(`LOCK TABLE ${schemaNames(table).records} IN ACCESS EXCLUSIVE MODE`);
  await client.query([tableSql(table), upgradeTableSql(table), functionsSql(table)].join('\n'));
  return moveLayout1(client, table, now);
}

/**
 * Brings `table` to {@link POSTGRES_SCHEMA_VERSION} in one transaction: creates it when missing,
 * migrates an older one (factorkit 0.1), recreates the functions of a current one that lost any
 * (otherwise does nothing), and refuses a newer one.
 * An advisory lock makes concurrent calls (from several processes) take turns.
 * @throws {FactorkitError} `CONFIG` when the table was created by a newer factorkit.
 */
export async function createOrMigrate(
  client: PoolClient,
  table: string,
  now: number,
): Promise<{ migratedUsers: number }> {
  let migratedUsers = 0;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [schemaLockKey(table)]);
    const state = await readSchemaState(client, table);
    if (state.table === 'missing') {
      await client.query(schemaSql(table));
    } else if (state.version > POSTGRES_SCHEMA_VERSION) {
      throw schemaRefusal(table, state);
    } else if (state.version < POSTGRES_SCHEMA_VERSION) {
      migratedUsers = await migrate(client, table, now);
      await client.query(recordVersionSql(table));
    } else if (!(await functionsPresent(client, table))) {
      // A current table that lost a function (dropped by hand): the store calls it CONFIG and
      // names this command, so this command brings the functions back.
      await client.query(functionsSql(table));
    }
    await client.query('COMMIT');
    return { migratedUsers };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
