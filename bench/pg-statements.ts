/**
 * PostgreSQL's own cost of a verify (issue 24): the server's CPU per operation (user + system time of
 * the cluster's processes, from /proc) and the statements' execution time from `pg_stat_statements`
 * (preloaded in the bench's private cluster, nested statements tracked: the commit function's inner
 * statements show). `login.verify` with a right code and with a wrong one beside the floor, two and
 * one `SELECT 1`, through the same pool at 1 and at 32 connections, with the latency ratios the
 * targets name (a right code against two round trips, a wrong one against one). The load average
 * is printed beside the figures: the machine is shared. Bounded: 5 subjects x (1,000 + 2,000) calls.
 */
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { PostgresStore } from '../src/entries/postgres.js';
import { startPostgres } from '../test/helpers/servers.js';
import { prepare } from './bench-facade.js';
import { measureAsync, table } from './harness.js';
import { floorSubjects, loadAverage, postmasterPid, processCpu, pushFloorRatios } from './server-cost.js';

const RUNS = [
  { concurrency: 1, total: 1000 },
  { concurrency: 32, total: 2000 },
];
const CONNECTIONS = 32;
const WARM_UP = 300;

/** CPU ms the postmaster and its children (this cluster's processes only) have used so far. */
function clusterCpuMs(postmasterPid: number): number {
  let ms = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const cpu = processCpu(pid); // null: gone meanwhile
    if (cpu && (pid === postmasterPid || cpu.parent === postmasterPid)) ms += cpu.cpuMs;
  }
  return ms;
}

type Statement = { query: string; calls: string; total_exec_time: number; toplevel: boolean };

export async function benchPgStatements(): Promise<void> {
  const server = await startPostgres({
    settings: ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'],
  });
  if (!server) {
    console.log('## PostgreSQL statements: skipped (no PostgreSQL installed)\n');
    return;
  }
  // Connections stay open (no idle timeout): a backend that exits takes its CPU time out of the sum.
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port: server.port,
    user: 'postgres',
    max: CONNECTIONS,
    idleTimeoutMillis: 0,
  });
  // The server stops at the end: an idle connection's "terminating connection" is not the bench's failure.
  pool.on('error', () => undefined);
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const postmaster = await postmasterPid(pool);
  const store = new PostgresStore({ pool });
  await store.createSchema();
  const calls = RUNS.reduce((sum, run) => sum + run.total, 0);
  const right = await prepare(store, WARM_UP + calls, 'right');
  const wrong = await prepare(store, calls, 'wrong');
  const twice = await prepare(store, calls, 'twice');
  // Each right code ends its challenge: every call takes the next user.
  let nextRight = WARM_UP;
  let nextWrong = 0;
  let nextTwice = 0;
  const subjects: Array<[string, () => Promise<unknown>]> = [
    [
      'verify, correct code',
      () => {
        const user = right.users[nextRight++]!;
        return right.tf.login.verify(user.challengeId, user.code);
      },
    ],
    ['verify, wrong code', () => wrong.tf.login.verify(wrong.users[nextWrong++]!.challengeId, '000000')],
    // A user's second guess, after the first on the same challenge: the attempt as a compare-and-set
    // on the records the first left (postgres-cas.ts); the pair's cost less a wrong code's is its cost.
    [
      'two wrong codes on one challenge',
      async () => {
        const { challengeId } = twice.users[nextTwice++]!;
        await twice.tf.login.verify(challengeId, '000000');
        return twice.tf.login.verify(challengeId, '000000');
      },
    ],
    ...floorSubjects('SELECT 1', () => pool.query('SELECT 1')),
  ];
  await measureAsync((i) => right.tf.login.verify(right.users[i]!.challengeId, right.users[i]!.code), {
    total: WARM_UP,
    concurrency: CONNECTIONS,
  });
  const rows: Array<Array<string | number>> = [];
  const breakdowns: string[] = [];
  for (const { concurrency, total } of RUNS) {
    const measured = new Map<string, { p50: number; p99: number; row: Array<string | number> }>();
    for (const [name, call] of subjects) {
      await pool.query('SELECT pg_stat_statements_reset()');
      const loadBefore = loadAverage();
      const cpuBefore = clusterCpuMs(postmaster);
      const figures = await measureAsync(call, { total, concurrency });
      const cpuMs = clusterCpuMs(postmaster) - cpuBefore;
      const statements = (
        await pool.query<Statement>(
          `SELECT query, calls::text, total_exec_time, toplevel FROM pg_stat_statements
            WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 6`,
        )
      ).rows;
      // The statements the client sent (the commit function's own statements are nested in its time).
      const execUs = statements.filter((s) => s.toplevel).reduce((sum, s) => sum + s.total_exec_time, 0);
      const row = [
        String(concurrency),
        name,
        figures.opsPerSecond,
        figures.p50,
        figures.p99,
        (cpuMs * 1000) / total,
        (execUs * 1000) / total,
        loadBefore,
      ];
      measured.set(name, { ...figures, row });
      rows.push(row);
      breakdowns.push(
        `${name}, ${concurrency} connection(s):\n${statements
          .map(
            (s) =>
              `  ${((s.total_exec_time * 1000) / total).toFixed(1)} µs/op, ${s.calls} calls: ${s.query.replace(/\s+/g, ' ').slice(0, 90)}`,
          )
          .join('\n')}`,
      );
    }
    pushFloorRatios(measured, 'SELECT 1');
  }
  await pool.end();
  await server.destroy();
  console.log(
    `## PostgreSQL's cost per operation (server CPU from /proc, statement time from pg_stat_statements; load average 1 / 5 / 15 min when each series began)\n`,
  );
  table(
    [
      'connections',
      'operation',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'server CPU µs/op',
      'statements µs/op',
      'load',
      'p50 / p99 ÷ floor',
    ],
    rows,
  );
  console.log(`\nTop statements (pg_stat_statements, nested included):\n\n${breakdowns.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPgStatements();
