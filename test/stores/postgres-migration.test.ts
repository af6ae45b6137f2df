import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tagKey, userTag } from '../../src/store/keys.js';
import { layout2UserFields } from '../../src/store/layout.js';
import type { StoredRecord } from '../../src/store/store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { testPostgresPool } from '../helpers/postgres-pool.js';

const { port, pool } = testPostgresPool(10);

const NOW = 1_800_000_000_000;
const schema01 = readFileSync(new URL('./postgres-0.1-schema.sql', import.meta.url), 'utf8');
const freshTable = () => `m_${randomUUID().replace(/-/g, '')}`;

/** A table as factorkit 0.1 created it: its schema script, no meta table. */
async function table01(): Promise<string> {
  const table = freshTable();
  await pool.query(schema01.replaceAll('__TABLE__', table));
  return table;
}

/** One 0.1 user's records, as 0.1 wrote them (`{tag}:totp`, `{tag}:totp-step`, `{tag}:email`, `{tag}:admin-code`). */
function layout1Rows(userId: string, has: { totp?: boolean; email?: boolean; adminUntil?: number }) {
  const tag = userTag(userId);
  const rows: Array<[string, Record<string, string>, number | null]> = [];
  if (has.totp) {
    rows.push([tagKey(tag, 'totp'), { secret: `sealed-${userId}`, enabledAt: String(NOW - 5000) }, null]);
    rows.push([tagKey(tag, 'totp-step'), { step: '60000000' }, null]);
  }
  if (has.email)
    rows.push([tagKey(tag, 'email'), { address: `${userId}@example.com`, enabledAt: '7' }, null]);
  if (has.adminUntil !== undefined) {
    const fields = {
      code: `h-${userId}`,
      kid: 'k1',
      actor: 'admin',
      issuedAt: '1',
      deadline: String(has.adminUntil),
    };
    rows.push([tagKey(tag, 'admin-code'), fields, has.adminUntil]);
  }
  return rows;
}

async function insertRows(table: string, rows: Array<[string, Record<string, string>, number | null]>) {
  await pool.query(
    `INSERT INTO "${table}" (key, fields, expires_at) SELECT * FROM unnest($1::text[], $2::jsonb[], $3::bigint[])`,
    [rows.map((r) => r[0]), rows.map((r) => JSON.stringify(r[1])), rows.map((r) => r[2])],
  );
}

const dump = async (table: string) =>
  (await pool.query(`SELECT key, fields, expires_at FROM "${table}" ORDER BY key COLLATE "C"`)).rows;

/** The `{tag}:user` fields the migration must write for `rows` (the shared layout definition). */
function expectedUser(rows: Array<[string, Record<string, string>, number | null]>) {
  const record = (suffix: string): StoredRecord | null => {
    const row = rows.find((r) => r[0].endsWith(`}:${suffix}`));
    return row && (row[2] === null || row[2] > NOW) ? { fields: row[1], expiresAt: row[2] } : null;
  };
  return layout2UserFields(
    {
      totp: record('totp'),
      totpStep: record('totp-step'),
      email: record('email'),
      adminCode: record('admin-code'),
    },
    NOW,
  );
}

