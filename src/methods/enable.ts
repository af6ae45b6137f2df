import type { StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
import type { UserRecords } from './method-module.js';

/** Result of confirming a method's setup (`totp.confirmSetup`, `email.confirmSetup`). */
export type SetupResult =
  | { ok: true; backupCodes?: string[] }
  | { ok: false; reason: 'invalid-code'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; retryAt: number; attemptsLeft: number }
  | { ok: false; reason: 'no-pending-setup' | 'expired' };

/**
 * Commits the ops that enable factor `method` and, when it is the user's first factor, ten backup
 * codes in the same atomic step, guarded by "every other factor is still off" (so two factors
 * enabled at once issue one set). `enableOps[0]` must be the take of the pending setup: if it fails,
 * the setup was already used (a concurrent confirm won) or ended, and nothing changes
 * (`pendingGone`). The other factors' pending setups end in the same step: a setup begun under one
 * set of methods is never confirmed under another. Turning 2FA on ends the user's sessions.
 */
export async function commitEnable(
  ctx: MethodContext,
  userId: string,
  method: string,
  user: UserRecords,
  enableOps: StoreOp[],
): Promise<{ ok: true; backupCodes?: string[] } | { ok: false; pendingGone: boolean }> {
  const ops: StoreOp[] = [...enableOps, ...ctx.methods.pendingDeletes(userId, method)];
  if (ctx.methods.enabledFactors(user).length === 0) {
    const policy = await ctx.policy();
    const codes = ctx.vault.generate();
    const guards = ctx.methods.factorsOff(userId, method);
    // 2FA turns on: every session signed in with the password alone ends (the caller renews its own).
    const result = await ctx.store.commit(
      [
        ...ops,
        ...guards,
        ctx.vault.storeOp(userId, codes, policy.backupCodes.storage),
        ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs),
      ],
      ctx.now(),
    );
    if (result.ok) {
      await ctx.emit({ type: 'backup-codes.generated', userId, detail: { count: codes.length } });
      return { ok: true, backupCodes: codes };
    }
    // Another factor was enabled meanwhile (it issued the codes): enable this one alone.
    if (result.index < ops.length) return { ok: false, pendingGone: result.index === 0 };
  }
  const result = await ctx.store.commit(ops, ctx.now());
  return result.ok ? { ok: true } : { ok: false, pendingGone: result.index === 0 };
}
