import type { StoreOp } from '../store.js';
import type { Context } from './context.js';
import type { UserRecords } from './user-state.js';

/** Result of confirming a method's setup (`totp.confirmSetup`, `email.confirmSetup`). */
export type SetupResult =
  | { ok: true; backupCodes?: string[] }
  | {
      ok: false;
      reason: 'invalid-code' | 'no-pending-setup' | 'expired' | 'locked';
      retryAt?: number;
      attemptsLeft?: number;
    };

/**
 * Commits the ops that enable a method and, when it is the user's first method, ten backup codes in
 * the same atomic step. `ops[0]` must be the take of the pending setup: if it fails, the setup was
 * already used (a concurrent confirm won) and nothing changes.
 */
export async function commitEnable(
  ctx: Context,
  userId: string,
  user: UserRecords,
  ops: StoreOp[],
): Promise<{ ok: true; backupCodes?: string[] } | { ok: false }> {
  const first = !user.totp && !user.email;
  if (first) {
    const policy = await ctx.policy();
    const codes = ctx.vault.generate();
    const mode = user.backupCodes ? 'put' : 'insert';
    const result = await ctx.store.commit(
      [...ops, ctx.vault.storeOp(userId, codes, policy.backupCodes.storage, mode)],
      ctx.now(),
    );
    if (result.ok) {
      await ctx.emit({ type: 'backup-codes.generated', userId, detail: { count: codes.length } });
      return { ok: true, backupCodes: codes };
    }
    // A concurrent first enable stored codes already: enable without issuing a second set.
    if (result.index !== ops.length) return { ok: false };
  }
  const result = await ctx.store.commit(ops, ctx.now());
  return result.ok ? { ok: true } : { ok: false };
}
