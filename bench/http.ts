import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { twoFactorRouter } from '../src/entries/express.js';
import { MemoryStore, TotpVerifier } from '../src/entries/index.js';
import { benchTwoFactor, CLOCK_MS, PATIENT_POLICY } from './bench-facade.js';
import { table } from './harness.js';

const CONNECTIONS = 32;
/** Pending logins per run (ten wrong codes each); `BENCH_HTTP_SESSIONS` shortens a run on a busy machine. */
const SESSIONS = Number(process.env['BENCH_HTTP_SESSIONS'] ?? 6000);
const totp = new TotpVerifier();

/**
 * The verify endpoint of `factorkit/express` under autocannon (32 connections, 127.0.0.1), beside a
 * bare Express JSON route in the same process as the floor. Sessions are looked up by a header so
 * that thousands of pending logins can be prepared without signing in through HTTP.
 */
export async function benchHttp(): Promise<void> {
  const store = new MemoryStore();
  const tf = benchTwoFactor(store, PATIENT_POLICY);
  // The same, where the org requires 2FA: the guard then also reads the user's record (item 5 of
  // issue 19: the rule applies on every request).
  const required = benchTwoFactor(new MemoryStore(), { ...PATIENT_POLICY, required: true });
  const sessions = new Map<string, unknown>();
  const routerOf = (facade: typeof tf) =>
    twoFactorRouter(facade, {
      // Sessions by header: thousands of pending logins without signing in through HTTP.
      session: (req) => {
        const id = String(req.headers['x-session']);
        return {
          get: () => sessions.get(id),
          set: (state) => void sessions.set(id, state),
          rotate: () => undefined,
        };
      },
      cookie: { secure: false },
    });
  const app = express();
  app.use('/2fa', routerOf(tf));
  app.use('/2fa-required', routerOf(required));
  app.post('/bare', express.json(), (_req, res) => {
    res.status(401).json({ ok: false, reason: 'invalid-code', attemptsLeft: 4 });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const prepare = async (prefix: string, facade = tf) => {
    const tf = facade;
    const out: Array<{ id: string; secret: string }> = [];
    for (let i = 0; i < SESSIONS; i++) {
      const userId = `${prefix}-${i}`;
      const setup = await tf.totp.beginSetup(userId, { accountName: userId });
      await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
      const start = await tf.login.start(userId);
      if (start.status !== 'challenge') throw new Error(start.status);
      sessions.set(userId, {
        stage: 'pending',
        userId,
        sessionKey: await tf.sessions.open(userId),
        challengeId: start.challengeId,
        methods: start.methods,
      });
      out.push({ id: userId, secret: setup.secret });
    }
    return out;
  };

  const run = async (
    path: string,
    amount: number,
    body: (i: number) => { session: string; code: string },
  ) => {
    let i = 0;
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      amount,
      requests: [
        {
          method: 'POST',
          path,
          setupRequest: (request) => {
            const next = body(i++);
            return {
              ...request,
              headers: { 'content-type': 'application/json', 'x-session': next.session },
              body: JSON.stringify({ code: next.code }),
            };
          },
        },
      ],
    });
    return {
      rps: result.requests.average,
      p99: result.latency.p99,
      p50: result.latency.p50,
      errors: result.errors + result.non2xx,
    };
  };

  const wrong = await prepare('wrong');
  const wrongRequired = await prepare('wrong-required', required);
  const right = await prepare('right');
  const rightCodes = right.map((u) => totp.generateCode(u.secret, CLOCK_MS));
  const amount = SESSIONS * 10;
  const bare = await run('/bare', amount, () => ({ session: 'none', code: '000000' }));
  const wrongRun = await run('/2fa/login/verify', amount, (i) => ({
    session: wrong[i % SESSIONS]!.id,
    code: '000000',
  }));
  const requiredRun = await run('/2fa-required/login/verify', amount, (i) => ({
    session: wrongRequired[i % SESSIONS]!.id,
    code: '000000',
  }));
  const rightRun = await run('/2fa/login/verify', SESSIONS, (i) => ({
    session: right[i % SESSIONS]!.id,
    code: rightCodes[i % SESSIONS]!,
  }));
  server.close();

  console.log(
    `## HTTP: POST verify through factorkit/express (MemoryStore), autocannon, ${CONNECTIONS} connections\n`,
  );
  table(
    ['endpoint', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'bare ÷ this (req/s)'],
    [
      ['bare Express JSON route (floor)', String(amount), bare.rps, bare.p50, bare.p99, '1.00'],
      [
        'verify, wrong code',
        String(amount),
        wrongRun.rps,
        wrongRun.p50,
        wrongRun.p99,
        (bare.rps / wrongRun.rps).toFixed(2),
      ],
      [
        'verify, wrong code, 2FA required (the guard reads the user too)',
        String(amount),
        requiredRun.rps,
        requiredRun.p50,
        requiredRun.p99,
        (bare.rps / requiredRun.rps).toFixed(2),
      ],
      [
        'verify, right code',
        String(SESSIONS),
        rightRun.rps,
        rightRun.p50,
        rightRun.p99,
        (bare.rps / rightRun.rps).toFixed(2),
      ],
    ],
  );
}
