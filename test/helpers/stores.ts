import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';

export interface StoreUnderTest {
  name: string;
  make: () => Promise<Store>;
  skip: boolean;
}

/**
 * The stores every facade suite runs against: memory and SQLite (a file in a temporary folder)
 * always; Redis, a Redis Cluster and PostgreSQL on the servers the global setup started (skipped
 * loudly when not installed). Each `make()` is a fresh, empty store.
 */
export function storesUnderTest(): StoreUnderTest[] {
  const redisPort = inject('redisPort');
  const postgresPort = inject('postgresPort');
  const redisClusterPorts = inject('redisClusterPorts');
  let redis: Redis | null = null;
  let cluster: Cluster | null = null;
  let pool: pg.Pool | null = null;
  let sqliteDir: string | null = null;
  const sqliteStores: SqliteStore[] = [];
  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    await cluster?.quit().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    for (const store of sqliteStores) store.close();
    if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  });
  return [
    { name: 'memory', make: async () => new MemoryStore(), skip: false },
    {
      name: 'sqlite',
      skip: false,
      make: async () => {
        sqliteDir ??= mkdtempSync(join(tmpdir(), 'factorkit-facade-'));
        const store = new SqliteStore({ filename: join(sqliteDir, `${randomUUID()}.sqlite`) });
        sqliteStores.push(store);
        store.createSchema();
        return store;
      },
    },
    {
      name: 'redis',
      skip: redisPort === null,
      make: async () => {
        redis ??= new Redis({ host: '127.0.0.1', port: redisPort ?? 0, maxRetriesPerRequest: 1 });
        return new RedisStore({ client: redis, prefix: `f:${randomUUID()}:` });
      },
    },
    {
      name: 'redis-cluster',
      skip: redisClusterPorts === null,
      make: async () => {
        cluster ??= new Cluster(
          (redisClusterPorts ?? []).map((port) => ({ host: '127.0.0.1', port })),
          { redisOptions: { maxRetriesPerRequest: 1 } },
        );
        return new RedisStore({ client: cluster, prefix: `f:${randomUUID()}:` });
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
