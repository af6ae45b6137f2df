import type { ProofMethod } from '../../methods/registry.js';
import type { VerifyResultOf } from '../../methods/verify-result.js';
import { type AttemptVerdict, lockMessage } from '../../services/attempt-limiter.js';
import type { Context } from '../context.js';

/** What `login.verify` answers: one variant per reason. */
export type VerifyResult = VerifyResultOf<ProofMethod>;

/** The answer to an attempt refused before any code was evaluated. */
export function refused(verdict: Extract<AttemptVerdict, { ok: false }>, now: number): VerifyResult {
  if (verdict.reason === 'locked') {
    return {
      ok: false,
      reason: 'locked',
      retryAt: verdict.retryAt,
      attemptsLeft: verdict.attemptsLeft,
      message: lockMessage(verdict.retryAt - now),
    };
  }
  if (verdict.reason === 'expired') return { ok: false, reason: 'expired' };
  if (verdict.reason === 'ended') return { ok: false, reason: 'challenge-ended' };
  return { ok: false, reason: 'unknown-challenge' };
}

/** The answer to a wrong code on a counted attempt, with its events (a lock it armed, the end). */
export async function failed(
  ctx: Context,
  userId: string,
  verdict: Extract<AttemptVerdict, { ok: true }>,
  now: number,
): Promise<VerifyResult> {
  await ctx.emit({
    type: 'verify.failed',
    userId,
    detail: { attempt: verdict.attempt, attemptsLeft: verdict.attemptsLeft },
  });
  if (verdict.accountLockedUntil > 0) {
    await ctx.emit({ type: 'account.locked', userId, detail: { retryAt: verdict.accountLockedUntil } });
  }
  if (verdict.attemptsLeft === 0) {
    await ctx.emit({ type: 'challenge.ended', userId, detail: { attempts: verdict.attempt } });
    return { ok: false, reason: 'challenge-ended' };
  }
  const retryAt = Math.max(verdict.challengeLockedUntil, verdict.accountLockedUntil);
  if (retryAt > 0) {
    if (verdict.challengeLockedUntil > 0)
      await ctx.emit({ type: 'challenge.locked', userId, detail: { retryAt } });
    return {
      ok: false,
      reason: 'locked',
      retryAt,
      attemptsLeft: verdict.attemptsLeft,
      message: lockMessage(retryAt - now),
    };
  }
  return { ok: false, reason: 'invalid-code', attemptsLeft: verdict.attemptsLeft };
}
