import type { Policy } from './policy-schema.js';

/** The five-attempt schedule of one challenge, as lock lengths per attempt number. */
export function challengeLockSchedule(policy: Policy): number[] {
  const { perChallenge, lockAfterFailures, lockMs } = policy.attempts;
  return Array.from({ length: perChallenge }, (_, i) => (lockAfterFailures.includes(i + 1) ? lockMs : 0));
}

/**
 * The account's schedule: `accountFreeFailures - 1` attempts without a lock, then a lock after each
 * failure that doubles from `accountLockMs` up to `accountMaxLockMs`.
 */
export function accountLockSchedule(policy: Policy): { freeAttempts: number; lockMs: number[] } {
  const { accountFreeFailures, accountLockMs, accountMaxLockMs } = policy.attempts;
  const lockMs: number[] = [];
  for (let lock = accountLockMs; ; lock *= 2) {
    lockMs.push(Math.min(lock, accountMaxLockMs));
    if (lock >= accountMaxLockMs) break;
  }
  return { freeAttempts: accountFreeFailures - 1, lockMs };
}
