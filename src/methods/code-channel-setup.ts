import { z } from 'zod';
import { parseInput, userIdSchema } from '../core/validation.js';
import { requiredField } from '../store/record-fields.js';
import type { Fields } from '../store/store.js';
import { type CodeChannel, deliverOrVoid, refusedSend, type SentCodeResult } from './code-channel.js';
import type { MethodContext } from './context.js';
import { enableInSession, refusedSetup, type SetupResult } from './enable.js';
import { type SessionSetupResult, takeSetupAttempt } from './setup-attempt.js';
import type { SetupSession } from './setup-session.js';
import { setupVerdict } from './setup-verdict.js';

/** The scope a setup's code is bound to. */
const setupScope = (channel: CodeChannel<string, unknown>) => `${channel.method}-setup`;

/**
 * Sends a code to `destination` (validated and normalised by the caller); the method is enabled
 * once the code is confirmed. Within the send budget; a failed delivery voids the code.
 */
export async function beginCodeSetup<Extra>(
  ctx: MethodContext,
  channel: CodeChannel<string, Extra>,
  userId: string,
  destination: string,
  extra: Extra,
): Promise<SentCodeResult<never>> {
  const policy = await ctx.policy({ userId });
  const limits = channel.limits(policy);
  const now = ctx.now();
  const expiresAt = now + limits.ttlMs;
  const code = channel.codes.generateCode();
  const binding = { purpose: 'setup' as const, userId, scope: setupScope(channel) };
  const fields: Fields = {
    ...channel.codes.codeFields(code, binding, expiresAt),
    [channel.detailName]: destination,
    deadline: String(expiresAt),
  };
  const key = channel.pendingKey(userId);
  const result = await ctx.store.commit(
    [
      channel.codes.sendLimitOp(userId, limits),
      { type: 'put', key, fields, expiresAt: expiresAt + policy.attempts.lockMs * 2 },
    ],
    now,
  );
  if (!result.ok) return refusedSend(ctx, channel, userId, 'setup', result);
  await deliverOrVoid(ctx, channel, {
    userId,
    key,
    fields,
    to: destination,
    code,
    purpose: 'setup',
    expiresAt,
    extra,
  });
  const sentTo = channel.mask(destination);
  await ctx.emit({ type: `${channel.method}.setup-started`, userId, detail: { sentTo, purpose: 'setup' } });
  return { ok: true, sentTo, expiresAt };
}

/** Confirms the code a setup sent; enables the method (the first factor brings backup codes). */
export function confirmCodeSetup(
  ctx: MethodContext,
  channel: CodeChannel<string, unknown>,
  userId: string,
  code: string,
): Promise<SetupResult> {
  return confirmCodeSetupIn(ctx, channel, userId, code, null) as Promise<SetupResult>;
}

/**
 * {@link confirmCodeSetup}, bound to `session` when it comes from one (the HTTP layer's): see
 * `takeSetupAttempt`.
 */
export async function confirmCodeSetupIn(
  ctx: MethodContext,
  channel: CodeChannel<string, unknown>,
  userIdInput: string,
  code: string,
  session: SetupSession | null,
): Promise<SessionSetupResult> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  parseInput(z.string().max(256), code, 'code');
  const key = channel.pendingKey(userId);
  // One round trip: take the attempt and read the user's records (and the session's) in the same step.
  const taken = await takeSetupAttempt(ctx, userId, key, session);
  if (!taken.ok) return taken.result;
  const { verdict } = taken;
  const binding = { purpose: 'setup' as const, userId, scope: setupScope(channel) };
  if (!channel.codes.matches(verdict.fields, code, binding)) return setupVerdict(verdict, ctx.now());
  const pending = `${channel.method}-pending`;
  const destination = requiredField(verdict.fields, channel.detailName, pending);
  const stored = requiredField(verdict.fields, channel.codes.fieldNames.code, pending);
  const write = {
    take: { type: 'take', key, match: { [channel.codes.fieldNames.code]: stored } },
    fields: { [channel.destinationField]: destination, [channel.enabledAtField]: String(ctx.now()) },
  } as const;
  const enabled = await enableInSession(ctx, userId, channel.method, taken.user, write, taken.bound);
  if (!enabled.ok) return refusedSetup(enabled, verdict.attemptsLeft);
  const detail = { [channel.detailName]: channel.mask(destination) };
  await ctx.emit({ type: `${channel.method}.enabled`, userId, detail });
  return enabled;
}
