import { FactorkitError } from '../core/errors.js';
import type { Actor } from '../core/events.js';
import { actorSchema, parseInput, userIdSchema } from '../core/validation.js';
import type { MethodContributions } from '../methods/method-registry.js';
import type { MethodAdminCalls } from '../methods/registry.js';
import { storeKeys } from '../store/keys.js';
import type { AdminAction, Context } from './context.js';

/** Admin actions (the facade's own and the methods'); each is checked with `authorize` (default: deny). */
export type AdminApi = MethodAdminCalls & {
  /**
   * Turns every method off and voids backup codes, admin codes, pending setups and trusted browsers,
   * and lifts an account lock, atomically.
   */
  reset(actor: Actor, userId: string): Promise<void>;
};

/** `authorize` when the host gave none: every admin action is refused, and the refusal says why. */
export const denyEveryAdminAction = (): boolean => false;

async function authorizeOrThrow(
  ctx: Context,
  actorInput: Actor,
  action: AdminAction,
  userId: string,
): Promise<Actor> {
  const actor = parseInput(actorSchema, actorInput, 'actor') as Actor;
  if (ctx.authorize === denyEveryAdminAction) {
    throw new FactorkitError(
      'NOT_AUTHORIZED',
      `actor ${actor.id} may not ${action}: createTwoFactor has no \`authorize\` option, and without it every admin action is denied; pass authorize: (actor, action, targetUserId) => boolean`,
    );
  }
  if ((await ctx.authorize(actor, action, userId)) !== true) {
    throw new FactorkitError('NOT_AUTHORIZED', `actor ${actor.id} may not ${action} for this user`);
  }
  return actor;
}

/**
 * `tf.admin`: `reset`, and the methods' admin calls (`issueBackupCode`), each run only after the
 * user id is checked and `authorize` allowed the actor its action.
 */
export function createAdminApi(ctx: Context, methodCalls: MethodContributions['admin']): AdminApi {
  const authorized = Object.fromEntries(
    Object.entries(methodCalls).map(([name, { action, call }]) => [
      name,
      async (actorInput: Actor, userIdInput: string) => {
        const userId = parseInput(userIdSchema, userIdInput, 'userId');
        const actor = await authorizeOrThrow(ctx, actorInput, action as AdminAction, userId);
        return (call as (actor: Actor, userId: string) => Promise<unknown>)(actor, userId);
      },
    ]),
  ) as unknown as MethodAdminCalls;
  return Object.assign(authorized, {
    async reset(actorInput: Actor, userIdInput: string) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const actor = await authorizeOrThrow(ctx, actorInput, 'reset-2fa', userId);
      const keys = [
        storeKeys.devices(userId),
        // A fresh start: an account lock an attacker with the password caused ends too.
        storeKeys.accountAttempts(userId),
      ];
      const policy = await ctx.policy();
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
  });
}
