import type * as Vitest from 'vitest';
import type { AttemptSchedule, Store } from '../store/store.js';

/** Makes a fresh, empty store (its own namespace) for one test. */
export type StoreFactory = () => Promise<Store>;

/** The test functions the suite registers its cases with (vitest's, or compatible ones). */
export interface ContractTools {
  describe: typeof Vitest.describe;
  it: typeof Vitest.it;
  expect: typeof Vitest.expect;
}

/** The suite's clock: every case passes explicit instants, as the facade does. */
export const T0 = 1_800_000_000_000;
/** The help page's challenge schedule: five attempts, five-minute locks after 3 and 4. */
export const schedule: AttemptSchedule = {
  maxAttempts: 5,
  freeAttempts: 0,
  lockMs: [0, 0, 300_000, 300_000, 0],
  ttlMs: 900_000,
  slide: false,
  afterLockMs: 300_000,
};
