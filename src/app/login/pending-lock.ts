import { parseChallengeId } from '../../methods/challenge-id.js';
import { storeKeys } from '../../store/keys.js';
import { attemptState } from '../../store/store.js';
import type { Context } from '../context.js';

/** A pending login's lock: until when, and the attempts its challenge has left after it. */
export interface PendingLock {
  retryAt: number;
  attemptsLeft: number;
}

/**
 * The lock a pending login is under now, read without taking an attempt: its challenge's (after
 * the third and fourth wrong codes) or its account's, whichever ends later; null when there is
 * none, or the challenge is over (ended, expired, gone: the next attempt says which). What the code
 * page shows after a reload, so the countdown does not wait for a guess. One read, no write.
 */
export async function pendingLock(ctx: Context, challengeId: string): Promise<PendingLock | null> {
  const parsed = parseChallengeId(challengeId);
  if (!parsed) return null;
  const now = ctx.now();
  const [challenge, account] = await ctx.store.getMany(
    [parsed.key, storeKeys.accountAttempts(parsed.userId)],
    now,
  );
  if (!challenge || challenge.fields['ended'] !== undefined) return null;
  const policy = await ctx.policy();
  const { attempts, lockedUntil } = attemptState(challenge.fields);
  // Past its deadline (a lock moves it on by one lock's length), the challenge is expired.
  const deadline = Number(challenge.fields['deadline'] ?? Number.POSITIVE_INFINITY);
  if (now >= Math.max(deadline, lockedUntil > 0 ? lockedUntil + policy.attempts.lockMs : 0)) return null;
  const attemptsLeft = policy.attempts.perChallenge - attempts;
  const retryAt = Math.max(lockedUntil, attemptState(account?.fields).lockedUntil);
  return retryAt > now && attemptsLeft > 0 ? { retryAt, attemptsLeft } : null;
}
