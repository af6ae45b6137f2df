import { z } from 'zod';
import { decideLogin } from '../../core/policy/decide-login.js';
import { trustDays } from '../../core/policy/policy-schema.js';
import { randomToken } from '../../core/random.js';
import { parseInput, userIdSchema } from '../../core/validation.js';
import type { MethodDemand } from '../../methods/proof.js';
import type { ChallengeExtras, ChallengeMethod } from '../../methods/registry.js';
import { storeKeys, userTag } from '../../store/keys.js';
import type { Context } from '../context.js';
import { PHISHING_RESISTANT_FIELD } from './verify.js';

const DAY_MS = 86_400_000;
/** Challenge records outlive their deadline this long, so a late verify says `expired`, not `unknown-challenge`. */
const CHALLENGE_GRACE_MS = 3_600_000;

/**
 * What `login.start` decides (a decision, not a success or failure: hence `status`). A challenge
 * carries what its offered methods add (`webauthnOptions`: the options for
 * `navigator.credentials.get()`, 5 minutes, when security keys are offered).
 */
export type LoginStart =
  | { status: 'not-required' }
  | { status: 'setup-required' }
  | { status: 'trusted-device'; deviceId: string }
  | ({
      status: 'challenge';
      challengeId: string;
      methods: ChallengeMethod[];
      expiresAt: number;
    } & ChallengeExtras);

/** Options of `login.start`. */
export interface StartOptions {
  /** The trusted-browser cookie's token, if the browser sent one. */
  deviceToken?: string | undefined;
  /** Re-verification before a sensitive change: always asks, ignores trusted browsers, no admin code. */
  stepUp?: boolean | undefined;
  /**
   * Offer and accept only phishing-resistant methods (security keys) on this challenge: a code a
   * phishing page could relay is refused. A user without one gets a challenge no method can end.
   */
  phishingResistant?: boolean | undefined;
}

const startOptionsSchema = z
  .object({
    deviceToken: z.string().max(256).optional(),
    stepUp: z.boolean().optional(),
    phishingResistant: z.boolean().optional(),
  })
  .optional();

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
    const demand: MethodDemand = { phishingResistant: options.phishingResistant === true };
    // A user with a factor is always asked, even when none is offered now (turned off by the host,
    // or not admitted by the demand): 2FA never falls away because a method did.
    const decision = decideLogin(policy, ctx.methods.offered(user, demand), deviceTrusted, {
      stepUp: options.stepUp ?? false,
      enrolled: ctx.methods.enabledFactors(user).length > 0,
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
      ...(demand.phishingResistant ? { [PHISHING_RESISTANT_FIELD]: '1' } : {}),
    };
    const key = storeKeys.challenge(userId, nonce);
    await ctx.store.commit([{ type: 'put', key, fields, expiresAt: deadline + CHALLENGE_GRACE_MS }], now);
    await ctx.emit({ type: 'challenge.started', userId, detail: { purpose } });
    return Object.assign(added.extras as ChallengeExtras, {
      status: 'challenge' as const,
      challengeId: `${userTag(userId)}.${nonce}`,
      methods: decision.methods as ChallengeMethod[],
      expiresAt: deadline,
    });
  };
}
