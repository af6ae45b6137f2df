import { z } from 'zod';
import { parseInput } from '../core/validation.js';
import { storeKeys } from '../store/keys.js';
import type { Context } from './context.js';
import { loadUser, userIdSchema } from './user-state.js';

const methodSchema = z.enum(['totp', 'email']);

/** `disable`: turns a method off, ends every trusted browser and pending setup, and takes the backup codes with the last method. */
export function createDisable(ctx: Context) {
  return async (userIdInput: string, methodInput: 'totp' | 'email'): Promise<void> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const method = parseInput(methodSchema, methodInput, 'method');
    const user = await loadUser(ctx, userId);
    if (!user[method]) return;
    const key = method === 'totp' ? storeKeys.totp(userId) : storeKeys.email(userId);
    // Pending setups end with any change of the method set (see commitEnable).
    await ctx.store.commit(
      [
        { type: 'delete', key },
        ctx.devices.revokeAllOp(userId),
        { type: 'delete', key: storeKeys.totpPending(userId) },
        { type: 'delete', key: storeKeys.emailPending(userId) },
      ],
      ctx.now(),
    );
    // Backup codes go with the last method. Decided inside a commit ("both methods are off"), so two
    // disables at once cannot both leave them behind: whichever runs last removes them.
    await ctx.store.commit(
      [
        { type: 'absent', key: storeKeys.totp(userId) },
        { type: 'absent', key: storeKeys.email(userId) },
        { type: 'delete', key: storeKeys.backupCodes(userId) },
      ],
      ctx.now(),
    );
    await ctx.emit({ type: method === 'totp' ? 'totp.disabled' : 'email.disabled', userId });
  };
}
