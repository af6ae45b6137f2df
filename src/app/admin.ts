import { FactorkitError } from '../core/errors.js';
import type { Actor } from '../core/events.js';
import { actorSchema, parseInput, userIdSchema } from '../core/validation.js';
import { issueAdminCodeOp } from '../methods/admin-code/admin-code-module.js';
import { storeKeys } from '../store/keys.js';
import type { AdminAction, Context } from './context.js';

/** Admin actions; each is checked with `authorize` (default: deny). */
export interface AdminApi {
  /**
   * A one-time code for an agent: 30 minutes, single use, newest wins, login step only.
   * @throws {FactorkitError} `NOT_ENABLED` when the user has no method (no login would ask for it).
   */
  issueBackupCode(actor: Actor, userId: string): Promise<{ code: string; expiresAt: number }>;
  /**
   * Turns every method off and voids backup codes, admin codes, pending setups and trusted browsers,
   * and lifts an account lock, atomically.
   */
  reset(actor: Actor, userId: string): Promise<void>;
}

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

export function createAdminApi(ctx: Context): AdminApi {
  return {
    async issueBackupCode(actorInput, userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const actor = await authorizeOrThrow(ctx, actorInput, 'issue-backup-code', userId);
      // A user with no factor is never asked for a code, so a code would only linger. If the last
      // factor goes between this read and the write, the code is as harmless: nothing asks for it.
      const user = await ctx.methods.loadUser(userId);
      if (ctx.methods.enabledFactors(user).length === 0) {
        throw new FactorkitError(
          'NOT_ENABLED',
          'the user has no 2FA method: no login would ask for this code',
        );
      }
      const policy = await ctx.policy();
      const now = ctx.now();
      const expiresAt = now + policy.adminCodeTtlMs;
      const { code, op } = issueAdminCodeOp(ctx, userId, actor.id, expiresAt);
      await ctx.store.commit([op], now);
      await ctx.emit({ type: 'admin.backup-code-issued', userId, actor, detail: { expiresAt } });
      return { code, expiresAt };
    },
    async reset(actorInput, userIdInput) {
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
  };
}
