import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { trustDays } from '../../core/policy.js';
import { parseInput } from '../../core/validation.js';
import { type AttemptVerdict, lockMessage } from '../../services/attempt-limiter.js';
import { storeKeys } from '../../store/keys.js';
import type { Context } from '../context.js';
import { userKeys, userRecords } from '../user-state.js';
import { parseChallengeId } from './challenge-id.js';
import { evaluateCode } from './evaluate-code.js';

const DAY_MS = 86_400_000;

/** What `login.verify` answers. */
export type VerifyResult =
  | {
      ok: true;
      userId: string;
      method: 'totp' | 'email' | 'backup-code' | 'admin-code';
      purpose: 'login' | 'step-up';
      deviceToken?: string;
      deviceExpiresAt?: number;
      deviceId?: string;
    }
  | { ok: false; reason: 'invalid-code'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; retryAt: number; attemptsLeft: number; message: string }
  | { ok: false; reason: 'challenge-ended' | 'expired' | 'unknown-challenge' };

const verifyOptionsSchema = z
  .object({ rememberDevice: z.boolean().optional(), deviceLabel: z.string().max(200).optional() })
  .optional();

function refused(verdict: Exclude<AttemptVerdict, { allowed: true }>, now: number): VerifyResult {
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

async function failed(
  ctx: Context,
  userId: string,
  verdict: Extract<AttemptVerdict, { allowed: true }>,
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

/**
 * `login.verify`: takes one attempt (challenge and account, atomically) together with the read of
 * the user's records (one round trip), refuses without evaluating while locked, evaluates the code
 * against every method, and on a match commits the challenge's end, the method's single use, the
 * account reset and the trusted browser in one atomic step (the second round trip).
 */
export function createVerify(
  ctx: Context,
): (
  challengeId: string,
  code: string,
  options?: { rememberDevice?: boolean | undefined; deviceLabel?: string | undefined },
) => Promise<VerifyResult> {
  return async (challengeId, code, optionsInput) => {
    if (typeof code !== 'string') throw new InvalidInputError('code', 'must be a string');
    if (code.length > 256) throw new InvalidInputError('code', 'is too long');
    const options = parseInput(verifyOptionsSchema, optionsInput, 'options') ?? {};
    const parsed = parseChallengeId(challengeId);
    if (!parsed) return { ok: false, reason: 'unknown-challenge' };
    const { userId, nonce } = parsed;
    const key = storeKeys.challenge(userId, nonce);
    const policy = await ctx.policy();
    const now = ctx.now();
    // One round trip: take the attempt and read the user's records in the same step.
    const attempt = await ctx.store.commit(ctx.limiter.takeOps(key, userId, policy), now, userKeys(userId));
    const user = userRecords(attempt.ok ? attempt.read : undefined);
    const verdict = ctx.limiter.interpret(attempt, policy, now);
    if (!verdict.allowed) return refused(verdict, now);
    const purpose = verdict.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
    const match = evaluateCode(ctx, {
      userId,
      nonce,
      purpose,
      code,
      now,
      challenge: verdict.fields,
      user,
    });
    if (match.replayed) await ctx.emit({ type: 'code.replayed', userId });
    if (!match.method) return failed(ctx, userId, verdict, now);

    const ops = [
      {
        type: 'merge' as const,
        key,
        fields: { ended: '1' },
        absent: ['ended'],
        ...(match.challengeMatch ? { match: match.challengeMatch } : {}),
      },
      ...match.ops,
    ];
    if (policy.attempts.resetAccountOnSuccess)
      ops.push({ type: 'delete', key: storeKeys.accountAttempts(userId) });
    const days = trustDays(policy);
    const device =
      options.rememberDevice && days !== null && purpose === 'login'
        ? ctx.devices.issue(userId, options.deviceLabel ?? 'Unknown browser', days * DAY_MS)
        : null;
    if (device) ops.push(device.op);
    const result = await ctx.store.commit(ops, now);
    if (!result.ok) {
      if (result.index === 0) return { ok: false, reason: 'challenge-ended' };
      if (match.method === 'totp') await ctx.emit({ type: 'code.replayed', userId });
      return failed(ctx, userId, verdict, now);
    }
    if (!policy.attempts.resetAccountOnSuccess && verdict.account) {
      // Successes do not count against the account: only failures accumulate.
      await ctx.store.commit([ctx.limiter.refundOp(userId, verdict.account, now)], now);
    }
    if (match.method === 'backup-code') await ctx.emit({ type: 'backup-code.used', userId });
    if (device) await ctx.emit({ type: 'device.trusted', userId, detail: { deviceId: device.deviceId } });
    await ctx.emit({ type: 'verify.succeeded', userId, detail: { method: match.method, purpose } });
    return {
      ok: true,
      userId,
      method: match.method,
      purpose,
      ...(device
        ? { deviceToken: device.token, deviceExpiresAt: device.expiresAt, deviceId: device.deviceId }
        : {}),
    };
  };
}
