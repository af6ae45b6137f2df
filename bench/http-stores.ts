/**
 * The HTTP verify endpoint with a right code on Redis and PostgreSQL (issue 24): each adapter beside
 * `login.verify` through the facade on the same store just before it, at 1 and 32 connections;
 * on PostgreSQL, better-auth's TOTP step beside them at 32 (better-auth-side.ts).
 * A sign-in over HTTP is the facade's verify plus the adapter, the HTTP layer and the session: its
 * store round trips are the facade's two (the session's check and the signed-in session ride in
 * them). The lean client (lean-client.ts) in the same process; every request is a distinct
 * pending login, every answer must be 200. Bounded: 2 stores x 3 adapters x 2 subjects x (1,000 + 1,500) sign-ins,
 * and 1,100 of better-auth's.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { type Store, TotpVerifier, type TwoFactor } from '../src/entries/index.js';
import { PostgresStore } from '../src/entries/postgres.js';
import { RedisStore } from '../src/entries/redis.js';
import { createTwoFactorHttp } from '../src/http/create-http.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';
import { benchTwoFactor, CLOCK_MS, prepare } from './bench-facade.js';
import { benchBetterAuth } from './better-auth-side.js';
import { measureAsync, table } from './harness.js';
import { type Sessions, type Start, startExpress, startFastify, startHono } from './http-adapters.js';
import { leanRun, rawRequest } from './lean-client.js';

// The latency at 1 connection, the throughput at 32 (where better-auth is compared).
const RUNS = [
  { connections: 1, total: 500 },
  { connections: 32, total: 1000 },
];
/**
 * Sign-ins before each measured run. A fresh server's request path (Node's HTTP parser, the
 * framework, the adapter, the layer) is still being compiled by V8 long after a hundred requests:
 * even after 800, TurboFan's threads took about a sixth of a 2,500-request run's CPU (perf, per
 * thread), which counted as the HTTP layer's cost against a facade warmed by every run before it.
 */
const WARM_UP = 500;
/**
 * better-auth's warm-up stays at 100: its codes come from the wall clock when its requests are
 * built, and with 500 a run at a load average of 30 had 401s among its answers.
 */
const BETTER_AUTH_WARM_UP = 100;
const totp = new TotpVerifier();

type Figures = { rps: number; p50: number; p99: number };

/** Pending logins made by the HTTP layer itself (so their state has the shape it expects): session ids. */
async function pendingLogins(tf: TwoFactor, sessions: Sessions, prefix: string, count: number) {
  const layer = createTwoFactorHttp(tf, { now: () => CLOCK_MS });
  const ids: string[] = [];
  const codes = new Map<string, string>();
  for (let from = 0; from < count; from += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - from) }, async (_, k) => {
        const id = `${prefix}-${from + k}`;
        const setup = await tf.totp.beginSetup(id, { accountName: id });
        await tf.totp.confirmSetup(id, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
        const request = {
          method: 'POST',
          params: {},
          body: undefined,
          header: () => undefined,
          native: null,
        };
        const start = await layer.beginLogin({ ...request, session: sessions(id) }, id);
        if (start.status !== 'challenge') throw new Error(start.status);
        ids.push(id);
        codes.set(id, totp.generateCode(setup.secret, CLOCK_MS));
      }),
    );
  }
  return { ids, codes };
}

/** `ids.length` right-code verifies over HTTP at `connections`: every answer must be 200. */
async function signIns(
  url: string,
  connections: number,
  logins: { ids: string[]; codes: Map<string, string> },
): Promise<Figures> {
  const requests = logins.ids.map((id) => {
    const headers = { 'content-type': 'application/json', 'x-session': id };
    return rawRequest('POST', '/2fa/login/verify', headers, JSON.stringify({ code: logins.codes.get(id) }));
  });
  const result = await leanRun(Number(new URL(url).port), connections, requests);
  if ([...result.statuses].some((status) => status !== 200))
    throw new Error(`statuses ${[...result.statuses].join(', ')}: not the run intended`);
  return result;
}

