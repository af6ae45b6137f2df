import { parseInput, userIdSchema } from '../core/validation.js';
import type { TwoFactorStatus } from '../methods/registry.js';
import type { Context } from './context.js';

/** `status`: what a user has enabled (one round trip). */
export function createStatus(ctx: Context) {
  return async (userIdInput: string): Promise<TwoFactorStatus> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    return ctx.methods.status(await ctx.methods.loadUser(userId)) as TwoFactorStatus;
  };
}
