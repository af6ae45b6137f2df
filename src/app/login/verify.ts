import { z } from 'zod';
import { parseInput } from '../../core/validation.js';
import { parseChallengeId } from '../../methods/challenge-id.js';
import type { CodeMatch, MethodDemand } from '../../methods/proof.js';
import type { ProofMethod, ResponseProof } from '../../methods/registry.js';
import type { VerifyOptions } from '../../methods/verify-result.js';
import { storableDeviceLabel } from '../../services/trusted-device-store.js';
import { storeKeys } from '../../store/keys.js';
import type { Context } from '../context.js';
import { refreshKeys } from '../keys/refresh-keys.js';
import { proofCounts } from '../method-rules.js';
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

const NO_OPTIONS: NonNullable<z.output<typeof verifyOptionsSchema>> = Object.freeze({});

/** A plain object without a property of its own: what the options' schema parses to `{}` anyway. */
const isEmptyObject = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  Object.getPrototypeOf(value) === Object.prototype &&
  Reflect.ownKeys(value).length === 0;

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
  return (challengeId: string, proofInput: LoginProof, optionsInput?: VerifyOptions): Promise<VerifyResult> =>
    verifyProof(ctx, challengeId, proofInput, optionsInput, null);
}

/**
 * `login.verify` bound to the session it comes from (the HTTP layer's): the session's open check is
 * read in the first round trip (and refused there, before any evaluation) and a login's signed-in
 * session opens in the second.
 */
export function verifyInSession(
  ctx: Context,
  challengeId: string,
  proofInput: LoginProof,
  optionsInput: VerifyOptions,
  session: SessionBinding,
): Promise<SessionVerifyResult> {
  return verifyProof(ctx, challengeId, proofInput, optionsInput, session);
}

async function verifyProof(
  ctx: Context,
  challengeId: string,
  proofInput: LoginProof,
  optionsInput: VerifyOptions | undefined,
  session: null,
): Promise<VerifyResult>;
async function verifyProof(
  ctx: Context,
  challengeId: string,
  proofInput: LoginProof,
  optionsInput: VerifyOptions | undefined,
  session: SessionBinding,
): Promise<SessionVerifyResult>;
async function verifyProof(
  ctx: Context,
  challengeId: string,
  proofInput: LoginProof,
  optionsInput: VerifyOptions | undefined,
  session: SessionBinding | null,
): Promise<SessionVerifyResult> {
  const proof = ctx.methods.parseProof(proofInput);
  // No options (most calls, the HTTP layer's without a browser to trust): nothing to validate.
  const options =
    optionsInput === undefined || isEmptyObject(optionsInput)
      ? NO_OPTIONS
      : (parseInput(verifyOptionsSchema, optionsInput, 'options') ?? {});
  const parsed = parseChallengeId(challengeId);
  if (!parsed) return { ok: false, reason: 'unknown-challenge' };
  const { userId, nonce, key, budget } = parsed;
  const policy = await ctx.policy({ userId });
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
  const found = ctx.methods.match(attempt, proof, demand);
  // A typed code is most often answered at once: no await (a promise, a turn) when it is.
  const match = found instanceof Promise ? await found : found;
  if (match?.kind === 'replayed') await ctx.emit({ type: 'code.replayed', userId });
  if (match?.kind === 'refused') await ctx.emit({ ...match.event, userId });
  // A forbidden method's proof fails exactly as a wrong code does (and costs the attempt).
  const counts = match?.kind === 'match' && proofCounts(ctx, policy, verdict.fields, match.method);
  if (match?.kind !== 'match' || !counts) {
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
    session,
    sessionsFrom: sessionRead[1] ?? null,
    devices,
  });
  // A secret read under an older key is sealed again under the current one (docs/keys.md).
  const moving = result.ok ? refreshKeys(ctx, userId, reads.keys, taken.read) : undefined;
  if (moving) await moving;
  return result;
}
