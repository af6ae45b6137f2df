import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { testPostgresPool } from '../helpers/postgres-pool.js';
import { freePort } from '../helpers/servers.js';

const { port: postgresPort } = testPostgresPool(1);
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Errors of the stores that point at the fix: what is wrong, where, and what to change. */
describe('store messages', () => {
  it('a dead Redis says it cannot reach Redis, with the address (it read "eviction policy check failed")', async () => {
    const port = await freePort(); // nothing listens there
    const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    cleanups.push(() => client.disconnect());
    const store = new RedisStore({ client, commandTimeoutMs: 300 });
    await expect(store.get('{u}:user', Date.now())).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(
        new RegExp(
          `^\\[factorkit\\] \\[redis\\] cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(connection \\w+\\): eviction policy check failed`,
        ),
      ),
    });
  });

  it('a pg.Client given as pool is CONFIG at construction (it failed later, as an outage)', () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 1 });
    expect(() => new PostgresStore({ pool: client as unknown as pg.Pool })).toThrow(
      expect.objectContaining({
        code: 'CONFIG',
        field: 'pool',
        message: expect.stringMatching(
          /must be a pg\.Pool, not a pg\.Client: new PostgresStore\(\{ pool: new pg\.Pool/,
        ),
      }),
    );
  });

  it.skipIf(postgresPort === null)(
    'a wrong PostgreSQL database name is CONFIG saying to check it (it was BUG)',
    async () => {
      const pool = new pg.Pool({
        host: '127.0.0.1',
        port: postgresPort ?? 0,
        user: 'postgres',
        database: 'no_such_db',
      });
      cleanups.push(() => pool.end());
      const store = new PostgresStore({ pool });
      await expect(store.get('{u}:user', Date.now())).rejects.toMatchObject({
        code: 'CONFIG',
        message: expect.stringMatching(
          /\[postgres\] the server refused the connection settings \(3D000: database "no_such_db" does not exist\): check the database name, user and password/,
        ),
      });
    },
  );
});
