import type { Actor } from '../core/events.js';
import { parseInput, userIdSchema } from '../core/validation.js';
import type { MethodContributions } from '../methods/method-registry.js';
import type { MethodAdminCalls, TwoFactorStatus } from '../methods/registry.js';
import { storeKeys } from '../store/keys.js';
import { createOverview, type Overview } from './admin-overview.js';
import { authorizeOrThrow } from './admin-scope.js';
import type { AdminAction, Context } from './context.js';
import type { UserStatus } from './status-many.js';

type StatusMany = (userIds: readonly string[]) => Promise<Map<string, UserStatus>>;

/**
 * Admin actions (the facade's own and the methods'); each is checked for the actor's org scope, then
 * with `authorize` (default: deny).
 */
export type AdminApi = MethodAdminCalls & {
  /**
   * Turns every method off and voids backup codes, admin codes, pending setups and trusted browsers,
   * and lifts an account lock, atomically.
   */
  reset(actor: Actor, userId: string): Promise<void>;
  /** Another user's status, for an admin (the agents page): action `read-status`, scoped like the rest. */
  status(actor: Actor, userId: string): Promise<TwoFactorStatus>;
  /** Who is covered among `userIds` (the host's directory of the actor's org; at most 1,000). */
  overview(actor: Actor, options: { userIds: readonly string[] }): Promise<Overview>;
};

/**
 * `tf.admin`: `reset`, `status`, `overview`, and the methods' admin calls (`issueBackupCode`), each
 * run only after the user id is checked, the target found in the actor's org, and `authorize`
 * allowed the actor its action.
 */
export function createAdminApi(
  ctx: Context,
  methodCalls: MethodContributions['admin'],
  statusMany: StatusMany,
): AdminApi {
  const authorized = Object.fromEntries(
    Object.entries(methodCalls).map(([name, { action, call }]) => [
      name,
      async (actorInput: Actor, userIdInput: string) => {
        const userId = parseInput(userIdSchema, userIdInput, 'userId');
        const actor = await authorizeOrThrow(ctx, actorInput, action as AdminAction, { userId });
        return (call as (actor: Actor, userId: string) => Promise<unknown>)(actor, userId);
      },
    ]),
  ) as unknown as MethodAdminCalls;
  return Object.assign(authorized, {
    overview: createOverview(ctx, statusMany),
    async reset(actorInput: Actor, userIdInput: string) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const actor = await authorizeOrThrow(ctx, actorInput, 'reset-2fa', { userId });
      const keys = [
        storeKeys.devices(userId),
        // A fresh start: an account lock an attacker with the password caused ends too.
        storeKeys.accountAttempts(userId),
      ];
      const policy = await ctx.policy({ userId });
      await ctx.store.commit(
        [
          ...ctx.methods.resetOps(userId),
          ...keys.map((key) => ({ type: 'delete', key }) as const),
          // Whoever holds a session of this user (the reason for a reset, often) is signed out.
          ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs),
        ],
        ctx.now(),
      );
      await ctx.emit({ type: 'admin.reset', userId, actor });
    },
    async status(actorInput: Actor, userIdInput: string) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      await authorizeOrThrow(ctx, actorInput, 'read-status', { userId });
      return ctx.methods.status(await ctx.methods.loadUser(userId)) as TwoFactorStatus;
    },
  });
}
