import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { PostgresStore } from '../src/entries/postgres.js';
import { RedisStore } from '../src/entries/redis.js';
import { SqliteStore } from '../src/entries/sqlite.js';
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';
import { prepare } from './bench-facade.js';
import { measureAsync, measureChunked, table } from './harness.js';

const RUNS = [
  { concurrency: 1, total: 1500 },
  { concurrency: 32, total: 4000 },
];
/** Calls before each measured series, not counted: JIT, pools and server caches warm up. */
const WARM_UP = 300;

interface Target {
  name: string;
  store: Store;
  /** One bare round trip through the same client (`GET`, `SELECT 1`), or null (no network). */
  roundTrip: (() => Promise<unknown>) | null;
  roundTripName: string;
  close: () => Promise<unknown>;
}

/** Every store on its own fresh server (when installed), and how to stop them. */
export async function targets(): Promise<{ list: Target[]; stop: () => Promise<unknown> }> {
  const [redisServer, clusterServer, postgresServer] = await Promise.all([
    startRedis(),
    startRedisCluster(),
    startPostgres(),
  ]);
  const list: Target[] = [
    {
      name: 'memory',
      store: new MemoryStore(),
      roundTrip: null,
      roundTripName: '-',
      close: async () => undefined,
    },
  ];
  {
    // A file on disk (WAL, synchronous=NORMAL: the defaults); its round trip is a prepared SELECT 1.
    const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-'));
    const db = new Database(join(dir, 'bench.sqlite'));
    const store = new SqliteStore({ database: db });
    store.createSchema();
    const selectOne = db.prepare('SELECT 1');
    list.push({
      name: 'sqlite',
      store,
      roundTrip: async () => selectOne.get(),
      roundTripName: 'SELECT 1',
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  if (redisServer) {
    const client = new Redis({ host: '127.0.0.1', port: redisServer.port });
    list.push({
      name: 'redis',
      store: new RedisStore({ client }),
      roundTrip: () => client.get('bench:floor'),
      roundTripName: 'GET',
      close: () => client.quit(),
    });
  } else console.log('redis-server not installed: Redis rows skipped\n');
  if (clusterServer) {
    const cluster = new Cluster(clusterServer.nodes.map(({ host, port }) => ({ host, port })));
    list.push({
      name: 'redis-cluster',
      store: new RedisStore({ client: cluster }),
      roundTrip: () => cluster.get('bench:floor'),
      roundTripName: 'GET',
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
    list.push({
      name: 'postgres',
      store,
      roundTrip: () => pool.query('SELECT 1'),
      roundTripName: 'SELECT 1',
      close: () => pool.end(),
    });
  } else console.log('PostgreSQL not installed: PostgreSQL rows skipped\n');
  const stop = () => Promise.all([redisServer?.stop(), clusterServer?.stop(), postgresServer?.destroy()]);
  return { list, stop };
}

/** Measures `call` after a warm-up of the same call. */
async function series(
  call: (i: number) => Promise<unknown>,
  run: { concurrency: number; total: number },
  offset = 0,
) {
  await measureAsync((i) => call(offset + i), { concurrency: run.concurrency, total: WARM_UP });
  return measureAsync((i) => call(offset + WARM_UP + i), run);
}

/** Users a series verifies, prepared this many at a time just before they are measured. */
const CHUNK = 1000;
let chunks = 0;

type Prepared = Awaited<ReturnType<typeof prepare>>;

/**
 * `verify` for `run.total` users after {@link WARM_UP} others, each chunk of users enrolled and
 * started just before it is measured: a verify follows its start by seconds, as in a sign-in, never
 * by the thousands of other starts a bench preparing everything first would put between them.
 */
async function verifies(
  store: Store,
  run: { concurrency: number; total: number },
  verify: (tf: Prepared['tf'], user: Prepared['users'][number]) => Promise<void>,
) {
  const ready = async (count: number) => {
    const { tf, users } = await prepare(store, count, `bench-${chunks++}`);
    return (i: number) => verify(tf, users[i]!);
  };
  await measureChunked(ready, { concurrency: run.concurrency, total: WARM_UP, chunk: CHUNK });
  return measureChunked(ready, { ...run, chunk: CHUNK });
}

/**
 * `login.verify` on each store beside its floor, at 1 and 32 concurrent calls: a correct TOTP code
 * (two round trips: the attempt with the user's read, then the challenge's end) against two bare
 * round trips in a row, and a wrong code (one round trip) against one. `only`: the stores to measure
 * (memory, sqlite, redis, redis-cluster, postgres), all when empty.
 */
export async function benchStores(only: readonly string[] = []): Promise<void> {
  const { list: all, stop } = await targets();
  // A run that stops on a wrong answer still stops the servers it started.
  try {
    await measure(all, only);
  } finally {
    await stop();
  }
}

async function measure(all: Awaited<ReturnType<typeof targets>>['list'], only: readonly string[]) {
  // `npm run bench -- stores redis redis-cluster`: only the stores named (the rest are closed unmeasured).
  const list = only.length > 0 ? all.filter((target) => only.includes(target.name)) : all;
  await Promise.all(all.filter((target) => !list.includes(target)).map((target) => target.close()));
  console.log(
    '## login.verify per store beside bare round trips through the same client (p50 and p99 in ms)\n',
  );
  const rows: Array<Array<string | number>> = [];
  for (const target of list) {
    for (const run of RUNS) {
      const failures: string[] = [];
      const verify = await verifies(target.store, run, async (tf, user) => {
        const result = await tf.login.verify(user.challengeId, user.code);
        if (!result.ok) failures.push(`a right code refused: ${JSON.stringify(result)}`);
      });
      const wrong = await verifies(target.store, run, async (tf, user) => {
        const code = user.wrongCode;
        const result = await tf.login.verify(user.challengeId, code);
        if (result.ok) failures.push(`${code} accepted for ${user.code}: ${JSON.stringify(result)}`);
      });
      if (failures.length > 0) {
        throw new Error(
          `${failures.length} verifies gave the wrong answer on ${target.name}: ${failures[0]}`,
        );
      }
      const one = target.roundTrip;
      const floor1 = one ? await series(() => one(), run) : null;
      const floor2 = one
        ? await series(async () => {
            await one();
            await one();
          }, run)
        : null;
      const ratio = (x: { p50: number; p99: number }, floor: { p50: number; p99: number } | null) =>
        floor ? `${(x.p50 / floor.p50).toFixed(2)} / ${(x.p99 / floor.p99).toFixed(2)}` : '-';
      const conc = String(run.concurrency);
      rows.push(
        [
          target.name,
          conc,
          'verify, correct code',
          verify.opsPerSecond,
          verify.p50,
          verify.p99,
          ratio(verify, floor2),
        ],
        [
          target.name,
          conc,
          'verify, wrong code',
          wrong.opsPerSecond,
          wrong.p50,
          wrong.p99,
          ratio(wrong, floor1),
        ],
      );
      if (floor2 && floor1)
        rows.push(
          [
            target.name,
            conc,
            `floor: 2x ${target.roundTripName}`,
            floor2.opsPerSecond,
            floor2.p50,
            floor2.p99,
            '',
          ],
          [
            target.name,
            conc,
            `floor: 1x ${target.roundTripName}`,
            floor1.opsPerSecond,
            floor1.p50,
            floor1.p99,
            '',
          ],
        );
    }
    await target.close();
  }
  table(['store', 'concurrency', 'operation', 'ops/s', 'p50 ms', 'p99 ms', 'p50 / p99 ÷ floor'], rows);
  console.log(
    'Correct code ÷ 2 round trips; wrong code ÷ 1 round trip. Targets (issue 13): Redis ≤ 2.5, PostgreSQL ≤ 3, wrong code ≤ 1.5.\n',
  );
}
