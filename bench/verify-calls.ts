/**
 * `login.verify` in a process of its own, for `valgrind --tool=callgrind` (bench/verify-instructions.ts
 * drives it): a right code (one user per call) or a wrong code (ten per user, the patient policy) on a
 * MemoryStore or Redis, no telemetry; on a MemoryStore also the HTTP layer's verify route alone (no
 * framework, no socket: `createTwoFactorHttp`'s dispatch, as every adapter calls it) for a wrong code
 * (`http`) and for a session with no pending login (`none`, a 401 before the facade). Each line on
 * stdin (`right 100`, `wrong 100`, `http 100`, `none 100`) runs that many calls, answered `done`;
 * `ready` says the warm-up is over.
 *
 *   tsx bench/verify-calls.ts prepare <redis:PORT> <count> <file>   (outside valgrind: users into Redis, ids into file)
 *   tsx bench/verify-calls.ts run <memory|redis:PORT> <file|count> <warmUp>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { createTwoFactorHttp } from '../src/http/create-http.js';
import type { TwoFactorSessionAccess } from '../src/http/session.js';
import { benchTwoFactor, CLOCK_MS, PATIENT_POLICY, prepare } from './bench-facade.js';

type Users = Array<{ challengeId: string; code: string }>;
const [mode = 'run', where = 'memory', source = '2000', warmUpArg = '300'] = process.argv.slice(2);
const redis = where.startsWith('redis:')
  ? new Redis({ host: '127.0.0.1', port: Number(where.slice(6)) })
  : null;
// Under valgrind a round trip can take seconds: no timeout may turn slowness into an outage.
const store: Store = redis ? new RedisStore({ client: redis, commandTimeoutMs: 120_000 }) : new MemoryStore();

if (mode === 'prepare') {
  const { users } = await prepare(
    store,
    Number(process.argv[4]),
    `vc-${process.pid}-${Date.now()}`,
    PATIENT_POLICY,
  );
  writeFileSync(process.argv[5]!, JSON.stringify(users));
  await redis?.quit();
  process.exit(0);
}

const users: Users = /^\d+$/.test(source)
  ? (await prepare(store, Number(source), `vc-${process.pid}`, PATIENT_POLICY)).users
  : JSON.parse(readFileSync(source, 'utf8'));
const tf = benchTwoFactor(store, PATIENT_POLICY, { openTelemetry: false });
/** A code that is never right: the user's own code with its last digit changed. */
const wrongOf = (code: string) => code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
let right = 0;
let wrong = users.length - 1;
let wrongTries = 0;
type Side = 'right' | 'wrong' | 'http' | 'none';

// The HTTP layer over the same facade, with sessions in a Map (as bench/http-adapters.ts has them).
const layer = createTwoFactorHttp(tf, { now: () => CLOCK_MS });
const verifyRoute = layer.routes.find((route) => route.method === 'POST' && route.path === '/login/verify')!;
const states = new Map<string, unknown>();
const session = (id: string): TwoFactorSessionAccess => ({
  get: () => states.get(id),
  set: (state) => void states.set(id, state),
  rotate: () => undefined,
});
const request = (id: string, code: string) => ({
  method: 'POST',
  params: {},
  body: { text: JSON.stringify({ code }), contentType: 'application/json' },
  header: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : undefined),
  session: session(id),
  native: null,
});
const pendingIds: string[] = [];
if (where === 'memory') {
  for (let i = 0; i < 300; i++) {
    const id = `http-${i}`;
    const enrolled = (await prepare(store, 1, id, PATIENT_POLICY)).users[0]!;
    void enrolled;
    const started = await layer.beginLogin({ ...request(`${id}-0`, ''), body: undefined }, `${id}-0`);
    if (started.status !== 'challenge') throw new Error(started.status);
    pendingIds.push(`${id}-0`);
  }
}
let httpCalls = 0;
async function httpCall(side: 'http' | 'none') {
  // Ten wrong codes per pending login, then the next (the patient policy allows twenty).
  const id = side === 'none' ? 'nobody' : pendingIds[Math.floor(httpCalls++ / 10) % pendingIds.length]!;
  const answer = await layer.dispatch(verifyRoute, request(id, '000000'));
  if (answer.status !== 401) throw new Error(`${side}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

async function call(side: Side) {
  if (side === 'http' || side === 'none') return httpCall(side);
  if (side === 'right') {
    const user = users[right++]!;
    const result = await tf.login.verify(user.challengeId, user.code);
    if (!result.ok) throw new Error(`right code refused: ${JSON.stringify(result)}`);
    return;
  }
  // Ten wrong codes per user, from the end of the list (the right side takes from the start).
  const user = users[wrong]!;
  if (++wrongTries === 10) {
    wrongTries = 0;
    wrong--;
  }
  const result = await tf.login.verify(user.challengeId, wrongOf(user.code));
  if (result.ok || result.reason !== 'invalid-code') throw new Error(`wrong code: ${JSON.stringify(result)}`);
}
async function run(side: Side, count: number) {
  for (let i = 0; i < count; i++) await call(side);
}
const warmUp = Number(warmUpArg);
await run('right', warmUp);
await run('wrong', warmUp);
if (where === 'memory') {
  await run('http', warmUp);
  await run('none', warmUp);
}
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [side, count] = line.split(' ');
  if (side === 'right' || side === 'wrong' || side === 'http' || side === 'none')
    await run(side, Number(count));
  else break;
  console.log('done');
}
await redis?.quit();
process.exit(0);
