/**
 * One app instance for the multi-process tests: builds a facade on the shared Redis, PostgreSQL or
 * SQLite file, waits for the start instant, fires its share of verifies concurrently, prints the
 * results as JSON.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import type { Store } from '../../src/store/store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';

interface Job {
  /** `name`: the Redis prefix, the PostgreSQL table or the SQLite file. */
  store: { kind: 'redis' | 'postgres' | 'sqlite'; port: number; name: string };
  key: string;
  startAt: number;
  calls: Array<{ challengeId: string; code: string }>;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
let store: Store;
let close: () => Promise<unknown>;
if (job.store.kind === 'redis') {
  const client = new Redis({ host: '127.0.0.1', port: job.store.port });
  store = new RedisStore({ client, prefix: job.store.name, commandTimeoutMs: 30_000 });
  close = () => client.quit();
} else if (job.store.kind === 'sqlite') {
  // Generous: SQLite's busy handler retries with sleeps, so a commit can lose several turns to the other process.
  const sqlite = new SqliteStore({ filename: job.store.name, busyTimeoutMs: 30_000 });
  store = sqlite;
  close = async () => sqlite.close();
} else {
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port: job.store.port,
    user: 'postgres',
    database: 'postgres',
    max: 30,
  });
  store = new PostgresStore({ pool, table: job.store.name });
  close = () => pool.end();
}
const tf = createTwoFactor({ issuer: 'CloudFon CX', store, mailer: new MemoryMailer(), keys: job.key });
await tf.status('warm-up');
await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.startAt - Date.now())));
const results = await Promise.all(job.calls.map((call) => tf.login.verify(call.challengeId, call.code)));
process.stdout.write(JSON.stringify(results));
// Security notices (e.g. failed attempts) go on in the background and use the store: closing the
// client under them made ioredis reject with "Connection is closed" after the results were printed.
await tf.notices.settled();
await close();
