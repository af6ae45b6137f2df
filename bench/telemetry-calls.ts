/**
 * The telemetry bench's calls in a process of their own, for `valgrind --tool=callgrind`
 * (bench/telemetry-instructions.ts drives it): `login.verify` with a correct code through two
 * facades on one store, without and with telemetry, the SDK registered either way, and the SDK's
 * floor (the call without telemetry, with the same spans and records asked of the SDK directly:
 * bench/telemetry-floor.ts). Each line on stdin (`off 500`, `on 500`, `floor 500`) runs that many
 * calls on one side, `scrape` reads the Prometheus exporter once, each answered `done`; `ready`
 * says the warm-up is over.
 *
 *   tsx bench/telemetry-calls.ts <memory|redis:PORT> <sampleRatio|metrics> <host|bare> <collectorUrl> <warmUp> <calls> [usersFile]
 *   tsx bench/telemetry-calls.ts prepare <redis:PORT> <count> <usersFile>
 *
 * On Redis the users are prepared by a process of their own, outside valgrind (`prepare`), and read
 * from the file: enrolling thousands of users under valgrind took longer than the measurement.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as api from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { benchTwoFactor, prepare } from './bench-facade.js';
import { sdkFloor } from './telemetry-floor.js';
import { startSdk } from './telemetry-sdk.js';

if (process.argv[2] === 'prepare') {
  const [, where = '', count = '0', file = ''] = process.argv.slice(2);
  const client = new Redis({ host: '127.0.0.1', port: Number(where.slice(6)) });
  const { users } = await prepare(
    new RedisStore({ client }),
    Number(count),
    `calls-${process.pid}-${Date.now()}`,
  );
  writeFileSync(file, JSON.stringify(users));
  await client.quit();
  process.exit(0);
}

const [
  where = 'memory',
  ratio = '0',
  shape = 'bare',
  collectorUrl = '',
  warmUpArg = '300',
  callsArg = '2000',
  usersFile,
] = process.argv.slice(2);
const warmUp = Number(warmUpArg);
const redis = where.startsWith('redis:')
  ? new Redis({ host: '127.0.0.1', port: Number(where.slice(6)) })
  : null;
// Under valgrind a round trip can take seconds: no timeout may turn slowness into an outage.
const store: Store = redis ? new RedisStore({ client: redis, commandTimeoutMs: 120_000 }) : new MemoryStore();
const users: Array<{ challengeId: string; code: string }> = usersFile
  ? JSON.parse(readFileSync(usersFile, 'utf8'))
  : (await prepare(store, 3 * warmUp + Number(callsArg), `calls-${process.pid}-${Date.now()}`)).users;
// Exports go by size (512 spans), not by a timer that a slower process would fire more often per call.
const sdk = await startSdk({
  sampleRatio: ratio === 'metrics' ? null : Number(ratio),
  collectorUrl,
  scheduledDelayMillis: 3_600_000,
});
const facades = {
  off: benchTwoFactor(store, undefined, { openTelemetry: false }),
  on: benchTwoFactor(store, undefined, { openTelemetry: api }),
};
const floor = sdkFloor();
const host = api.trace.getTracer('host');
type Side = 'off' | 'on' | 'floor';

let next = 0;
async function verify(side: Side) {
  const user = users[next++]!;
  const result =
    side === 'floor'
      ? await floor(() => facades.off.login.verify(user.challengeId, user.code))
      : await facades[side].login.verify(user.challengeId, user.code);
  if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result)}`);
}
/** A request span around the call, as a host's HTTP instrumentation makes it (`host`), or none. */
async function call(side: Side) {
  if (shape !== 'host') return verify(side);
  await host.startActiveSpan('POST /2fa/login/verify', async (span) => {
    await verify(side);
    span.end();
  });
}
async function run(side: Side, count: number) {
  for (let i = 0; i < count; i++) await call(side);
}

await run('off', warmUp);
await run('on', warmUp);
await run('floor', warmUp);
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [side, count] = line.split(' ');
  if (side === 'scrape') await sdk.scrape();
  else if (side === 'off' || side === 'on' || side === 'floor') await run(side, Number(count));
  else break;
  console.log('done');
}
await sdk.stop();
await redis?.quit();
process.exit(0);
