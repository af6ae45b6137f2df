import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type Store, TotpVerifier } from '../src/entries/index.js';
import { PostgresStore } from '../src/entries/postgres.js';
import { RedisStore } from '../src/entries/redis.js';
import { SqliteStore } from '../src/entries/sqlite.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';
import { benchTwoFactor, CLOCK_MS } from './bench-facade.js';
import { table } from './harness.js';

const USERS = 2000;
const totp = new TotpVerifier();

/**
 * Enrolls `USERS` users the way a deployment holds them: TOTP on, ten backup codes, one sign-in
 * that trusted the browser (so an attempts record and a device record too). Challenges are left to
 * expire; the measurement counts what stays.
 */
async function enroll(store: Store): Promise<void> {
  const tf = benchTwoFactor(store, { frequency: { trustDays: 14 } });
  for (let from = 0; from < USERS; from += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        const userId = `user-${from + k}@example.com`;
        const setup = await tf.totp.beginSetup(userId, { accountName: userId });
        await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
        const start = await tf.login.start(userId);
        if (start.status !== 'challenge') throw new Error(start.status);
        const done = await tf.login.verify(start.challengeId, totp.generateCode(setup.secret, CLOCK_MS), {
          rememberDevice: true,
          deviceLabel: 'Firefox on Linux',
        });
        if (!done.ok) throw new Error(done.reason);
      }),
    );
  }
}

/** Bytes per enrolled user on each store, challenges removed (they expire within the hour). */
export async function benchFootprint(): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  {
    const dir = mkdtempSync(join(tmpdir(), 'factorkit-footprint-'));
    const db = new Database(join(dir, 'f.sqlite'));
    const store = new SqliteStore({ database: db });
    store.createSchema();
    await enroll(store);
    db.prepare(`DELETE FROM factorkit_records WHERE key LIKE '%:challenge:%'`).run();
    db.exec('VACUUM');
    const bytes =
      Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
    rows.push(['sqlite', 'file after VACUUM (table, primary key, expiry index)', Math.round(bytes / USERS)]);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const redisServer = await startRedis();
  if (redisServer) {
    const client = new Redis({ host: '127.0.0.1', port: redisServer.port });
    await enroll(new RedisStore({ client, prefix: 'f:' }));
    let total = 0;
    const stream = client.scanStream({ match: 'f:*', count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      for (const key of keys) {
        if (key.includes(':challenge:')) continue;
        total += Number(await client.memory('USAGE', key, 'SAMPLES', 0));
      }
    }
    rows.push(['redis', 'MEMORY USAGE of every key, summed', Math.round(total / USERS)]);
    await client.quit();
    await redisServer.stop();
  }
  const postgresServer = await startPostgres();
  if (postgresServer) {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: postgresServer.port,
      user: 'postgres',
      database: 'postgres',
    });
    const store = new PostgresStore({ pool });
    await store.createSchema();
    await enroll(store);
    await pool.query(`DELETE FROM factorkit_records WHERE key LIKE '%:challenge:%'`);
    await pool.query('VACUUM FULL factorkit_records');
    const { rows: size } = await pool.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('factorkit_records') AS bytes`,
    );
    rows.push([
      'postgres',
      'pg_total_relation_size after VACUUM FULL (table, TOAST, indexes)',
      Math.round(Number(size[0]!.bytes) / USERS),
    ]);
    await pool.end();
    await postgresServer.destroy();
  }
  console.log(
    `## Bytes per enrolled user (TOTP, 10 backup codes, an attempts record, one trusted browser; ${USERS} users)\n`,
  );
  table(['store', 'measured as', 'bytes per user'], rows);
}
