import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import {
  createTwoFactor,
  MemoryMailer,
  MemoryStore,
  type Store,
  TotpVerifier,
} from '../src/entries/index.js';
import { PostgresStore } from '../src/entries/postgres.js';
import { RedisStore } from '../src/entries/redis.js';
import { SqliteStore } from '../src/entries/sqlite.js';
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';
import { measureAsync, table } from './harness.js';

const RUNS = [
  { concurrency: 1, total: 1000 },
  { concurrency: 32, total: 3000 },
];
const totp = new TotpVerifier();
/** The benchmark's facade runs on a frozen clock: codes are deterministic and no step boundary can fall mid-run. */
const CLOCK_MS = Date.UTC(2026, 0, 1, 12, 0, 10);

/** Users enrolled in TOTP, each with an open login challenge: one correct verify per user. */
async function prepare(store: Store, count: number) {
  const tf = createTwoFactor({
    issuer: 'Bench',
    store,
    mailer: new MemoryMailer(),
    keys: '7'.repeat(64),
    now: () => CLOCK_MS,
  });
  const users: Array<{ challengeId: string; secret: string }> = [];
  const batch = 50;
  for (let from = 0; from < count; from += batch) {
    const created = await Promise.all(
      Array.from({ length: Math.min(batch, count - from) }, async (_, k) => {
        const userId = `bench-${from + k}`;
        const setup = await tf.totp.beginSetup(userId, { accountName: userId });
        await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
        const start = await tf.login.start(userId);
        if (start.status !== 'challenge') throw new Error(start.status);
        return { challengeId: start.challengeId, secret: setup.secret };
      }),
    );
    users.push(...created);
  }
  return { tf, users };
}

/** login.verify (correct TOTP code, the full success path) on each store, beside the client's bare round trip. */
export async function benchStores(): Promise<void> {
  const [redisServer, clusterServer, postgresServer] = await Promise.all([
    startRedis(),
    startRedisCluster(),
    startPostgres(),
  ]);
  const targets: Array<{
    name: string;
    store: Store;
    floorName: string;
    floor: (() => Promise<unknown>) | null;
    close: () => Promise<unknown>;
  }> = [
    { name: 'memory', store: new MemoryStore(), floorName: '-', floor: null, close: async () => undefined },
  ];
  if (redisServer) {
    const client = new Redis({ host: '127.0.0.1', port: redisServer.port });
    targets.push({
      name: 'redis',
      store: new RedisStore({ client }),
      floorName: 'GET',
      floor: () => client.get('bench:floor'),
      close: () => client.quit(),
    });
  } else console.log('redis-server not installed: Redis rows skipped\n');
  if (clusterServer) {
    const cluster = new Cluster(clusterServer.nodes.map(({ host, port }) => ({ host, port })));
    targets.push({
      name: 'redis-cluster',
      store: new RedisStore({ client: cluster }),
      floorName: 'GET',
      floor: () => cluster.get('bench:floor'),
      close: () => cluster.quit(),
    });
  }
  if (postgresServer) {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: postgresServer.port,
      user: 'postgres',
      database: 'postgres',
      max: 32,
    });
    const store = new PostgresStore({ pool });
    await store.createSchema();
    targets.push({
      name: 'postgres',
      store,
      floorName: 'SELECT 1',
      floor: () => pool.query('SELECT 1'),
      close: () => pool.end(),
    });
  } else console.log('PostgreSQL not installed: PostgreSQL rows skipped\n');
  {
    // A file on disk (WAL, synchronous=NORMAL: the defaults); the floor is a prepared statement on the same connection.
    const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-'));
    const db = new Database(join(dir, 'bench.sqlite'));
    const store = new SqliteStore({ database: db });
    store.createSchema();
    const selectOne = db.prepare('SELECT 1');
    targets.push({
      name: 'sqlite',
      store,
      floorName: 'SELECT 1',
      floor: async () => selectOne.get(),
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }

  console.log(
    '## login.verify (correct TOTP code, success path) per store; floor = one bare round trip through the same client\n',
  );
  const rows: Array<Array<string | number>> = [];
  for (const target of targets) {
    const { tf, users } = await prepare(
      target.store,
      RUNS.reduce((sum, run) => sum + run.total, 0),
    );
    let offset = 0;
    for (const run of RUNS) {
      const slice = users.slice(offset, offset + run.total);
      offset += run.total;
      const codes = slice.map((u) => totp.generateCode(u.secret, CLOCK_MS));
      let failures = 0;
      const verify = await measureAsync(async (i) => {
        const result = await tf.login.verify(slice[i]!.challengeId, codes[i]!);
        if (!result.ok) failures++;
      }, run);
      if (failures > 0) throw new Error(`${failures} verifies failed on ${target.name}`);
      const floor = target.floor
        ? await measureAsync(() => target.floor!(), { ...run, total: run.total * 2 })
        : null;
      rows.push([
        target.name,
        String(run.concurrency),
        'login.verify',
        verify.opsPerSecond,
        verify.p50,
        verify.p99,
        floor ? (verify.p50 / (2 * floor.p50)).toFixed(2) : '-',
      ]);
      if (floor)
        rows.push([
          target.name,
          String(run.concurrency),
          `floor: ${target.floorName}`,
          floor.opsPerSecond,
          floor.p50,
          floor.p99,
          '',
        ]);
    }
    await target.close();
  }
  table(
    ['store', 'concurrency', 'operation', 'ops/s', 'p50 ms', 'p99 ms', 'verify p50 ÷ 2 round trips'],
    rows,
  );
  await Promise.all([redisServer?.stop(), clusterServer?.stop(), postgresServer?.destroy()]);
}
