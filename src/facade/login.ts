import { z } from 'zod';
import { type AttemptVerdict, lockMessage } from '../attempt-limiter.js';
import { InvalidInputError } from '../errors.js';
import { type ChallengeMethod, decideLogin, trustDays } from '../policy.js';
import { randomToken } from '../random.js';
import { storeKeys, userIdFromTag, userTag } from '../store-keys.js';
import { parseInput } from '../validation.js';
import type { Context } from './context.js';
import { deliverOrVoid, sendRetryAt } from './email-method.js';
import { evaluateCode } from './evaluate-code.js';
import { userIdSchema } from './totp-method.js';
import { loadUser, maskEmail } from './user-state.js';

const DAY_MS = 86_400_000;
/** Challenge records outlive their deadline this long, so a late verify says `expired`, not `unknown-challenge`. */
const CHALLENGE_GRACE_MS = 3_600_000;

/** What `login.start` decides. */
export type LoginStart =
  | { status: 'not-required' }
  | { status: 'setup-required' }
  | { status: 'trusted-device'; deviceId: string }
  | { status: 'challenge'; challengeId: string; methods: ChallengeMethod[]; expiresAt: number };

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
const verifyOptionsSchema = z
  .object({ rememberDevice: z.boolean().optional(), deviceLabel: z.string().max(200).optional() })
  .optional();

/** A challenge id is `<user tag>.<128-bit nonce>`: the user is known before any store access. */
export function parseChallengeId(challengeId: unknown): { userId: string; nonce: string } | null {
  if (typeof challengeId !== 'string' || challengeId.length > 1024) return null;
  const dot = challengeId.lastIndexOf('.');
  const nonce = challengeId.slice(dot + 1);
  if (dot < 1 || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) return null;
  const userId = userIdFromTag(challengeId.slice(0, dot));
  return userId === null ? null : { userId, nonce };
}

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
          adminCode: Boolean(user.adminCode) && !options.stepUp,
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

    async verify(challengeId, code, optionsInput) {
      if (typeof code !== 'string') throw new InvalidInputError('code', 'must be a string');
      if (code.length > 256) throw new InvalidInputError('code', 'is too long');
      const options = parseInput(verifyOptionsSchema, optionsInput, 'options') ?? {};
      const parsed = parseChallengeId(challengeId);
      if (!parsed) return { ok: false, reason: 'unknown-challenge' };
      const { userId, nonce } = parsed;
      const key = storeKeys.challenge(userId, nonce);
      const policy = await ctx.policy();
      const now = ctx.now();
      const [attempt, user] = await Promise.all([
        ctx.store.commit(ctx.limiter.takeOps(key, userId, policy), now),
        loadUser(ctx, userId),
      ]);
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
    },
  };
}
