import type { ProofMethod } from '../../methods/registry.js';
import type { VerifyResultOf } from '../../methods/verify-result.js';
import { type AttemptVerdict, lockMessage, type StepUpBudget } from '../../services/attempt-limiter.js';
import type { Context } from '../context.js';

/** What `login.verify` answers: one variant per reason. */
export type VerifyResult = VerifyResultOf<ProofMethod>;

/**
 * A verify bound to the session it comes from (the HTTP layer's, never public): the check that the
 * session is still open rides in the attempt's commit and, at a login, the signed-in session opens in
 * the success commit, so a sign-in costs the store two round trips.
 */
export interface SessionBinding {
  /** The session's key (`sessions.open` gave it). */
  key: string;
  /** At a login: open the signed-in session, replacing `key`, in the commit that ends the challenge. */
  signIn: boolean;
}

/**
 * What a session-bound verify answers: a result (with the signed-in session's key after a login's
 * success), or `session-closed` (signed out, ended or expired; nothing was evaluated).
 */
export type SessionVerifyResult =
  | (Extract<VerifyResult, { ok: true }> & { sessionKey?: string })
  | Extract<VerifyResult, { ok: false }>
  | { ok: false; reason: 'session-closed' };

/** The session a bound verify came from was closed (before the attempt, or before the success). */
export const SESSION_CLOSED = { ok: false, reason: 'session-closed' } as const;

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
  if (verdict.reason === 'session-ended') return { ok: false, reason: 'session-ended' };
  return { ok: false, reason: 'unknown-challenge' };
}

/**
 * Ends what a spent step-up budget guards: the session's record (it counts as signed out from its
 * next request), or the trusted browser, so the password and its cookie open no more sessions
 * without a second factor. Idempotent: a concurrent refusal may get here too.
 */
export async function endBudget(ctx: Context, userId: string, budget: StepUpBudget): Promise<VerifyResult> {
  const now = ctx.now();
  if (budget.kind === 'session') {
    await ctx.store.commit([{ type: 'delete', key: budget.key }], now);
  } else {
    const revoked = await ctx.store.commit([ctx.devices.revokeOp(userId, budget.deviceId)], now);
    if (revoked.ok) await ctx.emit({ type: 'device.revoked', userId, detail: { deviceId: budget.deviceId } });
  }
  await ctx.emit({
    type: 'session.ended',
    userId,
    detail: { reason: 'step-up-failures', budget: budget.kind },
  });
  return { ok: false, reason: 'session-ended' };
}

/** What a failed attempt was: a wrong proof, or a used one again (its method then known). */
export type FailedProof = { reason: 'invalid' | 'replayed'; method?: string };

/** The reason a refused attempt's event gives (metrics count verifications by it). */
const refusedReasons = {
  locked: 'locked',
  ended: 'ended',
  expired: 'expired',
  missing: 'unknown',
  'session-ended': 'session-ended',
} as const;

/** The event of an attempt refused before any proof was evaluated. */
export function refusedEvent(userId: string, verdict: Extract<AttemptVerdict, { ok: false }>) {
  return { type: 'verify.refused', userId, detail: { reason: refusedReasons[verdict.reason] } } as const;
}

/** The answer to a wrong code on a counted attempt, with its events (a lock it armed, the end). */
export async function failed(
  ctx: Context,
  userId: string,
  verdict: Extract<AttemptVerdict, { ok: true }>,
  now: number,
  proof: FailedProof = { reason: 'invalid' },
  budget: StepUpBudget | null = null,
): Promise<VerifyResult> {
  // A lock after a correct password: the notices tell the user, so the events say which step it was.
  const purpose = verdict.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
  await ctx.emit({
    type: 'verify.failed',
    userId,
    detail: { attempt: verdict.attempt, attemptsLeft: verdict.attemptsLeft, purpose, ...proof },
  });
  if (verdict.accountLockedUntil > 0) {
    await ctx.emit({
      type: 'account.locked',
      userId,
      detail: { retryAt: verdict.accountLockedUntil, purpose },
    });
  }
  if (budget && verdict.budgetLeft === 0) return endBudget(ctx, userId, budget);
  if (verdict.attemptsLeft === 0) {
    await ctx.emit({ type: 'challenge.ended', userId, detail: { attempts: verdict.attempt, purpose } });
    return { ok: false, reason: 'challenge-ended' };
  }
  const retryAt = Math.max(verdict.challengeLockedUntil, verdict.accountLockedUntil);
  if (retryAt > 0) {
    if (verdict.challengeLockedUntil > 0)
      await ctx.emit({ type: 'challenge.locked', userId, detail: { retryAt, purpose } });
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
