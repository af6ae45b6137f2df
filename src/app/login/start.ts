import { z } from 'zod';
import { decideLogin } from '../../core/policy/decide-login.js';
import { trustDays } from '../../core/policy/policy-schema.js';
import { randomToken } from '../../core/random.js';
import { parseInput, userIdSchema } from '../../core/validation.js';
import { challengeIdOf, challengeKeyOf } from '../../methods/challenge-id.js';
import type { MethodDemand } from '../../methods/proof.js';
import type { ChallengeExtras, ChallengeMethod } from '../../methods/registry.js';
import { sessionRef, storeKeys } from '../../store/keys.js';
import type { Context } from '../context.js';
import { userRules } from '../method-rules.js';
import { noteSetupRule } from './setup-rule.js';
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
  /**
   * The policy requires 2FA of this user, who has no allowed method yet, and grants grace until
   * `deadline` (ms): recommend setup; the user may skip it and is signed in.
   */
  | { status: 'setup-recommended'; deadline: number }
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
  /** The user's roles, for policy rules that name roles (default: `rolesOf`, asked only when a rule needs it). */
  roles?: readonly string[] | undefined;
  /**
   * Offer and accept only phishing-resistant methods (security keys) on this challenge: a code a
   * phishing page could relay is refused. A user without one gets a challenge no method can end.
   */
  phishingResistant?: boolean | undefined;
}

const token = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a key factorkit issued');
const startOptionsSchema = z
  .object({
    deviceToken: z.string().max(256).optional(),
    stepUp: z.boolean().optional(),
    session: token.optional(),
    deviceId: token.optional(),
    phishingResistant: z.boolean().optional(),
    roles: z.array(z.string().max(100)).max(100).optional(),
  })
  .optional();

/** Who counts a step-up's wrong codes, as its challenge id names it (null: the account). */
function budgetOf(options: z.output<typeof startOptionsSchema>): string | null {
  if (!options?.stepUp || options.session === undefined) return null;
  return options.deviceId === undefined ? `s${sessionRef(options.session)}` : `d${options.deviceId}`;
}

/**
 * The user's records and, when the verify will count the account's wrong codes, the account's
 * attempt record, in the same read: a store that plans commits on what it last read (PostgreSQL,
 * postgres-hints.ts) then sends that verify's attempt as one compare-and-set instead of running its
 * commit function.
 */
async function loadUser(ctx: Context, userId: string, countsAccount: boolean) {
  if (!countsAccount) return ctx.methods.loadUser(userId);
  const { keys, records } = ctx.methods.reads(userId);
  return records(await ctx.store.getMany([...keys, storeKeys.accountAttempts(userId)], ctx.now()));
}

/** `login.start`: reads the policy and the user, checks the trusted browser, opens a challenge. */
export function createStart(ctx: Context) {
  return async (userIdInput: string, optionsInput?: StartOptions): Promise<LoginStart> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const options = parseInput(startOptionsSchema, optionsInput, 'options') ?? {};
    const [policy, user] = await Promise.all([
      ctx.policy({ fresh: true, userId }),
      loadUser(ctx, userId, budgetOf(options) === null),
    ]);
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
    const rules = await userRules(ctx, userId, policy, user, { roles: options.roles, now, demand });
    // A user with an allowed factor is always asked, even when none is offered now (turned off by
    // the host, or not admitted by the demand): 2FA never falls away because a method did. A user
    // whose factors the policy forbids is asked to set up an allowed one instead.
    const decision = decideLogin(policy, rules.offered, deviceTrusted, {
      stepUp: options.stepUp ?? false,
      enrolled: ctx.methods.enabledFactors(user).some((factor) => rules.permits(factor)),
      requirement: rules.requirement,
    });
    if (decision.status === 'trusted-device') return { status: 'trusted-device', deviceId: device!.id };
    if (decision.status === 'setup-recommended' || decision.status === 'setup-required') {
      await noteSetupRule(ctx, userId, user, decision, policy, now);
    }
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
    const budget = budgetOf(options);
    const key = challengeKeyOf(userId, nonce, budget);
    await ctx.store.commit([{ type: 'put', key, fields, expiresAt: deadline + CHALLENGE_GRACE_MS }], now);
    await ctx.emit({ type: 'challenge.started', userId, detail: { purpose } });
    return Object.assign(added.extras as ChallengeExtras, {
      status: 'challenge' as const,
      challengeId: challengeIdOf(userId, nonce, budget),
      methods: decision.methods as ChallengeMethod[],
      expiresAt: deadline,
    });
  };
}
