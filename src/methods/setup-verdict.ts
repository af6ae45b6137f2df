import type { AttemptVerdict } from '../services/attempt-limiter.js';
import type { SetupResult } from './enable.js';

/**
 * The setup result for a refused attempt, or (with `now`) for a wrong code on an allowed one:
 * `locked` when this attempt armed a lock; once all attempts are used, later calls get `no-pending-setup`.
 */
export function setupVerdict(verdict: AttemptVerdict, now?: number): Extract<SetupResult, { ok: false }> {
  if (!verdict.ok) {
    if (verdict.reason === 'locked')
      return { ok: false, reason: 'locked', retryAt: verdict.retryAt, attemptsLeft: verdict.attemptsLeft };
    if (verdict.reason === 'expired') return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'no-pending-setup' };
  }
  if (now !== undefined && verdict.challengeLockedUntil > now) {
    return {
      ok: false,
      reason: 'locked',
      retryAt: verdict.challengeLockedUntil,
      attemptsLeft: verdict.attemptsLeft,
    };
  }
  return { ok: false, reason: 'invalid-code', attemptsLeft: verdict.attemptsLeft };
}
