import { parseInput } from '../core/validation.js';
import type { Context } from './context.js';
import { loadUser, maskEmail, userIdSchema } from './user-state.js';

/** What `status` reports. */
export interface TwoFactorStatus {
  enabled: boolean;
  totp: boolean;
  /** The enabled address, masked (`a***@example.com`), or null. */
  email: string | null;
  backupCodesRemaining: number;
}

export function createStatus(ctx: Context) {
  return async (userIdInput: string): Promise<TwoFactorStatus> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const user = await loadUser(ctx, userId);
    const address = user.email?.fields['address'];
    return {
      enabled: Boolean(user.totp || user.email),
      totp: Boolean(user.totp),
      email: address ? maskEmail(address) : null,
      backupCodesRemaining:
        user.totp || user.email ? ctx.vault.remaining(user.backupCodes?.fields ?? null) : 0,
    };
  };
}
