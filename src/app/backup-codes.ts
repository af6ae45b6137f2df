import { z } from 'zod';
import { FactorkitError } from '../core/errors.js';
import { parseInput } from '../core/validation.js';
import type { BackupCodeView } from '../methods/backup-codes/backup-code-vault.js';
import type { StoreOp } from '../store/store.js';
import type { Context } from './context.js';
import { loadUser, userIdSchema } from './user-state.js';

/** Backup codes: "View Backup Codes", "Download", "Generate new codes". */
export interface BackupCodesApi {
  /** Ten new codes; every older code is void in the same atomic step. `revokeDevices` also ends trusted browsers. */
  regenerate(userId: string, options?: { revokeDevices?: boolean }): Promise<string[]>;
  view(userId: string): Promise<BackupCodeView>;
  /** The downloadable file. */
  toText(codes: string[], options: { accountName: string }): string;
}

export function createBackupCodesApi(ctx: Context): BackupCodesApi {
  return {
    async regenerate(userIdInput, options) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const user = await loadUser(ctx, userId);
      if (!user.totp && !user.email)
        throw new FactorkitError('NOT_ENABLED', 'backup codes need an enabled method');
      const policy = await ctx.policy();
      const codes = ctx.vault.generate();
      const ops: StoreOp[] = [ctx.vault.storeOp(userId, codes, policy.backupCodes.storage)];
      if (options?.revokeDevices) ops.push(ctx.devices.revokeAllOp(userId));
      await ctx.store.commit(ops, ctx.now());
      await ctx.emit({ type: 'backup-codes.generated', userId, detail: { count: codes.length } });
      return codes;
    },
    async view(userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const user = await loadUser(ctx, userId);
      if (!user.totp && !user.email) return { total: 0, remaining: 0, codes: null };
      return ctx.vault.view(userId, user.backupCodes?.fields ?? null);
    },
    toText(codes, options) {
      const parsedCodes = parseInput(z.array(z.string().max(64)).max(100), codes, 'codes');
      const { accountName } = parseInput(
        z.object({ accountName: z.string().min(1).max(256) }),
        options,
        'options',
      );
      return ctx.vault.toText(parsedCodes, { issuer: ctx.issuer, accountName });
    },
  };
}
