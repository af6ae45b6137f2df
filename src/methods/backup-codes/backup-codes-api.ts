import { z } from 'zod';
import { FactorkitError } from '../../core/errors.js';
import type { TotpVerifier } from '../../core/otp/totp-verifier.js';
import { parseInput, storableText, userIdSchema } from '../../core/validation.js';
import type { StoreOp } from '../../store/store.js';
import type { MethodContext } from '../context.js';
import type { BackupCodeVault, BackupCodeView } from './backup-code-vault.js';

/**
 * The backup codes' context: the shared one, the vault, and the app's verifier (a code of an app's
 * length is never read as an imported backup code).
 */
export type BackupCodesContext = MethodContext & { vault: BackupCodeVault; totp: TotpVerifier };

/** Backup codes: "View Backup Codes", "Download", "Generate new codes". */
export interface BackupCodesApi {
  /**
   * Ten new codes; every older code is void in the same atomic step. `revokeDevices` also ends
   * trusted browsers.
   * @throws {FactorkitError} `NOT_ENABLED` when the user has no factor on.
   */
  regenerate(userId: string, options?: { revokeDevices?: boolean }): Promise<string[]>;
  /** Counts, and the unused codes in `viewable` storage (null otherwise, and when no factor is on). */
  view(userId: string): Promise<BackupCodeView>;
  /** The downloadable file. */
  toText(codes: string[], options: { accountName: string }): string;
}

export function createBackupCodesApi(ctx: BackupCodesContext): BackupCodesApi {
  return {
    async regenerate(userIdInput, options) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const user = await ctx.methods.loadUser(userId);
      if (ctx.methods.enabledFactors(user).length === 0)
        throw new FactorkitError('NOT_ENABLED', 'backup codes need an enabled method');
      const policy = await ctx.policy({ userId });
      const codes = ctx.vault.generate();
      const ops: StoreOp[] = [ctx.vault.storeOp(userId, codes, policy.backupCodes.storage)];
      if (options?.revokeDevices)
        ops.push(ctx.devices.revokeAllOp(userId), ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs));
      await ctx.store.commit(ops, ctx.now());
      await ctx.emit({ type: 'backup-codes.generated', userId, detail: { count: codes.length } });
      return codes;
    },
    async view(userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const user = await ctx.methods.loadUser(userId);
      if (ctx.methods.enabledFactors(user).length === 0) return { total: 0, remaining: 0, codes: null };
      return ctx.vault.view(userId, user['backupCodes']?.fields ?? null);
    },
    toText(codes, options) {
      const parsedCodes = parseInput(z.array(z.string().max(64)).max(100), codes, 'codes');
      const { accountName } = parseInput(
        // A line of the downloaded file: a newline would forge lines of it.
        z.object({ accountName: storableText().min(1).max(256) }),
        options,
        'options',
      );
      return ctx.vault.toText(parsedCodes, { issuer: ctx.issuer, accountName });
    },
  };
}
