import { randomUUID } from 'node:crypto';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { storeContract } from '../../src/testing/store-contract.js';
import { makeTwoFactor } from '../helpers/harness.js';
import { testPostgresPool } from '../helpers/postgres-pool.js';

const { port, pool } = testPostgresPool(20);

async function freshStore(table = `t_${randomUUID().replace(/-/g, '')}`): Promise<PostgresStore> {
  const store = new PostgresStore({ pool, table });
  await store.createSchema();
  return store;
}

storeContract('postgres', freshStore, { vitest, skip: port === null });

describe.skipIf(port === null)('PostgresStore specifics', () => {
  it('sweeps expired rows and ignores them on read before that', async () => {
    const store = await freshStore();
    const now = 1_800_000_000_000;
    await store.commit([{ type: 'put', key: 'a', fields: { v: '1' }, expiresAt: now + 10 }], now);
    await store.commit([{ type: 'put', key: 'b', fields: { v: '1' }, expiresAt: null }], now);
    expect(await store.get('a', now + 10)).toBeNull();
    expect(await store.sweepExpired(now + 10)).toBe(1);
    expect(await store.get('b', now + 10)).not.toBeNull();
  });

  it('a commit whose row a sweep deletes under it rolls back whole and runs again', async () => {
    const table = `t_${randomUUID().replace(/-/g, '')}`;
    const store = await freshStore(table);
    const now = 1_800_000_000_000;
    await store.commit([{ type: 'put', key: '{u}:old', fields: { v: '1' }, expiresAt: now + 10 }], now);
    // A sweep deletes the expired row and holds it, uncommitted, while the commit reads it and writes.
    const sweeper = await pool.connect();
    try {
      await sweeper.query('BEGIN');
      await sweeper.query(`DELETE FROM "${table}" WHERE key = '{u}:old'`);
      const commit = store.commit(
        [
          { type: 'put', key: '{u}:other', fields: { w: '1' }, expiresAt: null },
          { type: 'merge', key: '{u}:old', fields: { v: '2' }, create: true },
        ],
        now + 20,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sweeper.query('COMMIT');
      expect(await commit).toEqual({ ok: true, results: [null, null] });
    } finally {
      sweeper.release();
    }
    expect(await store.getMany(['{u}:old', '{u}:other'], now + 20)).toEqual([
      { fields: { v: '2' }, expiresAt: null },
      { fields: { w: '1' }, expiresAt: null },
    ]);
  });

  it('a missing schema is CONFIG (run createSchema), not STORE_UNAVAILABLE', async () => {
    const store = new PostgresStore({ pool, table: `never_${randomUUID().replace(/-/g, '')}` });
    await expect(store.get('a', 0)).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(
      store.commit(
        [
          { type: 'put', key: 'a', fields: {}, expiresAt: null },
          { type: 'put', key: 'b', fields: {}, expiresAt: null },
        ],
        0,
      ),
    ).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('a table whose commit function is missing is CONFIG naming createSchema, which brings it back', async () => {
    const table = `t_${randomUUID().replace(/-/g, '')}`;
    // A commit before the drop, so a pooled connection holds the commit statement prepared.
    const before = await freshStore(table);
    await before.commit([{ type: 'put', key: 'b', fields: { v: '1' }, expiresAt: null }], 0);
    await pool.query(`DROP FUNCTION "${table}_commit"(float8, text[], jsonb, text[], int[])`);
    const store = new PostgresStore({ pool, table });
    const commit = () => store.commit([{ type: 'put', key: 'a', fields: { v: '1' }, expiresAt: null }], 0);
    const refusal = await commit().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(FactorkitError);
    expect(refusal).toMatchObject({ code: 'CONFIG' });
    expect(refusal).not.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((refusal as Error).message).toContain('await store.createSchema()');
    // Through the facade too: a login is refused with the same CONFIG, not as an outage.
    const h = makeTwoFactor(store);
    await expect(h.tf.totp.beginSetup('agent', { accountName: 'agent' })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    // The command the error names fixes it.
    await store.createSchema();
    expect(await commit()).toEqual({ ok: true, results: [null] });
    expect(await store.get('a', 0)).toEqual({ fields: { v: '1' }, expiresAt: null });
    // On a schema that lacks nothing, createSchema leaves the functions as they are.
    const version = async () =>
      (
        await pool.query<{ xmin: string }>('SELECT xmin::text FROM pg_proc WHERE oid = to_regprocedure($1)', [
          `"${table}_commit"(float8, text[], jsonb, text[], int[])`,
        ])
      ).rows[0]?.xmin;
    const created = await version();
    expect(created).toBeDefined();
    await store.createSchema();
    expect(await version()).toBe(created);
  });

  it('refuses a table name that is not an identifier', () => {
    expect(() => new PostgresStore({ pool, table: 'x; drop table y' })).toThrow(/table/);
    expect(new PostgresStore({ pool, table: 'public.factorkit' }).schemaSql()).toContain(
      '"public"."factorkit"',
    );
  });
});

describe('sql/schema.sql', () => {
  it('is the schema createSchema() runs', async () => {
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(new URL('../../sql/schema.sql', import.meta.url), 'utf8');
    expect(file).toContain(new PostgresStore({ pool, table: 'factorkit_records' }).schemaSql());
  });
});
