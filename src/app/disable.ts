import { z } from 'zod';
import { parseInput, userIdSchema } from '../core/validation.js';
import { type FactorId, factorIds } from '../methods/registry.js';
import { storeKeys } from '../store/keys.js';
import type { Context } from './context.js';

const factorSchema = z.enum(factorIds);

/**
 * `disable`: turns a factor off, ends every trusted browser, every pending setup (the set of
 * methods changed) and every session of the user (the caller renews its own), and takes the backup
 * codes with the last factor.
 */
export function createDisable(ctx: Context) {
  return async (userIdInput: string, methodInput: FactorId): Promise<void> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const method = parseInput(factorSchema, methodInput, 'method');
    const user = await ctx.methods.loadUser(userId);
    if (!ctx.methods.enabledFactors(user).includes(method)) return;
    const policy = await ctx.policy();
    await ctx.store.commit(
      [
        ...ctx.methods.disableOps(userId, method),
        ctx.devices.revokeAllOp(userId),
        ...ctx.methods.pendingDeletes(userId, method),
        ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs),
      ],
      ctx.now(),
    );
    // Backup codes go with the last factor. Decided inside a commit ("every factor is off"), so two
    // disables at once cannot both leave them behind: whichever runs last removes them.
    await ctx.store.commit(
      [ctx.methods.factorsOffGuard(userId), { type: 'delete', key: storeKeys.backupCodes(userId) }],
      ctx.now(),
    );
    await ctx.emit({ type: `${method}.disabled`, userId });
  };
}
