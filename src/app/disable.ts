import { z } from 'zod';
import { parseInput, userIdSchema } from '../core/validation.js';
import type { FactorId } from '../methods/registry.js';
import { turnFactorOff } from '../methods/turn-off.js';
import type { Context } from './context.js';

/**
 * `disable`: turns a factor off (see `turnFactorOff`): its records, every trusted browser, every
 * pending setup and every session of the user go, and the backup codes with the last factor.
 */
export function createDisable(ctx: Context) {
  const factorSchema = z.enum(ctx.methods.factorIds as [string, ...string[]]);
  return async (userIdInput: string, methodInput: FactorId): Promise<void> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const method = parseInput(factorSchema, methodInput, 'method');
    const user = await ctx.methods.loadUser(userId);
    if (!ctx.methods.enabledFactors(user).includes(method)) return;
    await turnFactorOff(ctx, userId, method);
  };
}
