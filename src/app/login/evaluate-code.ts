import { safeEqual } from '../../core/keyring.js';
import { storeKeys } from '../../store/keys.js';
import type { Fields, StoreOp } from '../../store/store.js';
import { adminCodeContext } from '../admin.js';
import type { Context } from '../context.js';
import { lastStep, totpSealContext, type UserRecords } from '../user-state.js';

/** Which method a typed code proves, and the ops that consume it. */
export interface CodeMatch {
  method: 'totp' | 'email' | 'backup-code' | 'admin-code' | null;
  /** Ops that make the match single-use (committed with the challenge's end). */
  ops: StoreOp[];
  /** Fields the challenge must still hold (the email code that matched). */
  challengeMatch?: Fields;
  /** A TOTP code that matched a step already used. */
  replayed: boolean;
}

interface EvaluateInput {
  userId: string;
  nonce: string;
  purpose: 'login' | 'step-up';
  code: string;
  now: number;
  challenge: Fields;
  user: UserRecords;
}

const NONE: CodeMatch = { method: null, ops: [], replayed: false };

function matchSixDigits(ctx: Context, input: EvaluateInput): CodeMatch {
  const { user, userId, code, now } = input;
  if (user.totp) {
    const secret = ctx.keyring.open(user.totp.fields['secret'] as string, totpSealContext(userId));
    const afterStep = lastStep(user);
    const hit = ctx.totp.verifyCode(secret, code, now, afterStep === undefined ? undefined : { afterStep });
    if (hit.ok) {
      return {
        method: 'totp',
        ops: [
          {
            type: 'advance',
            key: storeKeys.totpStep(userId),
            field: 'step',
            value: hit.step,
            expiresAt: null,
          },
        ],
        replayed: false,
      };
    }
    if (afterStep !== undefined && ctx.totp.verifyCode(secret, code, now).ok)
      return { ...NONE, replayed: true };
  }
  if (
    user.email &&
    ctx.emailCodes.matches(input.challenge, code, { purpose: input.purpose, userId, scope: input.nonce })
  ) {
    return {
      method: 'email',
      ops: [],
      challengeMatch: { code: input.challenge['code'] as string },
      replayed: false,
    };
  }
  return NONE;
}

function matchLongCode(ctx: Context, input: EvaluateInput): CodeMatch {
  const { user, userId } = input;
  const canonical = ctx.vault.normalize(input.code);
  if (canonical === null) return NONE;
  const admin = user.adminCode?.fields;
  if (admin && input.purpose === 'login') {
    const hash = ctx.keyring.hash(canonical, adminCodeContext(userId), admin['kid']);
    if (hash !== null && safeEqual(hash, admin['code'] ?? '')) {
      return {
        method: 'admin-code',
        ops: [{ type: 'take', key: storeKeys.adminCode(userId), match: { code: hash } }],
        replayed: false,
      };
    }
  }
  if (user.totp || user.email) {
    const redeem = ctx.vault.redeemOp(userId, canonical, user.backupCodes?.fields ?? null);
    if (redeem) return { method: 'backup-code', ops: [redeem], replayed: false };
  }
  return NONE;
}

/** Evaluates a typed code against every method the user has (pure apart from decrypting the TOTP secret). */
export function evaluateCode(ctx: Context, input: EvaluateInput): CodeMatch {
  if (/^[\d ]+$/.test(input.code)) return matchSixDigits(ctx, input);
  return matchLongCode(ctx, input);
}
