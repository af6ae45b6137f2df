import { z } from 'zod';
import { parseInput } from '../../core/validation.js';
import { parseChallengeId } from '../../methods/challenge-id.js';
import type { CodeMatch, MethodDemand } from '../../methods/proof.js';
import type { ProofMethod, ResponseProof } from '../../methods/registry.js';
import type { VerifyOptions } from '../../methods/verify-result.js';
import { storableDeviceLabel } from '../../services/trusted-device-store.js';
import type { Context } from '../context.js';
import { refreshKeys } from '../keys/refresh-keys.js';
import { finishChallenge } from './finish.js';
import {
  endBudget,
  type FailedProof,
  failed,
  refused,
  refusedEvent,
  type VerifyResult,
} from './verify-outcomes.js';

export type { VerifyOptions, VerifyResult };

/**
 * What `login.verify` takes as proof: a typed code (`'123456'` or `{ code }`: an app's, the email's,
 * a backup code or, at login, an admin-issued one), or a method's own response
 * (`{ method: 'webauthn', response }`: a security key's assertion).
 */
export type LoginProof = string | { code: string } | ResponseProof;

const verifyOptionsSchema = z
  .object({
    rememberDevice: z.boolean().optional(),
    // Sanitised, not refused: a login never fails for an odd user agent.
    deviceLabel: z.string().max(10_000).transform(storableDeviceLabel).optional(),
  })
  .optional();

/** The field of a challenge record that holds its demand for phishing resistance. */
export const PHISHING_RESISTANT_FIELD = 'phishingResistant';

/**
 * `login.verify`: one attempt on a challenge with a proof. Takes the attempt (challenge and account,
 * atomically) together with the read of the user's records the proof may need (one round trip),
 * refuses without evaluating while locked, evaluates the proof on the methods that take it (those
 * the challenge admits), and on a match ends the challenge in one atomic step (the second round
 * trip). A refused proof (a wrong code, a key refused) is a failed attempt.
 */
export function createVerify(ctx: Context) {
  return async (
    challengeId: string,
    proofInput: LoginProof,
    optionsInput?: VerifyOptions,
  ): Promise<VerifyResult> => {
    const proof = ctx.methods.parseProof(proofInput);
    const options = parseInput(verifyOptionsSchema, optionsInput, 'options') ?? {};
    const parsed = parseChallengeId(challengeId);
    if (!parsed) return { ok: false, reason: 'unknown-challenge' };
    const { userId, nonce, key, budget } = parsed;
    const policy = await ctx.policy();
    const now = ctx.now();
    const reads = ctx.methods.reads(userId, proof);
    // A step-up started with a session counts against its budget, never the account's sign-in lock.
    const taken = await ctx.limiter.take(key, userId, policy, { read: reads.keys, now, stepUp: budget });
    const { verdict } = taken;
    if (!verdict.ok) {
      await ctx.emit(refusedEvent(userId, verdict));
      if (verdict.reason === 'session-ended' && budget) return endBudget(ctx, userId, budget);
      return refused(verdict, now);
    }
    const purpose: 'login' | 'step-up' = verdict.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
    const demand: MethodDemand = { phishingResistant: verdict.fields[PHISHING_RESISTANT_FIELD] === '1' };
    const attempt = {
      userId,
      nonce,
      purpose,
      now,
      challenge: verdict.fields,
      user: reads.records(taken.read),
    };
    const match = await ctx.methods.match(attempt, proof, demand);
    if (match?.kind === 'replayed') await ctx.emit({ type: 'code.replayed', userId });
    if (match?.kind === 'refused') await ctx.emit({ ...match.event, userId });
    if (match?.kind !== 'match') {
      // A typed code that matched nothing names no method; a method's own response does.
      const failure: FailedProof =
        match?.kind === 'replayed'
          ? { reason: 'replayed' }
          : { reason: 'invalid', ...('method' in proof ? { method: proof.method } : {}) };
      return failed(ctx, userId, verdict, now, failure, budget);
    }
    // A registered method's id: the facade's types know the built-in ones.
    const proven = match as Extract<CodeMatch<ProofMethod>, { kind: 'match' }>;
    const result = await finishChallenge(ctx, {
      userId,
      key,
      budget,
      purpose,
      policy,
      verdict,
      match: proven,
      now,
      options,
    });
    // A secret read under an older key is sealed again under the current one (docs/keys.md).
    if (result.ok) await refreshKeys(ctx, reads.keys, taken.read);
    return result;
  };
}
