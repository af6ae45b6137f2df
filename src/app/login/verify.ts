import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { parseInput } from '../../core/validation.js';
import type { CodeMatch, Proof } from '../../methods/method-module.js';
import type { ProofMethod } from '../../methods/registry.js';
import {
  assertionResponseSchema,
  type WebauthnAssertionResponse,
} from '../../methods/webauthn/webauthn-json.js';
import { storableDeviceLabel } from '../../services/trusted-device-store.js';
import { storeKeys } from '../../store/keys.js';
import type { Context } from '../context.js';
import { refreshKeys } from '../keys/refresh-keys.js';
import { parseChallengeId } from './challenge-id.js';
import { finishChallenge } from './finish.js';
import {
  endBudget,
  type FailedProof,
  failed,
  refused,
  refusedEvent,
  SESSION_CLOSED,
  type SessionBinding,
  type SessionVerifyResult,
  type VerifyResult,
} from './verify-outcomes.js';

export type { VerifyResult };

/** Options of a verify: trust this browser (at login, when the policy allows it) under a label. */
export type VerifyOptions = { rememberDevice?: boolean | undefined; deviceLabel?: string | undefined };

const verifyOptionsSchema = z
  .object({
    rememberDevice: z.boolean().optional(),
    // Sanitised, not refused: a login never fails for an odd user agent.
    deviceLabel: z.string().max(10_000).transform(storableDeviceLabel).optional(),
  })
  .optional();

/**
 * One attempt on a challenge with a proof (a code or a security key's response): takes the attempt
 * (challenge and account, atomically) together with the read of the user's records the proof may
 * need (one round trip), refuses without evaluating while locked, evaluates the proof against every
 * method the registry knows, and on a match ends the challenge in one atomic step (the second
 * round trip). Bound to a session, the session's open check is read in the first round trip (and
 * refused there, before any evaluation) and a login's signed-in session opens in the second.
 */
async function verifyProof(
  ctx: Context,
  challengeId: string,
  proof: Proof,
  optionsInput: VerifyOptions | undefined,
  session: null,
): Promise<VerifyResult>;
async function verifyProof(
  ctx: Context,
  challengeId: string,
  proof: Proof,
  optionsInput: VerifyOptions | undefined,
  session: SessionBinding,
): Promise<SessionVerifyResult>;
async function verifyProof(
  ctx: Context,
  challengeId: string,
  proof: Proof,
  optionsInput: VerifyOptions | undefined,
  session: SessionBinding | null,
): Promise<SessionVerifyResult> {
  const options = parseInput(verifyOptionsSchema, optionsInput, 'options') ?? {};
  const parsed = parseChallengeId(challengeId);
  if (!parsed) return { ok: false, reason: 'unknown-challenge' };
  const { userId, nonce, key, budget } = parsed;
  const policy = await ctx.policy();
  const now = ctx.now();
  const reads = ctx.methods.reads(userId, proof);
  // Named under the challenge's user: a session of another user reads as closed.
  const sessionKeys = session ? ctx.sessions.checkKeys(userId, session.key) : [];
  // The browser to trust on success is recorded beside the others: their record, read now.
  const devicesKeys = options.rememberDevice ? [storeKeys.devices(userId)] : [];
  // A step-up started with a session counts against its budget, never the account's sign-in lock.
  const taken = await ctx.limiter.take(key, userId, policy, {
    read: [...reads.keys, ...sessionKeys, ...devicesKeys],
    now,
    stepUp: budget,
  });
  const { verdict } = taken;
  if (!verdict.ok) {
    await ctx.emit(refusedEvent(userId, verdict));
    if (verdict.reason === 'session-ended' && budget) return endBudget(ctx, userId, budget);
    return refused(verdict, now);
  }
  // Closed before this attempt: refused before the proof is evaluated (the attempt stays counted).
  const sessionRead = taken.read.slice(reads.keys.length, reads.keys.length + sessionKeys.length);
  if (session && !ctx.sessions.openIn(sessionRead)) return SESSION_CLOSED;
  const devices = options.rememberDevice
    ? { record: taken.read[reads.keys.length + sessionKeys.length] ?? null }
    : undefined;
  const purpose = verdict.fields['purpose'] === 'step-up' ? 'step-up' : 'login';
  const attempt = {
    userId,
    nonce,
    purpose,
    now,
    challenge: verdict.fields,
    user: reads.records(taken.read),
  } as const;
  const match: CodeMatch<ProofMethod> | null =
    'code' in proof
      ? await ctx.methods.matchCode({ ...attempt, code: proof.code })
      : await ctx.methods.matchResponse({ ...attempt, response: proof.response });
  if (match?.kind === 'replayed') await ctx.emit({ type: 'code.replayed', userId });
  if (match?.kind === 'counter-regressed') {
    await ctx.emit({
      type: 'webauthn.counter-regressed',
      userId,
      detail: { credentialId: match.credentialId },
    });
  }
  if (match?.kind !== 'match') {
    // A typed code that matched nothing names no method; a security key's response does.
    const failure: FailedProof =
      match?.kind === 'replayed'
        ? { reason: 'replayed' }
        : { reason: 'invalid', ...('code' in proof ? {} : { method: 'webauthn' }) };
    return failed(ctx, userId, verdict, now, failure, budget);
  }
  const result = await finishChallenge(ctx, {
    userId,
    key,
    budget,
    purpose,
    policy,
    verdict,
    match,
    now,
    options,
    session,
    devices,
  });
  // A secret read under an older key is sealed again under the current one (docs/keys.md).
  if (result.ok) await refreshKeys(ctx, reads.keys, taken.read);
  return result;
}

/** A typed code as a proof; anything but a string of at most 256 characters is bad input. */
function codeProof(code: unknown): { code: string } {
  if (typeof code !== 'string') throw new InvalidInputError('code', 'must be a string');
  if (code.length > 256) throw new InvalidInputError('code', 'is too long');
  return { code };
}

/** `login.verify`: a typed code (an app's, the email's, a backup code or, at login, an admin-issued one). */
export function createVerify(ctx: Context) {
  return async (challengeId: string, code: string, options?: VerifyOptions): Promise<VerifyResult> =>
    verifyProof(ctx, challengeId, codeProof(code), options, null);
}

/**
 * `login.verifyWebauthn`: a security key's assertion (from `navigator.credentials.get()`), ending
 * the challenge exactly as a code does; a refused assertion is a failed attempt.
 */
export function createVerifyWebauthn(ctx: Context) {
  return async (
    challengeId: string,
    responseInput: WebauthnAssertionResponse,
    options?: VerifyOptions,
  ): Promise<VerifyResult> => {
    const response = parseInput(assertionResponseSchema, responseInput, 'response');
    return verifyProof(ctx, challengeId, { response }, options, null);
  };
}

/**
 * A verify bound to the session it comes from (the HTTP layer's): `login.verify` or
 * `login.verifyWebauthn` as the proof says, with the session's check and, at a login, the signed-in
 * session in the same two round trips.
 */
export async function verifyInSession(
  ctx: Context,
  challengeId: string,
  proof: { code: string } | { response: WebauthnAssertionResponse },
  options: VerifyOptions,
  session: SessionBinding,
): Promise<SessionVerifyResult> {
  if ('code' in proof) return verifyProof(ctx, challengeId, codeProof(proof.code), options, session);
  const response = parseInput(assertionResponseSchema, proof.response, 'response');
  return verifyProof(ctx, challengeId, { response }, options, session);
}
