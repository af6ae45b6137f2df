/**
 * PostgreSQL's own cost of a verify (issue 24): the server's CPU per operation (user + system time of
 * the cluster's processes, from /proc) and the statements' execution time from `pg_stat_statements`
 * (preloaded in the bench's private cluster, nested statements tracked: the commit function's inner
 * statements show). `login.verify` with a right code and with a wrong one beside the floor, two and
 * one `SELECT 1`, through the same pool at 1 and at 32 connections, with the latency ratios the
 * targets name (a right code against two round trips, a wrong one against one), and a right code
 * verified by another process's store (no hints: its attempt runs the commit function). Each
 * subject's users are enrolled and started just before it is measured, as a sign-in's verify follows
 * its start. The load average is printed beside the figures: the machine is shared. Bounded: 6
 * subjects x (1,000 + 2,000) calls.
 */
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { PostgresStore } from '../src/entries/postgres.js';
import { startPostgres } from '../test/helpers/servers.js';
import { benchTwoFactor, prepare } from './bench-facade.js';
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
  // Another process's store on the same database: it holds none of the first one's hints.
  const elsewhere = benchTwoFactor(new PostgresStore({ pool }));
  let prepared = 0;
  /** `count` users enrolled and started just now (a verify follows its start by seconds). */
  const started = (count: number) => prepare(store, count, `u${prepared++}`);
  type Ready = (count: number) => Promise<(i: number) => Promise<unknown>>;
  const subjects: Array<[string, Ready]> = [
    [
      'verify, correct code',
      async (count) => {
        const { tf, users } = await started(count);
        return (i) => tf.login.verify(users[i]!.challengeId, users[i]!.code);
      },
    ],
    // The attempt as the commit function: this store has no hint of the records (postgres-hints.ts).
    [
      'verify, correct code, started by another process',
      async (count) => {
        const { users } = await started(count);
        return (i) => elsewhere.login.verify(users[i]!.challengeId, users[i]!.code);
      },
    ],
    [
      'verify, wrong code',
      async (count) => {
        const { tf, users } = await started(count);
        return (i) => tf.login.verify(users[i]!.challengeId, users[i]!.wrongCode);
      },
    ],
    // A user's second guess, after the first on the same challenge: the pair's cost less a wrong
    // code's is its cost.
    [
      'two wrong codes on one challenge',
      async (count) => {
        const { tf, users } = await started(count);
        return async (i) => {
          await tf.login.verify(users[i]!.challengeId, users[i]!.wrongCode);
          return tf.login.verify(users[i]!.challengeId, users[i]!.wrongCode);
        };
      },
    ],
    ...floorSubjects('SELECT 1', () => pool.query('SELECT 1')).map(([name, call]): [string, Ready] => [
      name,
      async () => call,
    ]),
  ];
  const warm = await subjects[0]![1](WARM_UP);
  await measureAsync(warm, { total: WARM_UP, concurrency: CONNECTIONS });
  const rows: Array<Array<string | number>> = [];
  const breakdowns: string[] = [];
  for (const { concurrency, total } of RUNS) {
    const measured = new Map<string, { p50: number; p99: number; row: Array<string | number> }>();
    for (const [name, ready] of subjects) {
      const call = await ready(total);
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
