import type { Policy } from '../core/policy/policy-schema.js';
import { storeKeys } from '../store/keys.js';
import type { CommitResult, Fields } from '../store/store.js';
import { parseChallengeId } from './challenge-id.js';
import type { MethodContext } from './context.js';
import type { CodeAttempt, CodeMatch } from './proof.js';
import type { SendLimits, SendPurpose, SentCodes } from './sent-codes.js';
import { type UserRecords, userField } from './user-records.js';

/** Outcome of sending a code (setup or login): when refused, why, and when to try again. */
export type SentCodeResult<Missing extends string> =
  | { ok: true; sentTo: string; expiresAt: number }
  | { ok: false; reason: 'cooldown'; retryAt: number }
  | { ok: false; reason: Missing | 'challenge-ended' | 'expired' | 'unknown-challenge' };

/**
 * A factor proven by a six-digit code sent to a destination the user confirmed at setup (an email
 * address, a phone number): the setup, the confirmation and a login's send are the same steps for
 * every such channel, written once here.
 */
export interface CodeChannel<Missing extends string = string, Extra = undefined> {
  method: string;
  codes: SentCodes;
  /** The record of a setup in progress (`{tag}:email-pending`). */
  pendingKey(userId: string): string;
  /** The `{tag}:user` fields: the destination (on while present) and when it was enabled. */
  destinationField: string;
  enabledAtField: string;
  /** How the pending record and the `enabled` event name the destination (`address`). */
  detailName: string;
  /** The code's lifetime and the send budget under `policy`. */
  limits(policy: Policy): SendLimits & { ttlMs: number };
  /** The destination as shown back (`a***@example.com`). */
  mask(destination: string): string;
  /** Sends a code; throws (`MAIL_FAILED`, `DELIVERY_FAILED`) when it cannot. */
  deliver(input: {
    to: string;
    code: string;
    purpose: SendPurpose;
    expiresAt: number;
    extra: Extra;
  }): Promise<void>;
  /** The reason a login's send gives when the user has no destination (`no-email`). */
  missing: Missing;
}

/** Sends a stored code, voiding it when the delivery fails (reported as `<method>.code-failed`). */
export async function deliverOrVoid<Extra>(
  ctx: MethodContext,
  channel: CodeChannel<string, Extra>,
  input: {
    userId: string;
    key: string;
    fields: Fields;
    to: string;
    code: string;
    purpose: SendPurpose;
    expiresAt: number;
    extra: Extra;
  },
): Promise<void> {
  try {
    await channel.deliver(input);
  } catch (error) {
    await ctx.store.commit([channel.codes.voidOp(input.key, input.fields)], ctx.now()).catch(() => undefined);
    const detail = { purpose: input.purpose };
    await ctx.emit({ type: `${channel.method}.code-failed`, userId: input.userId, detail });
    throw error;
  }
}

/**
 * The answer to a send the budget refused, with its event (`<method>.code-refused`): the send-limit
 * op failed `locked` inside the cooldown, `ended` once the hourly cap is used.
 */
export async function refusedSend(
  ctx: MethodContext,
  channel: CodeChannel<string, unknown>,
  userId: string,
  purpose: SendPurpose,
  refusal: Extract<CommitResult, { ok: false }>,
): Promise<{ ok: false; reason: 'cooldown'; retryAt: number }> {
  const reason = refusal.reason === 'locked' ? 'cooldown' : 'hourly-cap';
  await ctx.emit({ type: `${channel.method}.code-refused`, userId, detail: { reason, purpose } });
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

/**
 * A new code for an open challenge that offers the method (voiding the last), bound to it, within
 * the send budget, sent to the user's confirmed destination.
 */
export async function sendChallengeCode<Missing extends string, Extra>(
  ctx: MethodContext,
  channel: CodeChannel<Missing, Extra>,
  challengeId: string,
  extra: Extra,
): Promise<SentCodeResult<Missing>> {
  const parsed = parseChallengeId(challengeId);
  if (!parsed) return { ok: false, reason: 'unknown-challenge' };
  const { userId, nonce, key } = parsed;
  const now = ctx.now();
  const [policy, [challenge, user]] = await Promise.all([
    ctx.policy({ userId }),
    ctx.store.getMany([key, storeKeys.user(userId)], now),
  ]);
  if (!challenge) return { ok: false, reason: 'unknown-challenge' };
  if (challenge.fields['ended'] !== undefined) return { ok: false, reason: 'challenge-ended' };
  if (now >= Number(challenge.fields['deadline'])) return { ok: false, reason: 'expired' };
  const records: UserRecords = { user: user ?? null };
  const destination = userField(records, channel.destinationField);
  // A challenge that does not offer the method (one that demands phishing resistance) gets no code.
  const offered = (challenge.fields['methods'] ?? '').split(',').includes(channel.method);
  if (!destination || !offered) return { ok: false, reason: channel.missing };
  const purpose = challenge.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
  const code = channel.codes.generateCode();
  const limits = channel.limits(policy);
  const expiresAt = now + limits.ttlMs;
  const fields = channel.codes.codeFields(code, { purpose, userId, scope: nonce }, expiresAt);
  const result = await ctx.store.commit(
    [{ type: 'merge', key, fields, absent: ['ended'] }, channel.codes.sendLimitOp(userId, limits)],
    now,
  );
  if (!result.ok) {
    if (result.index === 0) return { ok: false, reason: 'challenge-ended' };
    return refusedSend(ctx, channel, userId, purpose, result);
  }
  await deliverOrVoid(ctx, channel, {
    userId,
    key,
    fields,
    to: destination,
    code,
    purpose,
    expiresAt,
    extra,
  });
  const sentTo = channel.mask(destination);
  await ctx.emit({ type: `${channel.method}.code-sent`, userId, detail: { purpose, sentTo } });
  return { ok: true, sentTo, expiresAt };
}

/**
 * A login's code: the one sent for this challenge (bound to it), while the user still has the
 * method. Consumed with the challenge's end, guarded by the code still being the one that matched.
 */
export function matchChallengeCode(
  channel: CodeChannel<string, unknown>,
  { userId, nonce, purpose, code, challenge, user }: CodeAttempt,
): CodeMatch | null {
  if (userField(user, channel.destinationField) === undefined) return null;
  if (!channel.codes.matches(challenge, code, { purpose, userId, scope: nonce })) return null;
  const name = channel.codes.fieldNames.code;
  return {
    kind: 'match',
    method: channel.method,
    ops: [],
    challengeMatch: { [name]: challenge[name] as string },
  };
}
