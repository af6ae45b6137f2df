import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { testPostgresPool } from '../helpers/postgres-pool.js';

const { port, pool } = testPostgresPool(4);

describe.skipIf(port === null)('PostgresStore.commitEach', () => {
  it('a batch whose row a sweep deletes under it reruns the whole statement: every batch once', async () => {
    const table = `t_${randomUUID().replace(/-/g, '')}`;
    const store = new PostgresStore({ pool, table });
    await store.createSchema();
    const now = 1_800_000_000_000;
    await store.commit([{ type: 'put', key: '{b}:old', fields: { v: '1' }, expiresAt: now + 10 }], now);
    // A sweep deletes the expired row and holds it, uncommitted, while the statement reads it and writes.
    const sweeper = await pool.connect();
    try {
      await sweeper.query('BEGIN');
      await sweeper.query(`DELETE FROM "${table}" WHERE key = '{b}:old'`);
      const committed = store.commitEach(
        [
          [{ type: 'merge', key: '{a}:n', fields: {}, create: true, advance: { field: 'n', value: 1 } }],
          [{ type: 'merge', key: '{b}:old', fields: { v: '2' }, create: true }],
        ],
        now + 20,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sweeper.query('COMMIT');
      // The first batch ran twice (once rolled back): its advance would refuse a second write.
      expect(await committed).toEqual([
        { ok: true, results: [null] },
        { ok: true, results: [null] },
      ]);
    } finally {
      sweeper.release();
    }
    expect(await store.getMany(['{a}:n', '{b}:old'], now + 20)).toEqual([
      { fields: { n: '1' }, expiresAt: null },
      { fields: { v: '2' }, expiresAt: null },
    ]);
  });
});
