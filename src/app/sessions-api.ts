import { z } from 'zod';
import type { Policy } from '../core/policy/policy-schema.js';
import { parseInput, userIdSchema } from '../core/validation.js';
import type { UserRecords } from '../methods/user-records.js';
import { type SessionWait, sessionTtlMs } from '../services/session-registry.js';
import { storeKeys } from '../store/keys.js';
import type { Context } from './context.js';
import { userRules } from './method-rules.js';

const keySchema = z.string().max(64);
/** An instant in ms (a verify result's `provenAt`). */
const instantSchema = z.number().int().nonnegative();
const openOptionsSchema = z
  .object({
    replaces: keySchema.nullable().optional(),
    provenAt: instantSchema.optional(),
    waitsFor: z.enum(['code', 'setup']).optional(),
  })
  .optional();

/**
 * Signed-in sessions, checked against factorkit's store. The HTTP adapters use it for every
 * request; a host with its own session layer can too. A session ends when closed, when its
 * lifetime (policy `sessionMaxAgeMs`) passes, and when the user's 2FA changes: 2FA turned on or a
 * factor turned off, every browser revoked, new backup codes with `revokeDevices`, an admin reset,
 * or `endAll`.
 */
export interface SessionsApi {
  /**
   * Opens a session after a sign-in (closing `replaces`, the key held before): keep the key in the
   * host's session. Pass the verify result's `provenAt`, so that a change that ended the user's
   * sessions after the proof (a key removed meanwhile) ends this one too.
   */
  open(
    userId: string,
    options?: {
      replaces?: string | null | undefined;
      provenAt?: number | undefined;
      /**
       * A session that is not signed in yet: it lives as long as what it waits for (a `'code'`: the
       * challenge; a `'setup'`: a first method's setup) and an hour more, not `sessionMaxAgeMs`.
       */
      waitsFor?: SessionWait | undefined;
    },
  ): Promise<string>;
  /** Whether a session is still open. */
  isOpen(userId: string, key: string): Promise<boolean>;
  /**
   * What a signed-in session may do now, on every request: `closed` (signed out, ended, expired),
   * `setup-required` (the org requires 2FA and the user has no method: 2FA was required after the
   * sign-in, or the last method was turned off) or `open`. One read, and the user's record only while
   * the policy requires 2FA.
   */
  check(userId: string, key: string): Promise<SessionCheck>;
  /** Keeps the session that made a change that ends the user's sessions open; false when it was not. */
  renew(userId: string, key: string): Promise<boolean>;
  /** Closes one session (sign-out). */
  close(userId: string, key: string): Promise<void>;
  /** "Sign out everywhere": ends every session of the user. */
  endAll(userId: string): Promise<void>;
}

/** What {@link SessionsApi.check} says of a session. */
export type SessionCheck = 'open' | 'closed' | 'setup-required';

export function createSessionsApi(ctx: Context): SessionsApi {
  const ids = (userId: unknown, key: unknown) => ({
    userId: parseInput(userIdSchema, userId, 'userId'),
    key: parseInput(keySchema, key, 'key'),
  });
  return {
    async open(userIdInput, options) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const { replaces, provenAt, waitsFor } = parseInput(openOptionsSchema, options, 'options') ?? {};
      const policy = await ctx.policy({ userId });
      return ctx.sessions.open(userId, sessionTtlMs(policy, waitsFor), replaces ?? null, provenAt);
    },
    async isOpen(userIdInput, keyInput) {
      const { userId, key } = ids(userIdInput, keyInput);
      return ctx.sessions.isOpen(userId, key);
    },
    async check(userIdInput, keyInput) {
      const { userId, key } = ids(userIdInput, keyInput);
      const policy = await ctx.policy({ userId });
      // The rule asks for the user's methods only when it can refuse (2FA required of someone).
      const asks = policy.required !== false;
      const { open, records } = await ctx.sessions.inspect(userId, key, asks ? [storeKeys.user(userId)] : []);
      if (!open) return 'closed';
      if (!asks) return 'open';
      return (await mustSetUp(ctx, userId, policy, { user: records[0] ?? null })) ? 'setup-required' : 'open';
    },
    async renew(userIdInput, keyInput) {
      const { userId, key } = ids(userIdInput, keyInput);
      return ctx.sessions.renew(userId, key);
    },
    async close(userIdInput, keyInput) {
      const { userId, key } = ids(userIdInput, keyInput);
      await ctx.sessions.close(userId, key);
    },
    async endAll(userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const policy = await ctx.policy({ userId });
      await ctx.store.commit([ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs)], ctx.now());
      await ctx.emit({ type: 'sessions.ended', userId });
    },
  };
}

/**
 * Whether the policy's rule makes a signed-in session of `userId` a setup session: 2FA is required
 * of them (past any grace) and no method the policy allows is on. Judged on the user's records.
 */
export async function mustSetUp(
  ctx: Context,
  userId: string,
  policy: Policy,
  user: UserRecords,
): Promise<boolean> {
  if (policy.required === false) return false;
  const rules = await userRules(ctx, userId, policy, user, { now: ctx.now() });
  const allowedOn = ctx.methods.enabledFactors(user).some((factor) => rules.permits(factor));
  // In grace the session stays open; past it, or with no grace, setup comes first.
  return !allowedOn && rules.requirement.kind === 'required';
}
