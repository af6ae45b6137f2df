import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { parseInput } from '../../core/validation.js';
import { storeKeys } from '../../store/keys.js';
import type { Context } from '../context.js';
import { parseChallengeId } from './challenge-id.js';
import { finishChallenge } from './finish.js';
import { failed, refused, type VerifyResult } from './verify-outcomes.js';

export type { VerifyResult };

const verifyOptionsSchema = z
  .object({ rememberDevice: z.boolean().optional(), deviceLabel: z.string().max(200).optional() })
  .optional();

/**
 * `login.verify`: takes one attempt (challenge and account, atomically) together with the read of
 * the user's records (one round trip), refuses without evaluating while locked, evaluates the code
 * against every method the registry knows, and on a match ends the challenge in one atomic step
 * (the second round trip).
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
    const reads = ctx.methods.reads(userId, code);
    const taken = await ctx.limiter.take(key, userId, policy, { read: reads.keys, now });
    const { verdict } = taken;
    if (!verdict.ok) return refused(verdict, now);
    const purpose = verdict.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
    const user = reads.records(taken.read);
    const match = ctx.methods.matchCode({
      userId,
      nonce,
      purpose,
      code,
      now,
      challenge: verdict.fields,
      user,
    });
    if (match?.kind === 'replayed') await ctx.emit({ type: 'code.replayed', userId });
    if (match?.kind !== 'match') return failed(ctx, userId, verdict, now);
    return finishChallenge(ctx, { userId, key, purpose, policy, verdict, match, now, options });
  };
}
