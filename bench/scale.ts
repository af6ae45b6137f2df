import pg from 'pg';
import { PostgresStore } from '../src/entries/postgres.js';
import { storeKeys, userTag } from '../src/store/keys.js';
import { startPostgres } from '../test/helpers/servers.js';
import { prepare } from './bench-facade.js';
import { measureAsync, table } from './harness.js';

/** Enrolled users seeded by SQL beside the measured ones. */
const SEEDED_USERS = 1_000_000;
const RUNS = [
  { concurrency: 1, total: 1000 },
  { concurrency: 32, total: 3000 },
];
const WARM_UP = 300;

/**
 * Copies the records of `template` (an enrolled user: its `{tag}:...` rows) to `count` users made up
 * in SQL (`seed-<n>`, tagged as factorkit tags them), in batches of 100,000 users.
 */
async function seed(pool: pg.Pool, template: string, count: number): Promise<void> {
  const tag = `{${userTag(template)}}`;
  for (let from = 0; from < count; from += 100_000) {
    await pool.query(
      `INSERT INTO factorkit_records (key, fields, expires_at)
       SELECT '{' || translate(rtrim(encode(convert_to('seed-' || n, 'UTF8'), 'base64'), '='), '+/', '-_') || '}'
              || substr(r.key, length($1) + 1), r.fields, r.expires_at
       FROM generate_series($2::int, $3::int) AS n, factorkit_records AS r
       WHERE r.key LIKE $1 || '%' AND r.key NOT LIKE $1 || ':challenge:%'`,
      [tag, from, Math.min(from + 100_000, count) - 1],
    );
  }
  await pool.query('VACUUM ANALYZE factorkit_records');
}

/** `login.verify` (correct code) on `users`, at each concurrency, after a warm-up. */
async function verifyRuns(store: PostgresStore, label: string, rows: Array<Array<string | number>>) {
  const perRun = WARM_UP + Math.max(...RUNS.map((run) => run.total));
  const { tf, users } = await prepare(store, perRun * RUNS.length, label);
  let offset = 0;
  for (const run of RUNS) {
    const batch = users.slice(offset, offset + perRun);
    offset += perRun;
    let failures = 0;
    const call = async (i: number) => {
      if (!(await tf.login.verify(batch[i]!.challengeId, batch[i]!.code)).ok) failures++;
    };
    await measureAsync(call, { concurrency: run.concurrency, total: WARM_UP });
    const measured = await measureAsync((i) => call(WARM_UP + i), run);
    if (failures > 0) throw new Error(`${failures} verifies failed (${label})`);
    rows.push([label, String(run.concurrency), measured.opsPerSecond, measured.p50, measured.p99]);
  }
}

/**
 * PostgreSQL with 1 million enrolled users: `login.verify` before and after seeding them (by SQL,
 * copies of a real enrolment), in one run on one server, so the two rows compare.
 */
export async function benchScale(): Promise<void> {
  const server = await startPostgres();
  if (!server) {
    console.log('PostgreSQL not installed: scale rows skipped\n');
    return;
  }
  const pool = new pg.Pool({ host: '127.0.0.1', port: server.port, user: 'postgres', max: 32 });
  try {
    const store = new PostgresStore({ pool });
    await store.createSchema();
    const rows: Array<Array<string | number>> = [];
    await verifyRuns(store, 'empty table', rows);
    const started = Date.now();
    await prepare(store, 1, 'template');
    await seed(pool, 'template-0', SEEDED_USERS);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const { rows: size } = await pool.query<{ rows: string; bytes: string }>(
      `SELECT count(*) AS rows, pg_total_relation_size('factorkit_records') AS bytes FROM factorkit_records`,
    );
    await verifyRuns(store, `${SEEDED_USERS.toLocaleString('en-US')} users`, rows);
    console.log(
      `## PostgreSQL login.verify with ${SEEDED_USERS.toLocaleString('en-US')} enrolled users (seeded in ${seconds} s: ${Number(size[0]!.rows).toLocaleString('en-US')} rows, ${(Number(size[0]!.bytes) / 2 ** 20).toFixed(0)} MiB)\n`,
    );
    table(['table', 'concurrency', 'ops/s', 'p50 ms', 'p99 ms'], rows);
    // The user record of a seeded user is where a login reads it.
    const probe = await store.get(storeKeys.user('seed-123456'), Date.now());
    if (!probe) throw new Error('seeded users are not where the store looks');
  } finally {
    await pool.end();
    await server.destroy();
  }
}
