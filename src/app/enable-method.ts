import { storeKeys } from '../store/keys.js';
import type { StoreOp } from '../store/store.js';
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
 * the same atomic step, guarded by "the other method is still off" (so two methods enabled at once
 * issue one set). `ops[0]` must be the take of the pending setup: if it fails, the setup was already
 * used (a concurrent confirm won) or ended, and nothing changes (`pendingGone`). The other method's pending setup ends in the
 * same step: a setup begun under one set of methods is never confirmed under another.
 */
export async function commitEnable(
  ctx: Context,
  userId: string,
  method: 'totp' | 'email',
  user: UserRecords,
  enableOps: StoreOp[],
): Promise<{ ok: true; backupCodes?: string[] } | { ok: false; pendingGone: boolean }> {
  const otherPending = method === 'totp' ? storeKeys.emailPending(userId) : storeKeys.totpPending(userId);
  const ops: StoreOp[] = [...enableOps, { type: 'delete', key: otherPending }];
  if (!user.totp && !user.email) {
    const policy = await ctx.policy();
    const codes = ctx.vault.generate();
    const other = method === 'totp' ? storeKeys.email(userId) : storeKeys.totp(userId);
    const result = await ctx.store.commit(
      [...ops, { type: 'absent', key: other }, ctx.vault.storeOp(userId, codes, policy.backupCodes.storage)],
      ctx.now(),
    );
    if (result.ok) {
      await ctx.emit({ type: 'backup-codes.generated', userId, detail: { count: codes.length } });
      return { ok: true, backupCodes: codes };
    }
    // The other method was enabled meanwhile (it issued the codes): enable this one alone.
    if (result.index !== ops.length) return { ok: false, pendingGone: result.index === 0 };
  }
  const result = await ctx.store.commit(ops, ctx.now());
  return result.ok ? { ok: true } : { ok: false, pendingGone: result.index === 0 };
}
