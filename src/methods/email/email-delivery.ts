import type { CommitResult, Fields } from '../../store/store.js';
import type { MethodContext } from '../context.js';

/** Outcome of sending a code (setup or login): when refused, why, and when to try again. */
export type SendCodeResult =
  | { ok: true; sentTo: string; expiresAt: number }
  | { ok: false; reason: 'cooldown'; retryAt: number }
  | { ok: false; reason: 'no-email' | 'challenge-ended' | 'expired' | 'unknown-challenge' };

/** Sends a stored code, voiding it when the mailer fails. Shared by setup and login. */
export async function deliverOrVoid(
  ctx: MethodContext,
  input: {
    userId: string;
    key: string;
    fields: Fields;
    to: string;
    code: string;
    purpose: 'setup' | 'login' | 'step-up';
    expiresAt: number;
  },
): Promise<void> {
  try {
    await ctx.emailCodes.deliver(input);
  } catch (error) {
    await ctx.store
      .commit([ctx.emailCodes.voidOp(input.key, input.fields)], ctx.now())
      .catch(() => undefined);
    await ctx.emit({ type: 'email.code-failed', userId: input.userId, detail: { purpose: input.purpose } });
    throw error;
  }
}

/**
 * The answer to a send the budget refused, with its event: the send-limit op failed `locked`
 * inside the cooldown, `ended` once the hourly cap is used.
 */
export async function refusedSend(
  ctx: MethodContext,
  userId: string,
  purpose: 'setup' | 'login' | 'step-up',
  refusal: Extract<CommitResult, { ok: false }>,
): Promise<SendCodeResult> {
  const reason = refusal.reason === 'locked' ? 'cooldown' : 'hourly-cap';
  await ctx.emit({ type: 'email.code-refused', userId, detail: { reason, purpose } });
  return {
    ok: false,
    reason: 'cooldown',
    retryAt: sendRetryAt(refusal.fields, refusal.expiresAt, refusal.reason),
  };
}

/** The retry time of a refused send: the cooldown's end, or the hourly window's end. */
export function sendRetryAt(fields: Fields | null, expiresAt: number | null, reason: string): number {
  if (reason === 'locked') return Number(fields?.['lockedUntil'] ?? 0);
  return expiresAt ?? 0;
}
