import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { Store } from '../../src/store.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { PostgresStore } from '../../src/stores/postgres.js';
import { RedisStore } from '../../src/stores/redis.js';

export interface StoreUnderTest {
  name: string;
  make: () => Promise<Store>;
  skip: boolean;
}

/**
 * The stores every facade suite runs against: memory always; Redis and PostgreSQL on the servers
 * the global setup started (skipped loudly when not installed). Each `make()` is a fresh, empty store.
 */
export function storesUnderTest(): StoreUnderTest[] {
  const redisPort = inject('redisPort');
  const postgresPort = inject('postgresPort');
  let redis: Redis | null = null;
  let pool: pg.Pool | null = null;
  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    await pool?.end().catch(() => undefined);
  });
  return [
    { name: 'memory', make: async () => new MemoryStore(), skip: false },
    {
      name: 'redis',
      skip: redisPort === null,
      make: async () => {
        redis ??= new Redis({ host: '127.0.0.1', port: redisPort ?? 0, maxRetriesPerRequest: 1 });
        return new RedisStore({ client: redis, prefix: `f:${randomUUID()}:` });
      },
    },
    {
      name: 'postgres',
      skip: postgresPort === null,
      make: async () => {
        pool ??= new pg.Pool({
          host: '127.0.0.1',
          port: postgresPort ?? 0,
          user: 'postgres',
          database: 'postgres',
          max: 10,
        });
        const store = new PostgresStore({ pool, table: `f_${randomUUID().replace(/-/g, '')}` });
        await store.createSchema();
        return store;
      },
    },
  ];
}
