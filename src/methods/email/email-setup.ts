import { z } from 'zod';
import { parseInput, userIdSchema } from '../../core/validation.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { requiredField } from '../../store/record-fields.js';
import type { Fields } from '../../store/store.js';
import type { MethodContext } from '../context.js';
import { commitEnable, type SetupResult } from '../enable.js';
import { setupVerdict } from '../setup-verdict.js';
import { emailAddressSchema, maskEmail } from './email-address.js';
import { deliverOrVoid, refusedSend, type SendCodeResult } from './email-delivery.js';

/** The email part of the facade. */
export interface EmailApi {
  /** Sends a six-digit code to `address`; the method is enabled once the code is confirmed. */
  beginSetup(userId: string, address: string): Promise<SendCodeResult>;
  /** Confirms the emailed code; enables email authentication. */
  confirmSetup(userId: string, code: string): Promise<SetupResult>;
}

const SETUP_SCOPE = 'email-setup';

export function createEmailApi(ctx: MethodContext): EmailApi {
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
      if (!result.ok) return refusedSend(ctx, userId, 'setup', result);
      await deliverOrVoid(ctx, { userId, key, fields, to: address, code, purpose: 'setup', expiresAt });
      await ctx.emit({
        type: 'email.setup-started',
        userId,
        detail: { sentTo: maskEmail(address), purpose: 'setup' },
      });
      return { ok: true, sentTo: maskEmail(address), expiresAt };
    },

    async confirmSetup(userIdInput, code) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      parseInput(z.string().max(256), code, 'code');
      const policy = await ctx.policy();
      const key = storeKeys.emailPending(userId);
      // One round trip: take the attempt and read the user's records in the same step.
      const reads = ctx.methods.reads(userId);
      const taken = await ctx.limiter.take(key, null, policy, { read: reads.keys });
      const { verdict } = taken;
      if (!verdict.ok) return setupVerdict(verdict);
      const binding = { purpose: 'setup' as const, userId, scope: SETUP_SCOPE };
      if (!ctx.emailCodes.matches(verdict.fields, code, binding)) return setupVerdict(verdict, ctx.now());
      const address = requiredField(verdict.fields, 'address', 'email-pending');
      const enabled = await commitEnable(ctx, userId, 'email', reads.records(taken.read), {
        take: { type: 'take', key, match: { code: requiredField(verdict.fields, 'code', 'email-pending') } },
        fields: { [userFields.email]: address, [userFields.emailAt]: String(ctx.now()) },
      });
      if (!enabled.ok && enabled.pendingGone) return { ok: false, reason: 'no-pending-setup' };
      if (!enabled.ok) return { ok: false, reason: 'invalid-code', attemptsLeft: verdict.attemptsLeft };
      await ctx.emit({ type: 'email.enabled', userId, detail: { address: maskEmail(address) } });
      return enabled;
    },
  };
}
