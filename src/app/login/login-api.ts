import { z } from 'zod';
import { type ChallengeMethod, decideLogin, trustDays } from '../../core/policy.js';
import { randomToken } from '../../core/random.js';
import { parseInput } from '../../core/validation.js';
import { storeKeys, userTag } from '../../store/keys.js';
import type { Context } from '../context.js';
import { deliverOrVoid, sendRetryAt } from '../email-setup.js';
import { loadUser, maskEmail, userIdSchema } from '../user-state.js';
import { parseChallengeId } from './challenge-id.js';
import { createVerify, type VerifyResult } from './verify.js';

const DAY_MS = 86_400_000;

export type { VerifyResult };

/** Challenge records outlive their deadline this long, so a late verify says `expired`, not `unknown-challenge`. */
const CHALLENGE_GRACE_MS = 3_600_000;

/** What `login.start` decides. */
export type LoginStart =
  | { status: 'not-required' }
  | { status: 'setup-required' }
  | { status: 'trusted-device'; deviceId: string }
  | { status: 'challenge'; challengeId: string; methods: ChallengeMethod[]; expiresAt: number };

/** What `login.sendEmailCode` answers. */
export type SendEmailCodeResult =
  | { ok: true; sentTo: string; expiresAt: number }
  | { ok: false; reason: 'cooldown' | 'no-email' | 'challenge-ended'; retryAt?: number };

/** The "Input Authentication Code" step. */
export interface LoginApi {
  /**
   * After the password: whether to ask for a code. `stepUp` always asks (re-verification before a
   * sensitive change), ignoring trusted browsers, and never accepts an admin-issued code.
   */
  start(
    userId: string,
    options?: { deviceToken?: string | undefined; stepUp?: boolean | undefined },
  ): Promise<LoginStart>;
  sendEmailCode(challengeId: string): Promise<SendEmailCodeResult>;
  verify(
    challengeId: string,
    code: string,
    options?: { rememberDevice?: boolean | undefined; deviceLabel?: string | undefined },
  ): Promise<VerifyResult>;
}

const startOptionsSchema = z
  .object({ deviceToken: z.string().max(256).optional(), stepUp: z.boolean().optional() })
  .optional();
export function createLoginApi(ctx: Context): LoginApi {
  return {
    async start(userIdInput, optionsInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const options = parseInput(startOptionsSchema, optionsInput, 'options') ?? {};
      const [policy, user] = await Promise.all([ctx.policy({ fresh: true }), loadUser(ctx, userId)]);
      const days = trustDays(policy);
      const device =
        days !== null && options.deviceToken && !options.stepUp
          ? await ctx.devices.check(userId, options.deviceToken)
          : null;
      const now = ctx.now();
      const deviceTrusted =
        device !== null &&
        device.createdAt > policy.devicesTrustedFrom &&
        now < device.createdAt + (days ?? 0) * DAY_MS;
      const decision = decideLogin(
        policy,
        {
          totp: Boolean(user.totp),
          email: Boolean(user.email),
          backupCodesRemaining: ctx.vault.remaining(user.backupCodes?.fields ?? null),
        },
        deviceTrusted,
        { stepUp: options.stepUp ?? false },
      );
      if (decision.status === 'trusted-device') return { status: 'trusted-device', deviceId: device!.id };
      if (decision.status !== 'challenge') return decision;
      const nonce = randomToken(ctx.random, 16);
      const deadline = now + policy.challengeTtlMs;
      const purpose = options.stepUp ? 'step-up' : 'login';
      await ctx.store.commit(
        [
          {
            type: 'put',
            key: storeKeys.challenge(userId, nonce),
            fields: {
              purpose,
              methods: decision.methods.join(','),
              deadline: String(deadline),
              attempts: '0',
              lockedUntil: '0',
            },
            expiresAt: deadline + CHALLENGE_GRACE_MS,
          },
        ],
        now,
      );
      await ctx.emit({ type: 'challenge.started', userId, detail: { purpose } });
      return {
        status: 'challenge',
        challengeId: `${userTag(userId)}.${nonce}`,
        methods: decision.methods,
        expiresAt: deadline,
      };
    },

    async sendEmailCode(challengeId) {
      const parsed = parseChallengeId(challengeId);
      if (!parsed) return { ok: false, reason: 'challenge-ended' };
      const { userId, nonce } = parsed;
      const key = storeKeys.challenge(userId, nonce);
      const now = ctx.now();
      const [policy, [challenge, email]] = await Promise.all([
        ctx.policy(),
        ctx.store.getMany([key, storeKeys.email(userId)], now),
      ]);
      if (!challenge || challenge.fields['ended'] || now >= Number(challenge.fields['deadline']))
        return { ok: false, reason: 'challenge-ended' };
      const address = email?.fields['address'];
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
        return {
          ok: false,
          reason: 'cooldown',
          retryAt: sendRetryAt(result.fields, result.expiresAt, result.reason),
        };
      }
      await deliverOrVoid(ctx, { key, fields, to: address, code, purpose, expiresAt });
      await ctx.emit({ type: 'email.code-sent', userId, detail: { purpose, sentTo: maskEmail(address) } });
      return { ok: true, sentTo: maskEmail(address), expiresAt };
    },
    verify: createVerify(ctx),
  };
}