async function benchStore(name: string, store: Store, rows: Array<Array<string | number>>) {
  // As the facade's side (`prepare`): without telemetry, which `npm run bench -- telemetry` measures.
  const tf = benchTwoFactor(store, undefined, { openTelemetry: false });
  const states = new Map<string, unknown>();
  const sessions: Sessions = (id) => ({
    get: () => states.get(id),
    set: (state) => void states.set(id, state),
    rotate: () => undefined,
  });
  for (const { connections, total } of RUNS) {
    for (const [adapter, start] of [
      ['Express 5', startExpress],
      ['Fastify 5', startFastify],
      ['Hono 4', startHono],
    ] as Array<[string, Start]>) {
      // The facade just before each adapter: on a shared machine the load moves within minutes.
      const floor = await facadeSignIns(store, `${name}-${adapter}-facade`, total, connections);
      rows.push([
        name,
        String(connections),
        `login.verify (facade), before ${adapter}`,
        floor.rps,
        floor.p50,
        floor.p99,
        '-',
      ]);
      const warm = await pendingLogins(tf, sessions, `${name}-${adapter}-${connections}-warm`, WARM_UP);
      const logins = await pendingLogins(tf, sessions, `${name}-${adapter}-${connections}`, total);
      const server = await start(tf, sessions);
      await signIns(server.url, connections, warm);
      const http = await signIns(server.url, connections, logins);
      await server.close();
      const ratio = `${(http.p50 / floor.p50).toFixed(2)} / ${(http.p99 / floor.p99).toFixed(2)} / ${(floor.rps / http.rps).toFixed(2)}`;
      rows.push([name, String(connections), `HTTP verify, ${adapter}`, http.rps, http.p50, http.p99, ratio]);
    }
  }
}

/** `login.verify` with a right code through the facade: `total` calls at `connections`, after a warm-up. */
async function facadeSignIns(
  store: Store,
  prefix: string,
  total: number,
  connections: number,
): Promise<Figures> {
  const facade = await prepare(store, WARM_UP + total, prefix);
  const verify = (i: number) => facade.tf.login.verify(facade.users[i]!.challengeId, facade.users[i]!.code);
  await measureAsync(verify, { total: WARM_UP, concurrency: connections });
  const measured = await measureAsync((i) => verify(WARM_UP + i), { total, concurrency: connections });
  return { rps: measured.opsPerSecond, p50: measured.p50, p99: measured.p99 };
}

export async function benchHttpStores(): Promise<void> {
  const [redisServer, postgresServer] = await Promise.all([startRedis(), startPostgres()]);
  const rows: Array<Array<string | number>> = [];
  /** factorkit's HTTP sign-ins per second ÷ better-auth's, per adapter (PostgreSQL). */
  let betterAuthRatios: string[] = [];
  if (redisServer) {
    const client = new Redis({ host: '127.0.0.1', port: redisServer.port });
    await benchStore('redis', new RedisStore({ client, prefix: 'bench:' }), rows);
    await client.quit();
    await redisServer.stop();
  }
  if (postgresServer) {
    const pool = new pg.Pool({ host: '127.0.0.1', port: postgresServer.port, user: 'postgres', max: 32 });
    const store = new PostgresStore({ pool });
    await store.createSchema();
    await benchStore('postgres', store, rows);
    await pool.end();
    const { connections, total } = RUNS[RUNS.length - 1]!;
    const peer = await benchBetterAuth(postgresServer.port, BETTER_AUTH_WARM_UP, total, connections);
    rows.push([
      'postgres',
      String(connections),
      'better-auth 1: POST /two-factor/verify-totp',
      peer.rps,
      peer.p50,
      peer.p99,
      '-',
    ]);
    const ours = rows.filter(
      (row) =>
        row[0] === 'postgres' && row[1] === String(connections) && String(row[2]).startsWith('HTTP verify'),
    );
    betterAuthRatios = ours.map(
      (row) => `${String(row[2]).slice(13)} ${(Number(row[3]) / peer.rps).toFixed(2)}x`,
    );
    await postgresServer.destroy();
  }
  console.log(
    '## HTTP verify, right code, beside login.verify on the same store (lean client in process; p50/p99 ms; ratios HTTP ÷ facade: p50 / p99 / time per sign-in)\n',
  );
  table(['store', 'connections', 'subject', 'ops/s', 'p50 ms', 'p99 ms', 'p50 / p99 / 1÷ops ratio'], rows);
  if (betterAuthRatios.length > 0)
    console.log(
      `\nfactorkit's sign-ins per second ÷ better-auth's (PostgreSQL): ${betterAuthRatios.join(', ')}\n`,
    );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHttpStores();