describe.skipIf(port === null)('PostgresStore schema version and the 0.1 migration', () => {
  it('refuses a missing table with CONFIG, naming createSchema and schemaSql', async () => {
    const store = new PostgresStore({ pool, table: freshTable() });
    await expect(store.get('{u}:a', NOW)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(
        /does not exist: run `await store\.createSchema\(\)` \(or the SQL of `store\.schemaSql\(\)`\)/,
      ),
    });
  });

  it('refuses a table of factorkit 0.1 with CONFIG naming createSchema as the migration', async () => {
    const table = await table01();
    const store = new PostgresStore({ pool, table });
    const refusal = {
      code: 'CONFIG',
      message: expect.stringMatching(/0\.1.*migrate it with `await store\.createSchema\(\)`/),
    };
    await expect(store.get('{u}:a', NOW)).rejects.toMatchObject(refusal);
    await expect(store.commit([{ type: 'delete', key: '{u}:a' }], NOW)).rejects.toMatchObject(refusal);
  });

  it('migrates every user of a 0.1 table into {tag}:user, in rounds, and drops the 0.1 functions', async () => {
    const table = await table01();
    const users = Array.from({ length: 2600 }, (_, i) => `user-${i}`);
    const shapes = [
      { totp: true, email: true, adminUntil: NOW + 60_000 },
      { email: true, adminUntil: NOW - 1 }, // an expired admin code is not carried
      { adminUntil: NOW - 1 }, // nothing live: no user record
      { totp: true },
    ];
    const rowsOf = new Map(users.map((id, i) => [id, layout1Rows(id, shapes[i % shapes.length]!)]));
    await insertRows(table, [...rowsOf.values()].flat());
    // Records of other names stay as they are; one row goes through 0.1's own commit function.
    const others: Array<[string, Record<string, string>, number | null]> = [
      [tagKey(userTag('user-1'), 'backup-codes'), { 'c:1': 'h' }, null],
      [tagKey(userTag('user-1'), 'challenge:n1'), { attempts: '0' }, NOW + 1000],
      ['policy', { version: '3' }, null],
    ];
    await insertRows(table, others);
    await pool.query(`SELECT "${table}_commit"($1::jsonb)`, [
      JSON.stringify([
        { kind: 'put', values: [tagKey(userTag('late'), 'email'), String(NOW), '{"address":"l@x"}', null] },
      ]),
    ]);

    const store = new PostgresStore({ pool, table });
    await store.createSchema(NOW);

    for (const [id, rows] of rowsOf) {
      const user = await store.get(tagKey(userTag(id), 'user'), NOW);
      const expected = expectedUser(rows);
      expect(user, id).toEqual(expected ? { fields: expected, expiresAt: null } : null);
    }
    const first = (await store.get(tagKey(userTag('user-0'), 'user'), NOW))?.fields;
    expect(first).toMatchObject({
      totp: 'sealed-user-0',
      totpStep: '60000000',
      email: 'user-0@example.com',
      adminCode: 'h-user-0',
    });
    expect(await store.get(tagKey(userTag('late'), 'user'), NOW)).toEqual({
      fields: { email: 'l@x' },
      expiresAt: null,
    });
    // The old rows are gone, expired ones included; the others are untouched.
    const left = await dump(table);
    expect(left.filter((row) => /:(totp|totp-step|email|admin-code)$/.test(row.key))).toEqual([]);
    for (const [key, fields] of others) expect((await store.get(key, NOW))?.fields).toEqual(fields);
    const functions = await pool.query(`SELECT proname FROM pg_proc WHERE proname LIKE $1 ORDER BY 1`, [
      `${table}%`,
    ]);
    expect(functions.rows.map((row) => row.proname)).not.toContain(`${table}_run`);
    const meta = await pool.query(`SELECT value FROM "${table}_meta" WHERE name = 'schema_version'`);
    expect(meta.rows).toEqual([{ value: '2' }]);
    expect(
      (await pool.query('SELECT to_regclass($1) AS i', [`${table}_expires_at_idx`])).rows[0].i,
    ).toBeNull();
  }, 60_000);

  it('a second createSchema is a no-op, on a migrated table and on a new one', async () => {
    const table = await table01();
    await insertRows(table, layout1Rows('u1', { totp: true, email: true }));
    const store = new PostgresStore({ pool, table });
    await store.createSchema(NOW);
    const after = await dump(table);
    await new PostgresStore({ pool, table }).createSchema(NOW + 10 ** 9);
    expect(await dump(table)).toEqual(after);

    const fresh = new PostgresStore({ pool, table: freshTable() });
    await fresh.createSchema();
    await fresh.commit([{ type: 'put', key: '{u}:k', fields: { a: '1' }, expiresAt: null }], NOW);
    await fresh.createSchema();
    expect(await fresh.get('{u}:k', NOW)).toEqual({ fields: { a: '1' }, expiresAt: null });
  });

  it('refuses a table of a newer factorkit: upgrade', async () => {
    const table = freshTable();
    await new PostgresStore({ pool, table }).createSchema();
    await pool.query(`UPDATE "${table}_meta" SET value = '3' WHERE name = 'schema_version'`);
    const store = new PostgresStore({ pool, table });
    const newer = { code: 'CONFIG', message: expect.stringMatching(/created by a newer factorkit: upgrade/) };
    await expect(store.get('{u}:a', NOW)).rejects.toMatchObject(newer);
    await expect(store.createSchema()).rejects.toMatchObject(newer);
  });

  it('two processes creating or migrating a schema at once both succeed', async () => {
    const table = freshTable();
    const other = new pg.Pool({
      host: '127.0.0.1',
      port: port ?? 0,
      user: 'postgres',
      database: 'postgres',
      max: 2,
    });
    try {
      const [a, b] = [new PostgresStore({ pool, table }), new PostgresStore({ pool: other, table })];
      await Promise.all([a.createSchema(), b.createSchema(), a.createSchema()]);
      expect(
        (await a.commit([{ type: 'put', key: '{u}:k', fields: { a: '1' }, expiresAt: null }], NOW)).ok,
      ).toBe(true);
      expect(await b.get('{u}:k', NOW)).toEqual({ fields: { a: '1' }, expiresAt: null });

      const old = await table01();
      await insertRows(old, layout1Rows('u1', { totp: true }));
      await Promise.all([
        new PostgresStore({ pool, table: old }).createSchema(NOW),
        new PostgresStore({ pool: other, table: old }).createSchema(NOW),
      ]);
      expect((await dump(old)).map((row) => row.key)).toEqual([tagKey(userTag('u1'), 'user')]);
    } finally {
      await other.end();
    }
  });

  it('checks the version once, and again after a refusal', async () => {
    const table = freshTable();
    const store = new PostgresStore({ pool, table });
    await expect(store.get('{u}:a', NOW)).rejects.toMatchObject({ code: 'CONFIG' });
    await new PostgresStore({ pool, table }).createSchema();
    expect(await store.get('{u}:a', NOW)).toBeNull();
    // Checked: a table dropped afterwards fails as a missing table (CONFIG), not a refused version.
    await pool.query(`DROP TABLE "${table}"`);
    await expect(store.get('{u}:a', NOW)).rejects.toMatchObject({
      code: 'CONFIG',
      message: /schema is missing/,
    });
  });

  it('schemaSql() by hand creates a working schema, and never marks a 0.1 table as migrated', async () => {
    const table = freshTable();
    const store = new PostgresStore({ pool, table });
    await pool.query(store.schemaSql());
    await pool.query(store.schemaSql());
    expect(await store.get('{u}:a', NOW)).toBeNull();

    const old = await table01();
    await insertRows(old, layout1Rows('u1', { email: true }));
    const oldStore = new PostgresStore({ pool, table: old });
    await pool.query(oldStore.schemaSql());
    await expect(oldStore.get('{u}:a', NOW)).rejects.toMatchObject({
      code: 'CONFIG',
      message: /createSchema/,
    });
    await oldStore.createSchema(NOW);
    expect((await oldStore.get(tagKey(userTag('u1'), 'user'), NOW))?.fields).toEqual({
      email: 'u1@example.com',
      emailAt: '7',
    });
  });
});
