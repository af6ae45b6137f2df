import { maskEmail } from '../../methods/email/email-address.js';
import { deliverOrVoid, refusedSend, type SendCodeResult } from '../../methods/email/email-delivery.js';
import { userField } from '../../methods/method-module.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { Context } from '../context.js';
import { parseChallengeId } from './challenge-id.js';

/** `login.sendEmailCode`: a new code for the challenge (voiding the last), within the send budget. */
export function createSendEmailCode(ctx: Context) {
  return async (challengeId: string): Promise<SendCodeResult> => {
    const parsed = parseChallengeId(challengeId);
    if (!parsed) return { ok: false, reason: 'unknown-challenge' };
    const { userId, nonce, key } = parsed;
    const now = ctx.now();
    const [policy, [challenge, user]] = await Promise.all([
      ctx.policy(),
      ctx.store.getMany([key, storeKeys.user(userId)], now),
    ]);
    if (!challenge) return { ok: false, reason: 'unknown-challenge' };
    if (challenge.fields['ended'] !== undefined) return { ok: false, reason: 'challenge-ended' };
    if (now >= Number(challenge.fields['deadline'])) return { ok: false, reason: 'expired' };
    const address = userField({ user: user ?? null }, userFields.email);
    if (!address) return { ok: false, reason: 'no-email' };
    const purpose = challenge.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
    const code = ctx.emailCodes.generateCode();
    const expiresAt = now + policy.emailCodeTtlMs;
    const fields = ctx.emailCodes.codeFields(code, { purpose, userId, scope: nonce }, expiresAt);
    const result = await ctx.store.commit(
      [
        { type: 'merge', key, fields, absent: ['ended'] },
        ctx.emailCodes.sendLimitOp(userId, {
          cooldownMs: policy.emailResendCooldownMs,
          perHour: policy.emailSendsPerHour,
        }),
      ],
      now,
    );
    if (!result.ok) {
      if (result.index === 0) return { ok: false, reason: 'challenge-ended' };
      return refusedSend(ctx, userId, purpose, result);
    }
    await deliverOrVoid(ctx, { userId, key, fields, to: address, code, purpose, expiresAt });
    await ctx.emit({ type: 'email.code-sent', userId, detail: { purpose, sentTo: maskEmail(address) } });
    return { ok: true, sentTo: maskEmail(address), expiresAt };
  };
}
