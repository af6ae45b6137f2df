import { z } from 'zod';
import { decideLogin } from '../../core/policy/decide-login.js';
import { trustDays } from '../../core/policy/policy-schema.js';
import { randomToken } from '../../core/random.js';
import { parseInput, userIdSchema } from '../../core/validation.js';
import type { ChallengeMethod } from '../../methods/registry.js';
import type { WebauthnRequestOptions } from '../../methods/webauthn/webauthn-json.js';
import { sessionRef } from '../../store/keys.js';
import type { Context } from '../context.js';
import { challengeIdOf, challengeKeyOf } from './challenge-id.js';

const DAY_MS = 86_400_000;
/** Challenge records outlive their deadline this long, so a late verify says `expired`, not `unknown-challenge`. */
const CHALLENGE_GRACE_MS = 3_600_000;

/** What `login.start` decides (a decision, not a success or failure: hence `status`). */
export type LoginStart =
  | { status: 'not-required' }
  | { status: 'setup-required' }
  | { status: 'trusted-device'; deviceId: string }
  | {
      status: 'challenge';
      challengeId: string;
      methods: ChallengeMethod[];
      expiresAt: number;
      /** When `webauthn` is offered: the options for `navigator.credentials.get()` (5 minutes). */
      webauthnOptions?: WebauthnRequestOptions;
    };

const token = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a key factorkit issued');
const startOptionsSchema = z
  .object({
    deviceToken: z.string().max(256).optional(),
    stepUp: z.boolean().optional(),
    session: token.optional(),
    deviceId: token.optional(),
  })
  .optional();

/** Options of `login.start`. */
export interface StartOptions {
  /** The trusted-browser cookie's token (a login on a trusted browser asks for no code). */
  deviceToken?: string | undefined;
  /** A re-verification of a signed-in user: always asks, never takes an admin-issued code. */
  stepUp?: boolean | undefined;
  /**
   * For a step-up: the session's key (`sessions.open` gave it). Its wrong codes then count against
   * that session (5, then it ends), never against the account's sign-in lock; without it they count
   * against the account, as a login's do.
   */
  session?: string | undefined;
  /**
   * For a step-up in a session a trusted browser opened without a second factor: the browser's
   * device id. Its wrong codes count against that browser across all the sessions it opens (5, then
   * it is forgotten), so the password and the cookie cannot buy guesses by opening more sessions.
   */
  deviceId?: string | undefined;
}

/** Who counts a step-up's wrong codes, as its challenge id names it (null: the account). */
function budgetOf(options: z.output<typeof startOptionsSchema>): string | null {
  if (!options?.stepUp || options.session === undefined) return null;
  return options.deviceId === undefined ? `s${sessionRef(options.session)}` : `d${options.deviceId}`;
}

/** `login.start`: reads the policy and the user, checks the trusted browser, opens a challenge. */
export function createStart(ctx: Context) {
  return async (userIdInput: string, optionsInput?: StartOptions): Promise<LoginStart> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const options = parseInput(startOptionsSchema, optionsInput, 'options') ?? {};
    const [policy, user] = await Promise.all([ctx.policy({ fresh: true }), ctx.methods.loadUser(userId)]);
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
    const decision = decideLogin(policy, ctx.methods.offered(user), deviceTrusted, {
      stepUp: options.stepUp ?? false,
    });
    if (decision.status === 'trusted-device') return { status: 'trusted-device', deviceId: device!.id };
    if (decision.status !== 'challenge') return decision;
    const nonce = randomToken(ctx.random, 16);
    const deadline = now + policy.challengeTtlMs;
    const purpose = options.stepUp ? 'step-up' : 'login';
    // What the offered methods add (a security key's ceremony).
    const added = await ctx.methods.challengeAdditions(userId, user, decision.methods, now);
    const fields = {
      ...added.fields,
      purpose,
      methods: decision.methods.join(','),
      deadline: String(deadline),
      attempts: '0',
      lockedUntil: '0',
    };
    const budget = budgetOf(options);
    const key = challengeKeyOf(userId, nonce, budget);
    await ctx.store.commit([{ type: 'put', key, fields, expiresAt: deadline + CHALLENGE_GRACE_MS }], now);
    await ctx.emit({ type: 'challenge.started', userId, detail: { purpose } });
    return {
      ...(added.extras as { webauthnOptions?: WebauthnRequestOptions }),
      status: 'challenge',
      challengeId: challengeIdOf(userId, nonce, budget),
      methods: decision.methods,
      expiresAt: deadline,
    };
  };
}
