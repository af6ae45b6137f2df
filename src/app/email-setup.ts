import { z } from 'zod';
import { FactorkitError } from '../core/errors.js';
import { parseInput } from '../core/validation.js';
import { storeKeys } from '../store/keys.js';
import type { Fields } from '../store/store.js';
import type { Context } from './context.js';
import { commitEnable, type SetupResult } from './enable-method.js';
import { setupVerdict } from './setup-verdict.js';
import { maskEmail, userIdSchema, userKeys, userRecords } from './user-state.js';

/** Validates and normalises an address: trimmed, domain in lower case. */
export const emailAddressSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((address) => {
    const at = address.lastIndexOf('@');
    return address.slice(0, at) + address.slice(at).toLowerCase();
  });

/** Outcome of sending a code: when refused, when the next send is allowed. */
export type SendResult =
  | { ok: true; sentTo: string; expiresAt: number }
  | { ok: false; reason: 'cooldown'; retryAt: number };

/** The email part of the facade. */
export interface EmailApi {
  /** Sends a six-digit code to `address`; the method is enabled once the code is confirmed. */
  beginSetup(userId: string, address: string): Promise<SendResult>;
  /** Confirms the emailed code; enables email authentication. */
  confirmSetup(userId: string, code: string): Promise<SetupResult>;
}

const SETUP_SCOPE = 'email-setup';

/** Sends a stored code, voiding it when the mailer fails. Shared by setup and login. */
export async function deliverOrVoid(
  ctx: Context,
  input: {
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
    throw error;
  }
}

/** The retry time of a refused send: the cooldown's end, or the hourly window's end. */
export function sendRetryAt(fields: Fields | null, expiresAt: number | null, reason: string): number {
  if (reason === 'locked') return Number(fields?.['lockedUntil'] ?? 0);
  return expiresAt ?? 0;
}

export function createEmailApi(ctx: Context): EmailApi {
  return {
    async beginSetup(userIdInput, addressInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const address = parseInput(emailAddressSchema, addressInput, 'address');
      const policy = await ctx.policy();
      const now = ctx.now();
      const expiresAt = now + policy.emailCodeTtlMs;
      const code = ctx.emailCodes.generateCode();
      const binding = { purpose: 'setup' as const, userId, scope: SETUP_SCOPE };
      const fields: Fields = {
        ...ctx.emailCodes.codeFields(code, binding, expiresAt),
        address,
        deadline: String(expiresAt),
      };
      const key = storeKeys.emailPending(userId);
      const result = await ctx.store.commit(
        [
          ctx.emailCodes.sendLimitOp(userId, {
            cooldownMs: policy.emailResendCooldownMs,
            perHour: policy.emailSendsPerHour,
          }),
          { type: 'put', key, fields, expiresAt: expiresAt + policy.attempts.lockMs * 2 },
        ],
        now,
      );
      if (!result.ok)
        return {
          ok: false,
          reason: 'cooldown',
          retryAt: sendRetryAt(result.fields, result.expiresAt, result.reason),
        };
      await deliverOrVoid(ctx, { key, fields, to: address, code, purpose: 'setup', expiresAt });
      await ctx.emit({ type: 'email.setup-started', userId, detail: { sentTo: maskEmail(address) } });
      return { ok: true, sentTo: maskEmail(address), expiresAt };
    },

    async confirmSetup(userIdInput, code) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      parseInput(z.string().max(256), code, 'code');
      const policy = await ctx.policy();
      const key = storeKeys.emailPending(userId);
      const now = ctx.now();
      // One round trip: take the attempt and read the user's records in the same step.
      const attempt = await ctx.store.commit(ctx.limiter.takeOps(key, null, policy), now, userKeys(userId));
      const user = userRecords(attempt.ok ? attempt.read : undefined);
      const verdict = ctx.limiter.interpret(attempt, policy, now);
      if (!verdict.allowed) return setupVerdict(verdict);
      const binding = { purpose: 'setup' as const, userId, scope: SETUP_SCOPE };
      if (!ctx.emailCodes.matches(verdict.fields, code, binding)) return setupVerdict(verdict, now);
      const address = verdict.fields['address'];
      if (!address) throw new FactorkitError('INVALID_INPUT', 'pending email setup has no address');
      const enabled = await commitEnable(ctx, userId, 'email', user, [
        { type: 'take', key, match: { code: verdict.fields['code'] as string } },
        {
          type: 'put',
          key: storeKeys.email(userId),
          fields: { address, enabledAt: String(now) },
          expiresAt: null,
        },
      ]);
      if (!enabled.ok && enabled.pendingGone) return { ok: false, reason: 'no-pending-setup' };
      if (!enabled.ok) return { ok: false, reason: 'invalid-code', attemptsLeft: verdict.attemptsLeft };
      await ctx.emit({ type: 'email.enabled', userId, detail: { address: maskEmail(address) } });
      return enabled;
    },
  };
}
