import { FactorkitError } from '../../core/errors.js';
import type { Actor } from '../../core/events.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { BackupCodeVault } from '../backup-codes/backup-code-vault.js';
import type { MethodContext } from '../context.js';

/** The admin-issued code's context: the shared one and the codes' format (a backup code's). */
export type AdminCodeContext = MethodContext & { codeFormat: BackupCodeVault };

/** Hash context of admin-issued codes. */
export const adminCodeContext = (userId: string) => `admin-code\0${userId}`;

export const ADMIN_FIELDS = [
  userFields.adminCode,
  userFields.adminKid,
  userFields.adminBy,
  userFields.adminAt,
  userFields.adminUntil,
];

/** What admin-issued codes add to `tf.admin`. */
export interface AdminCodeCalls {
  /**
   * A one-time code for an agent: 30 minutes, single use, newest wins, login step only.
   * @throws {FactorkitError} `NOT_ENABLED` when the user has no method (no login would ask for it).
   */
  issueBackupCode(actor: Actor, userId: string): Promise<{ code: string; expiresAt: number }>;
}

/**
 * `admin.issueBackupCode` (the facade has checked the input and asked `authorize`): a new code
 * replaces any older one. Only its keyed hash is stored.
 */
export function createAdminCodeCalls(ctx: AdminCodeContext): AdminCodeCalls {
  return {
    async issueBackupCode(actor, userId) {
      // A user with no factor is never asked for a code, so a code would only linger. If the last
      // factor goes between this read and the write, the code is as harmless: nothing asks for it.
      const user = await ctx.methods.loadUser(userId);
      if (ctx.methods.enabledFactors(user).length === 0) {
        throw new FactorkitError(
          'NOT_ENABLED',
          'the user has no 2FA method: no login would ask for this code',
        );
      }
      const policy = await ctx.policy({ userId });
      const now = ctx.now();
      const expiresAt = now + policy.adminCodeTtlMs;
      const code = ctx.codeFormat.generate()[0]!;
      const fields = {
        [userFields.adminCode]: ctx.keyring.hash(
          ctx.codeFormat.normalize(code)!,
          adminCodeContext(userId),
        ) as string,
        [userFields.adminKid]: ctx.keyring.currentId,
        [userFields.adminBy]: actor.id,
        [userFields.adminAt]: String(now),
        [userFields.adminUntil]: String(expiresAt),
      };
      await ctx.store.commit([{ type: 'merge', key: storeKeys.user(userId), fields, create: true }], now);
      await ctx.emit({ type: 'admin.backup-code-issued', userId, actor, detail: { expiresAt } });
      return { code, expiresAt };
    },
  };
}
