/**
 * One app instance for the multi-process tests: builds a facade on the shared Redis or PostgreSQL,
 * waits for the start instant, fires its share of verifies concurrently, prints the results as JSON.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { createTwoFactor } from '../../src/create-two-factor.js';
import { MemoryMailer } from '../../src/mail/mailer.js';
import type { Store } from '../../src/store.js';
import { PostgresStore } from '../../src/stores/postgres.js';
import { RedisStore } from '../../src/stores/redis.js';

interface Job {
  store: { kind: 'redis' | 'postgres'; port: number; name: string };
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
await close();
