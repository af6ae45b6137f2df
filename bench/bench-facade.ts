import {
  createTwoFactor,
  MemoryMailer,
  type PolicyInput,
  type Store,
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
