import { z } from 'zod';
import { decideLogin } from '../../core/policy/decide-login.js';
import { trustDays } from '../../core/policy/policy-schema.js';
import { randomToken } from '../../core/random.js';
import { parseInput, userIdSchema } from '../../core/validation.js';
import type { ChallengeMethod } from '../../methods/registry.js';
import type { WebauthnRequestOptions } from '../../methods/webauthn/webauthn-json.js';
import { storeKeys, userTag } from '../../store/keys.js';
import type { Context } from '../context.js';

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

const startOptionsSchema = z
  .object({ deviceToken: z.string().max(256).optional(), stepUp: z.boolean().optional() })
  .optional();

/** `login.start`: reads the policy and the user, checks the trusted browser, opens a challenge. */
export function createStart(ctx: Context) {
  return async (
    userIdInput: string,
    optionsInput?: { deviceToken?: string | undefined; stepUp?: boolean | undefined },
  ): Promise<LoginStart> => {
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
    const key = storeKeys.challenge(userId, nonce);
    await ctx.store.commit([{ type: 'put', key, fields, expiresAt: deadline + CHALLENGE_GRACE_MS }], now);
    await ctx.emit({ type: 'challenge.started', userId, detail: { purpose } });
    return {
      ...(added.extras as { webauthnOptions?: WebauthnRequestOptions }),
      status: 'challenge',
      challengeId: `${userTag(userId)}.${nonce}`,
      methods: decision.methods,
      expiresAt: deadline,
    };
  };
}
