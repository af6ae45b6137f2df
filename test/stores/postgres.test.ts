import { randomUUID } from 'node:crypto';
import pg from 'pg';
import * as vitest from 'vitest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { storeContract } from '../../src/testing/store-contract.js';

const port = inject('postgresPort');
const pool = new pg.Pool({
  host: '127.0.0.1',
  port: port ?? 0,
  user: 'postgres',
  database: 'postgres',
  max: 20,
});
afterAll(() => pool.end());

async function freshStore(): Promise<PostgresStore> {
  const store = new PostgresStore({ pool, table: `t_${randomUUID().replace(/-/g, '')}` });
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
