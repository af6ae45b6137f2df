import type { Policy } from '../core/policy/policy-schema.js';
import { storeKeys } from '../store/keys.js';
import { userFields } from '../store/layout.js';
import type { Fields, StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
import {
  type BoundSetup,
  SETUP_SESSION_CLOSED,
  SETUP_STEP_UP_REQUIRED,
  type SetupSessionRefusal,
  sessionEnableOps,
} from './setup-session.js';
import type { UserRecords } from './user-records.js';

/** Result of confirming a method's setup (`totp.confirmSetup`, `email.confirmSetup`). */
export type SetupResult =
  | { ok: true; backupCodes?: string[] }
  | { ok: false; reason: 'invalid-code'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; retryAt: number; attemptsLeft: number }
  | { ok: false; reason: 'no-pending-setup' | 'expired' };

/** What enabling a factor writes: the take of its pending setup, and its fields of `{tag}:user`. */
export interface EnableWrite {
  /** Takes the pending setup (single use): when it fails, a concurrent confirm won or it ended. */
  take: StoreOp;
  /** The factor's fields of `{tag}:user`. */
  fields: Fields;
  /** A floor to raise with them (TOTP: the step of the confirming code). */
  advance?: { field: string; value: number };
  /** Fields of `{tag}:user` the factor no longer has (TOTP: an imported app's parameters). */
  unset?: string[];
  /** Other writes of the same step (a security key into `{tag}:webauthn`). */
  also?: StoreOp[];
}

/**
 * What turning a factor on writes beside it, whoever turns it on (a setup's confirm, an import):
 * `stamp`, the `{tag}:user` field saying when (kept when the factor goes: under a `required` rule a
 * user who enrolled has no grace left); and `endAll`, which a user's first factor commits with it:
 * 2FA turns on, so every session signed in with the password alone ends (round 2, finding 2).
 */
export function turningOn(
  ctx: MethodContext,
  userId: string,
  now: number,
): { stamp: Fields; endAll: (policy: Policy) => ReturnType<MethodContext['sessions']['endAllOp']> } {
  return {
    stamp: { [userFields.enrolledAt]: String(now) },
    // Asked for only by a first factor: the policy is read only then.
    endAll: (policy) => ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs, now),
  };
}

/**
 * Enables factor `method` in one atomic step: the take of its pending setup, its fields of
 * `{tag}:user`, and the end of the other factors' pending setups (a setup begun under one set of
 * methods is never confirmed under another). When it is the user's first factor, what the recovery
 * methods issue with it (ten backup codes) comes in the same step, guarded by "every other factor is still off" inside the `{tag}:user`
 * write (so two factors enabled at once issue one set), and every session ends (2FA turns on; the
 * caller renews its own). `pendingGone`: the setup was already used or ended, nothing changed;
 * otherwise a refusal is a replayed TOTP step.
 */
export async function commitEnable(
  ctx: MethodContext,
  userId: string,
  method: string,
  user: UserRecords,
  write: EnableWrite,
): Promise<{ ok: true; backupCodes?: string[] } | { ok: false; pendingGone: boolean }> {
  return (await enableInSession(ctx, userId, method, user, write, null)) as Awaited<
    ReturnType<typeof commitEnable>
  >;
}

/**
 * {@link commitEnable} for a confirm bound to the session it came from (`takeSetupAttempt` found it
 * open): the session's part rides in the same step (`sessionEnableOps`), and a session closed
 * meanwhile fails it whole. A setup session signs in (the new key comes back as `sessionKey`); a
 * signed-in one 2FA turns on for stays open. Another factor enabled meanwhile by a session without
 * a fresh second factor is the step-up rule's case: refused, nothing changed.
 */
export async function enableInSession(
  ctx: MethodContext,
  userId: string,
  method: string,
  user: UserRecords,
  write: EnableWrite,
  bound: BoundSetup | null,
): Promise<{ ok: true; backupCodes?: string[]; sessionKey?: string } | EnableRefusal> {
  const now = ctx.now();
  const turning = turningOn(ctx, userId, now);
  const enableOp = (absent?: string[]): StoreOp => ({
    type: 'merge',
    key: storeKeys.user(userId),
    fields: { ...write.fields, ...turning.stamp },
    create: true,
    ...(write.advance ? { advance: write.advance } : {}),
    ...(write.unset ? { unset: write.unset } : {}),
    ...(absent ? { absent } : {}),
  });
  const pending = [...(write.also ?? []), ...ctx.methods.pendingDeletes(userId, method)];
  if (ctx.methods.enabledFactors(user).length === 0) {
    const policy = await ctx.policy({ userId });
    const issued = ctx.methods.issueWithFirstFactor(userId, policy);
    const endAll = turning.endAll(policy);
    // Bound to a session, the end comes with the session's ops (on condition the sessions were not ended since).
    const session = bound ? sessionEnableOps(ctx, userId, bound, now, endAll) : null;
    const ops = [
      write.take,
      enableOp(ctx.methods.factorFields(method)),
      ...pending,
      ...issued.ops,
      ...(session ? [] : [endAll]),
    ];
    const result = await ctx.store.commit([...ops, ...(session?.ops ?? [])], now);
    if (result.ok) {
      for (const event of issued.events) await ctx.emit(event);
      return {
        ok: true,
        ...issued.result,
        ...(session?.sessionKey ? { sessionKey: session.sessionKey } : {}),
      };
    }
    if (session && result.index >= ops.length) return SETUP_SESSION_CLOSED;
    // Another factor was enabled meanwhile (it issued the codes): enable this one alone.
    if (!(result.index === 1 && result.reason === 'mismatch'))
      return { ok: false, pendingGone: result.index === 0 };
    if (bound && !bound.fresh) return SETUP_STEP_UP_REQUIRED;
  }
  const ops = [write.take, enableOp(), ...pending];
  const session = bound ? sessionEnableOps(ctx, userId, bound, now, null) : null;
  const result = await ctx.store.commit([...ops, ...(session?.ops ?? [])], now);
  if (result.ok) return { ok: true, ...(session?.sessionKey ? { sessionKey: session.sessionKey } : {}) };
  if (session && result.index >= ops.length) return SETUP_SESSION_CLOSED;
  return { ok: false, pendingGone: result.index === 0 };
}

/** Why {@link enableInSession} changed nothing: the setup was used or ended, or the session refused. */
export type EnableRefusal = { ok: false; pendingGone: boolean } | SetupSessionRefusal;

/**
 * What a confirm answers for a refused enable: the session's refusal as it is, a setup used or ended
 * meanwhile as gone, otherwise (a replayed TOTP step, a key registered already) a wrong code.
 */
export function refusedSetup(
  refusal: EnableRefusal,
  attemptsLeft: number,
): Extract<SetupResult, { ok: false }> | SetupSessionRefusal {
  if ('reason' in refusal) return refusal;
  if (refusal.pendingGone) return { ok: false, reason: 'no-pending-setup' };
  return { ok: false, reason: 'invalid-code', attemptsLeft };
}
