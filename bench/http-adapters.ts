import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { twoFactorRouter } from '../src/entries/express.js';
import { twoFactorPlugin } from '../src/entries/fastify.js';
import { twoFactorApp } from '../src/entries/hono.js';
import { MemoryStore, TotpVerifier, type TwoFactor } from '../src/entries/index.js';
import { createTwoFactorHttp } from '../src/http/create-http.js';
import type { TwoFactorSessionAccess } from '../src/http/session.js';
import { benchTwoFactor, CLOCK_MS, PATIENT_POLICY } from './bench-facade.js';
import { table } from './harness.js';

const CONNECTIONS = 32;
/** Pending logins per adapter and round; each takes ten wrong codes (the policy allows twenty). */
const SESSIONS = 1000;
const REQUESTS = SESSIONS * 10;
/** Each endpoint is measured this many times, interleaved, and the best kept: the box is shared. */
const ROUNDS = 2;
/** Requests per endpoint before measuring, so that none is timed on cold code. */
const WARM_UP = 2000;
const BARE_ANSWER = { ok: false, reason: 'invalid-code', attemptsLeft: 4 };
const VERIFY = '/2fa/login/verify';

/** Sessions keyed by the `x-session` header: thousands of pending logins without cookies. */
export type Sessions = (id: string) => TwoFactorSessionAccess;
export type Start = (
  tf: TwoFactor,
  sessions: Sessions,
) => Promise<{ url: string; close(): Promise<unknown> }>;

export const startExpress: Start = async (tf, sessions) => {
  const app = express();
  const router = twoFactorRouter(tf, {
    session: (req) => sessions(String(req.headers['x-session'])),
    now: () => CLOCK_MS,
  });
  app.use('/2fa', router);
  app.post('/bare', express.json(), (_req, res) => void res.status(401).json(BARE_ANSWER));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

export const startFastify: Start = async (tf, sessions) => {
  const app = Fastify();
  await app.register(twoFactorPlugin, {
    tf,
    prefix: '/2fa',
    session: (request) => sessions(String(request.headers['x-session'])),
    now: () => CLOCK_MS,
  });
  app.post('/bare', async (_request, reply) => reply.code(401).send(BARE_ANSWER));
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
};

export const startHono: Start = async (tf, sessions) => {
  const app = new Hono();
  app.route(
    '/2fa',
    twoFactorApp(tf, { session: (c) => sessions(c.req.header('x-session') ?? ''), now: () => CLOCK_MS }),
  );
  app.post('/bare', async (c) => {
    await c.req.json();
    return c.json(BARE_ANSWER, 401);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

/** `amount` POSTs of `{ code }` to `path`, each with the session `session(i)`; every answer must be 401. */
async function load(url: string, path: string, amount: number, session: (i: number) => string) {
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount,
    // autocannon notices the last answer at its next sample: every second by default, which would
    // round each run up to whole seconds.
    sampleInt: 10,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => ({
          ...request,
          headers: { 'content-type': 'application/json', 'x-session': session(i++) },
          body: JSON.stringify({ code: '000000' }),
        }),
      },
    ],
  });
  const statuses = Object.keys(result.statusCodeStats ?? {});
  if (result.errors > 0 || statuses.some((status) => status !== '401')) {
    throw new Error(
      `${path}: statuses ${statuses.join(', ')}, ${result.errors} errors: not the run intended`,
    );
  }
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * Sessions in a Map, keyed by id, and `prepare(prefix, count)`: that many users enrolled in TOTP,
 * each with a pending login in the session named by its id, made by the HTTP layer itself (so its
 * state has whatever shape the layer expects).
 */
export function pendingLogins(tf: TwoFactor) {
  const states = new Map<string, unknown>();
  const sessions: Sessions = (id) => ({
    get: () => states.get(id),
    set: (state) => void states.set(id, state),
    rotate: () => undefined,
  });
  const layer = createTwoFactorHttp(tf, { now: () => CLOCK_MS });
  const totp = new TotpVerifier();
  const prepare = async (prefix: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${prefix}-${i}`;
      const setup = await tf.totp.beginSetup(id, { accountName: id });
      await tf.totp.confirmSetup(id, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
      const request = { method: 'POST', params: {}, body: undefined, header: () => undefined, native: null };
      const start = await layer.beginLogin({ ...request, session: sessions(id) }, id);
      if (start.status !== 'challenge') throw new Error(start.status);
      ids.push(id);
    }
    return ids;
  };
  return { sessions, prepare };
}

/**
 * The verify endpoint (a wrong code, MemoryStore) of each adapter under autocannon, 32 connections on
 * 127.0.0.1, beside that framework's own bare JSON route on the same server in the same run: the
 * floor each adapter is measured against (target: bare ÷ adapter under 2).
 */
export async function benchHttpAdapters(): Promise<void> {
  const tf = benchTwoFactor(new MemoryStore(), PATIENT_POLICY);
  const { sessions, prepare } = pendingLogins(tf);
  const rows: Array<Array<string | number>> = [];
  for (const [name, start] of [
    ['Express 5', startExpress],
    ['Fastify 5', startFastify],
    ['Hono 4 (@hono/node-server)', startHono],
  ] as const) {
    const warm = await prepare(`${name}-warm`, WARM_UP / 10);
    const pending: string[][] = [];
    for (let round = 0; round < ROUNDS; round++) pending.push(await prepare(`${name}-${round}`, SESSIONS));
    const server = await start(tf, sessions);
    await load(server.url, '/bare', WARM_UP, () => 'none');
    await load(server.url, VERIFY, WARM_UP, (i) => warm[i % warm.length]!);
    const endpoints: Array<[string, (round: number) => ReturnType<typeof load>]> = [
      ['bare JSON route (floor)', () => load(server.url, '/bare', REQUESTS, () => 'none')],
      // No pending login: the adapter and the layer, without the facade's work.
      ['verify, no pending login', () => load(server.url, VERIFY, REQUESTS, () => 'none')],
      [
        'verify, wrong code',
        (round) => load(server.url, VERIFY, REQUESTS, (i) => pending[round]![i % SESSIONS]!),
      ],
    ];
    const best: Array<Awaited<ReturnType<typeof load>>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, [, run]] of endpoints.entries()) {
        const figures = await run(round);
        if (!best[k] || figures.rps > best[k].rps) best[k] = figures;
      }
    }
    await server.close();
    endpoints.forEach(([endpoint], k) => {
      const { rps, p50, p99 } = best[k]!;
      rows.push([name, endpoint, rps, p50, p99, (best[0]!.rps / rps).toFixed(2)]);
    });
  }
  console.log(
    `## HTTP adapters: POST verify beside each framework's bare route (MemoryStore), autocannon, ${CONNECTIONS} connections, ${REQUESTS} requests a run, best of ${ROUNDS}\n`,
  );
  table(['framework', 'endpoint', 'req/s', 'p50 ms', 'p99 ms', 'bare ÷ this (req/s)'], rows);
}
