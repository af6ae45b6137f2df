/**
 * PostgreSQL's own cost of a verify (issue 24): the server's CPU per operation (user + system time of
 * the cluster's processes, from /proc) and the statements' execution time from `pg_stat_statements`
 * (preloaded in the bench's private cluster, nested statements tracked: the commit function's inner
 * statements show). `login.verify` with a right code and with a wrong one beside the floor, two and
 * one `SELECT 1`, through the same pool at 32 connections. Bounded: 3 x 2,000 operations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../src/entries/postgres.js';
import { startPostgres } from '../test/helpers/servers.js';
import { prepare } from './bench-facade.js';
import { measureAsync, table } from './harness.js';

const TOTAL = 2000;
const CONCURRENCY = 32;
const WARM_UP = 300;

/** CPU ms the postmaster and its children (this cluster's processes only) have used so far. */
function clusterCpuMs(postmasterPid: number): number {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces): state, ppid, ... utime (14), stime (15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    if (pid !== postmasterPid && Number(fields[1]) !== postmasterPid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
}

type Statement = { query: string; calls: string; total_exec_time: number };

export async function benchPgStatements(): Promise<void> {
  const server = await startPostgres({
    settings: ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'],
  });
  if (!server) {
    console.log('## PostgreSQL statements: skipped (no PostgreSQL installed)\n');
    return;
  }
  const pool = new pg.Pool({ host: '127.0.0.1', port: server.port, user: 'postgres', max: CONCURRENCY });
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const dataDirectory = (await pool.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!
    .data_directory;
  const postmasterPid = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const store = new PostgresStore({ pool });
  await store.createSchema();
  const right = await prepare(store, WARM_UP + TOTAL, 'right');
  const wrong = await prepare(store, TOTAL, 'wrong');
  const subjects: Array<[string, (i: number) => Promise<unknown>]> = [
    [
      'verify, correct code',
      (i) => right.tf.login.verify(right.users[WARM_UP + i]!.challengeId, right.users[WARM_UP + i]!.code),
    ],
    ['verify, wrong code', (i) => wrong.tf.login.verify(wrong.users[i]!.challengeId, '000000')],
    [
      'floor: 2x SELECT 1',
      async () => {
        await pool.query('SELECT 1');
        await pool.query('SELECT 1');
      },
    ],
    ['floor: 1x SELECT 1', () => pool.query('SELECT 1')],
  ];
  await measureAsync((i) => right.tf.login.verify(right.users[i]!.challengeId, right.users[i]!.code), {
    total: WARM_UP,
    concurrency: CONCURRENCY,
  });
  const rows: Array<Array<string | number>> = [];
  const breakdowns: string[] = [];
  for (const [name, call] of subjects) {
    await pool.query('SELECT pg_stat_statements_reset()');
    const cpuBefore = clusterCpuMs(postmasterPid);
    const figures = await measureAsync(call, { total: TOTAL, concurrency: CONCURRENCY });
    const cpuMs = clusterCpuMs(postmasterPid) - cpuBefore;
    const statements = (
      await pool.query<Statement>(
        `SELECT query, calls::text, total_exec_time FROM pg_stat_statements
          WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 6`,
      )
    ).rows;
    const topLevel = statements.filter((s) => /^SELECT (key, fields|\$?1|.*_commit\()/.test(s.query.trim()));
    const execUs = (topLevel.length ? topLevel : statements).reduce((sum, s) => sum + s.total_exec_time, 0);
    rows.push([
      name,
      figures.opsPerSecond,
      figures.p50,
      figures.p99,
      (cpuMs * 1000) / TOTAL,
      (execUs * 1000) / TOTAL,
    ]);
    breakdowns.push(
      `${name}:\n${statements
        .map(
          (s) =>
            `  ${((s.total_exec_time * 1000) / TOTAL).toFixed(1)} µs/op, ${s.calls} calls: ${s.query.replace(/\s+/g, ' ').slice(0, 90)}`,
        )
        .join('\n')}`,
    );
  }
  await pool.end();
  await server.destroy();
  console.log(
    `## PostgreSQL's cost per operation (${CONCURRENCY} connections, ${TOTAL} operations; server CPU from /proc, statement time from pg_stat_statements)\n`,
  );
  table(['operation', 'ops/s', 'p50 ms', 'p99 ms', 'server CPU µs/op', 'statements' + ' µs/op'], rows);
  console.log(`\nTop statements (pg_stat_statements, nested included):\n\n${breakdowns.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPgStatements();
