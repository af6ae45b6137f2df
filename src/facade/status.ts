import { z } from 'zod';
import type { StoreOp } from '../store.js';
import { storeKeys } from '../store-keys.js';
import { parseInput } from '../validation.js';
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

const methodSchema = z.enum(['totp', 'email']);

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

export function createDisable(ctx: Context) {
  return async (userIdInput: string, methodInput: 'totp' | 'email'): Promise<void> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const method = parseInput(methodSchema, methodInput, 'method');
    const user = await loadUser(ctx, userId);
    if (!user[method]) return;
    const other = method === 'totp' ? user.email : user.totp;
    const ops: StoreOp[] = [
      { type: 'delete', key: method === 'totp' ? storeKeys.totp(userId) : storeKeys.email(userId) },
      ctx.devices.revokeAllOp(userId),
    ];
    if (!other) ops.push({ type: 'delete', key: storeKeys.backupCodes(userId) });
    await ctx.store.commit(ops, ctx.now());
    await ctx.emit({ type: method === 'totp' ? 'totp.disabled' : 'email.disabled', userId });
  };
}
