import {
  createTwoFactor,
  MemoryMailer,
  type PolicyInput,
  type Store,
  TotpVerifier,
  type TwoFactorOptions,
} from '../src/entries/index.js';

/** The benchmarks' frozen clock: codes are deterministic and no step boundary can fall mid-run. */
export const CLOCK_MS = Date.UTC(2026, 0, 1, 12, 0, 10);

/** For wrong-code runs: they must keep evaluating codes, not hit the five-minute lock after three. */
export const PATIENT_POLICY: PolicyInput = {
  attempts: { perChallenge: 20, lockAfterFailures: [], accountFreeFailures: 1_000_000 },
};

/** The facade a benchmark measures: on `store`, at {@link CLOCK_MS}, mail kept in memory. */
export function benchTwoFactor(store: Store, policy?: PolicyInput, options: Partial<TwoFactorOptions> = {}) {
  return createTwoFactor({
    issuer: 'Bench',
    store,
    mailer: new MemoryMailer(),
    keys: 'ab3c76b8fb9f7d4b303acca329e741f070e961eb57c958ceb03ff196061dc74a', // a fixed bench key
    now: () => CLOCK_MS,
    ...(policy ? { policy } : {}),
    ...options,
  });
}

const totp = new TotpVerifier();

/** Users enrolled in TOTP, each with an open login challenge and the code to send (made without telemetry). */
/**
 * A code no step near the bench's clock gives (two steps either way: wider than any window): a
 * neighbouring step's code can equal a code picked blindly, about once in 500,000 users.
 */
function wrongCodeFor(secret: string, code: string): string {
  const near = new Set([-2, -1, 0, 1, 2].map((step) => totp.generateCode(secret, CLOCK_MS + step * 30_000)));
  let wrong = code;
  for (let bump = 1; near.has(wrong); bump++)
    wrong = String((Number(code) + bump) % 1_000_000).padStart(6, '0');
  return wrong;
}

export async function prepare(store: Store, count: number, prefix = 'bench', policy?: PolicyInput) {
  const tf = benchTwoFactor(store, policy, { openTelemetry: false });
  const users: Array<{ challengeId: string; code: string; wrongCode: string }> = [];
  const batch = 50;
  for (let from = 0; from < count; from += batch) {
    const created = await Promise.all(
      Array.from({ length: Math.min(batch, count - from) }, async (_, k) => {
        const userId = `${prefix}-${from + k}`;
        const setup = await tf.totp.beginSetup(userId, { accountName: userId });
        await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
        const start = await tf.login.start(userId);
        if (start.status !== 'challenge') throw new Error(start.status);
        const code = totp.generateCode(setup.secret, CLOCK_MS);
        return { challengeId: start.challengeId, code, wrongCode: wrongCodeFor(setup.secret, code) };
      }),
    );
    users.push(...created);
  }
  return { tf, users };
}
