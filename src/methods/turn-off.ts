import type { StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';

/**
 * Turns factor `method` off in one atomic step, under `guards` (false when one fails: nothing
 * changed): its fields and records go, and so do every trusted browser, every pending setup (the
 * set of methods changed) and every session of the user (the caller renews its own). The recovery
 * methods' records (the backup codes) go with the last factor, decided inside a commit ("every factor is off"), so two factors
 * turned off at once cannot both leave them behind.
 */
export async function turnFactorOff(
  ctx: MethodContext,
  userId: string,
  method: string,
  guards: StoreOp[] = [],
): Promise<boolean> {
  const policy = await ctx.policy({ userId });
  // A key a guard holds absent needs no delete (and a commit touches a key once).
  const guarded = new Set(guards.map((op) => op.key));
  const done = await ctx.store.commit(
    [
      ...guards,
      ...ctx.methods.disableOps(userId, method).filter((op) => !guarded.has(op.key)),
      ctx.devices.revokeAllOp(userId),
      ...ctx.methods.pendingDeletes(userId, method),
      ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs),
    ],
    ctx.now(),
  );
  if (!done.ok) return false;
  await ctx.store.commit(
    [ctx.methods.factorsOffGuard(userId), ...ctx.methods.lastFactorDeletes(userId)],
    ctx.now(),
  );
  await ctx.emit({ type: `${method}.disabled`, userId });
  return true;
}
