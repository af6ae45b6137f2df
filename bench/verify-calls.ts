/**
 * `login.verify` in a process of its own, for `valgrind --tool=callgrind` (bench/verify-instructions.ts
 * drives it): a right code (one user per call) or a wrong code (ten per user, the patient policy) on a
 * MemoryStore or Redis, no telemetry. Each line on stdin (`right 100`, `wrong 100`) runs that many
 * calls, answered `done`; `ready` says the warm-up is over.
 *
 *   tsx bench/verify-calls.ts prepare <redis:PORT> <count> <file>   (outside valgrind: users into Redis, ids into file)
 *   tsx bench/verify-calls.ts run <memory|redis:PORT> <file|count> <warmUp>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { benchTwoFactor, PATIENT_POLICY, prepare } from './bench-facade.js';

type Users = Array<{ challengeId: string; code: string }>;
const [mode = 'run', where = 'memory', source = '2000', warmUpArg = '300'] = process.argv.slice(2);
const redis = where.startsWith('redis:')
  ? new Redis({ host: '127.0.0.1', port: Number(where.slice(6)) })
  : null;
// Under valgrind a round trip can take seconds: no timeout may turn slowness into an outage.
const store: Store = redis ? new RedisStore({ client: redis, commandTimeoutMs: 120_000 }) : new MemoryStore();

if (mode === 'prepare') {
  const { users } = await prepare(store, Number(process.argv[4]), `vc-${process.pid}-${Date.now()}`, PATIENT_POLICY);
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
async function call(side: 'right' | 'wrong') {
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
async function run(side: 'right' | 'wrong', count: number) {
  for (let i = 0; i < count; i++) await call(side);
}
const warmUp = Number(warmUpArg);
await run('right', warmUp);
await run('wrong', warmUp);
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [side, count] = line.split(' ');
  if (side === 'right' || side === 'wrong') await run(side, Number(count));
  else break;
  console.log('done');
}
await redis?.quit();
process.exit(0);
