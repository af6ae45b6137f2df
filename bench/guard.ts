import { MemoryStore, TotpVerifier } from '../src/entries/index.js';
import { createTwoFactorHttp } from '../src/http/create-http.js';
import type { TwoFactorSessionAccess } from '../src/http/session.js';
import { benchTwoFactor, CLOCK_MS } from './bench-facade.js';
import { table } from './harness.js';

const CALLS = 50_000;
const ROUNDS = 5;

/** CPU time (user + system) per call of the guard a host puts on its own routes, median of rounds. */
async function guardMicroseconds(required: boolean): Promise<number> {
  const tf = benchTwoFactor(new MemoryStore(), required ? { required: true } : undefined);
  const totp = new TotpVerifier();
  const setup = await tf.totp.beginSetup('ana', { accountName: 'ana' });
  await tf.totp.confirmSetup('ana', totp.generateCode(setup.secret, CLOCK_MS - 30_000));
  const state = {
    stage: 'signed-in',
    userId: 'ana',
    sessionKey: await tf.sessions.open('ana'),
    secondFactorAt: CLOCK_MS,
    deviceId: null,
    stepUp: null,
  };
  const http = createTwoFactorHttp<null>(tf, { now: () => CLOCK_MS });
  const session: TwoFactorSessionAccess = { get: () => state, set: () => undefined, rotate: () => undefined };
  const req = { method: 'GET', params: {}, body: undefined, header: () => undefined, session, native: null };
  const run = async (calls: number) => {
    for (let i = 0; i < calls; i++) {
      if ((await http.check('signedIn', req)) !== null)
        throw new Error('the guard refused a signed-in session');
    }
  };
  await run(20_000);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    await run(CALLS);
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / CALLS);
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

/**
 * The guard on every request (`requireSignedIn`, and every 2FA route's own): is the session open, and
 * does the policy's rule (`required`) send it to setup? In process, no HTTP, MemoryStore: CPU time
 * rather than latency, which a shared machine's load cannot hide a microsecond in.
 */
export async function benchGuard(): Promise<void> {
  const optional = await guardMicroseconds(false);
  const required = await guardMicroseconds(true);
  console.log(`## The guard per request (in process, MemoryStore, CPU µs per call, median of ${ROUNDS})\n`);
  table(
    ['policy', 'CPU µs per guarded request'],
    [
      ['2FA optional (the rule needs no read)', optional.toFixed(2)],
      ['2FA required (the user record joins the read)', required.toFixed(2)],
    ],
  );
}
