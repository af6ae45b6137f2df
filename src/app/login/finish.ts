import { EVENT_DELIVERED } from '../../core/events.js';
import type { Policy } from '../../core/policy/policy-schema.js';
import { trustDays } from '../../core/policy/policy-schema.js';
import type { CodeMatch } from '../../methods/proof.js';
import type { ProofMethod } from '../../methods/registry.js';
import type { AttemptVerdict, StepUpBudget } from '../../services/attempt-limiter.js';
import { sessionTtlMs } from '../../services/session-registry.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { StoredRecord, StoreOp } from '../../store/store.js';
import type { Context } from '../context.js';
import {
  endBudget,
  failed,
  SESSION_CLOSED,
  type SessionBinding,
  type SessionVerifyResult,
} from './verify-outcomes.js';

const DAY_MS = 86_400_000;

/** A challenge whose attempt was counted and whose proof matched. */
export interface ProvenChallenge {
  userId: string;
  key: string;
  /** The step-up budget the attempt was counted against (null: the account). */
  budget: StepUpBudget | null;
  purpose: 'login' | 'step-up';
  policy: Policy;
  verdict: Extract<AttemptVerdict, { ok: true }>;
  match: Extract<CodeMatch<ProofMethod>, { kind: 'match' }>;
  now: number;
  options: { rememberDevice?: boolean | undefined; deviceLabel?: string | undefined };
  /** The session the proof came from (the HTTP layer's), or null. */
  session: SessionBinding | null;
  /** With a session: the user's `sessions-from` record as the attempt read it (null: none). */
  sessionsFrom?: StoredRecord | null;
  /** With `rememberDevice`: the user's trusted browsers, as read in the attempt's commit. */
  devices: { record: StoredRecord | null } | undefined;
}

/**
 * The method's ops with the sign-in's time on `{tag}:user` (`lastSecondFactorAt`, for `statusMany`):
 * on the method's own merge of that record when it has one (a commit touches a key once), else as
 * a merge of its own, in the same commit either way. A step-up is no sign-in.
 */
function stampedUser(ops: readonly StoreOp[], userId: string, purpose: string, now: number): StoreOp[] {
  if (purpose !== 'login') return [...ops];
  const key = storeKeys.user(userId);
  const stamp = { [userFields.lastSecondFactorAt]: String(now) };
  const own = ops.findIndex((op) => op.key === key);
  if (own === -1) return [...ops, { type: 'merge', key, fields: stamp }];
  return ops.map((op, index) =>
    index === own && op.type === 'merge' ? { ...op, fields: { ...op.fields, ...stamp } } : op,
  );
}

/**
 * Ends a challenge whose proof matched, in one atomic step: the challenge's end (only if not ended
 * yet, and only while the matched email code is still its code), the method's single use, the
 * account reset and, at login, the trusted browser. A concurrent success that won leaves this one
 * as `challenge-ended`; a single use another request took first, or a code or ceremony renewed
 * meanwhile, counts as a wrong code. Bound to a session at a login, the signed-in session opens in the
 * same step, replacing the one the proof came from, which must still be open.
 */
export async function finishChallenge(ctx: Context, proven: ProvenChallenge): Promise<SessionVerifyResult> {
  const { userId, key, budget, purpose, policy, verdict, match, now } = proven;
  const ops: StoreOp[] = [
    {
      type: 'merge',
      key,
      fields: { ended: '1' },
      absent: ['ended'],
      ...(match.challengeMatch ? { match: match.challengeMatch } : {}),
    },
    ...stampedUser(match.ops, userId, purpose, now),
  ];
  if (policy.attempts.resetAccountOnSuccess) ops.push(ctx.limiter.resetAccountOp(userId, policy, now));
  const days = trustDays(policy);
  const device =
    proven.options.rememberDevice && days !== null && purpose === 'login'
      ? await ctx.devices.issue(
          userId,
          proven.options.deviceLabel ?? 'Unknown browser',
          days * DAY_MS,
          proven.devices,
        )
      : null;
  if (device) ops.push(device.op);
  // A success starts the budget's count again; a session closed meanwhile fails the commit.
  const budgetAt = budget ? ops.push(ctx.limiter.resetBudgetOp(budget)) - 1 : -1;
  const bound = proven.session ? sessionStillOpen(ctx, proven, purpose, ops) : null;
  const result = await ctx.store.commit(ops, now);
  if (!result.ok && result.index === budgetAt && budget) return endBudget(ctx, userId, budget);
  if (!result.ok && bound?.closedAt.includes(result.index)) return SESSION_CLOSED;
  if (!result.ok) {
    // The challenge ended (or went) meanwhile; otherwise its code or ceremony was renewed under this
    // proof, which is then as good as a wrong one (counted, reported), and the challenge stays open.
    if (result.index === 0 && (result.fields === null || Object.hasOwn(result.fields, 'ended')))
      return { ok: false, reason: 'challenge-ended' };
    if (match.raceLostEvent) await ctx.emit({ type: match.raceLostEvent, userId });
    const replayed = match.raceLostEvent === 'code.replayed';
    const proof = { reason: replayed ? 'replayed' : 'invalid', method: match.method } as const;
    return failed(ctx, userId, verdict, now, proof, budget);
  }
  if (!policy.attempts.resetAccountOnSuccess && verdict.account) {
    // Successes do not count against the account: only failures accumulate.
    await ctx.store.commit([ctx.limiter.refundOp(userId, verdict.account, now)], now);
  }
  if (match.usedEvent) await ctx.emit({ type: match.usedEvent, userId });
  if (device) {
    const label = proven.options.deviceLabel ?? 'Unknown browser';
    await ctx.emit({ type: 'device.trusted', userId, detail: { deviceId: device.deviceId, label } });
  }
  // Every success raises it: no await (a promise, a turn) when no listener is still at work.
  const emitting = ctx.emit({ type: 'verify.succeeded', userId, detail: { method: match.method, purpose } });
  if (emitting !== EVENT_DELIVERED) await emitting;
  return {
    ok: true,
    userId,
    method: match.method,
    purpose,
    provenAt: now,
    ...(bound?.key ? { sessionKey: bound.key } : {}),
    ...(device
      ? { deviceToken: device.token, deviceExpiresAt: device.expiresAt, deviceId: device.deviceId }
      : {}),
  };
}

/**
 * Adds to `ops` what a session-bound success needs of its session: at a login, the signed-in session
 * opening in its place ({@link openSignedIn}); at a step-up, only that the user's sessions were not
 * ended since the attempt found it open (a step-up proven in a session signed out everywhere meanwhile
 * proves nothing). The signed-in session's key (null at a step-up), and where in `ops` a session
 * closed meanwhile fails the commit.
 */
function sessionStillOpen(
  ctx: Context,
  proven: ProvenChallenge,
  purpose: string,
  ops: StoreOp[],
): { key: string | null; closedAt: number[] } {
  if (proven.session?.signIn && purpose === 'login') return openSignedIn(ctx, proven, ops);
  const at = ops.push(ctx.sessions.notEndedSinceOp(proven.userId, proven.sessionsFrom ?? null)) - 1;
  return { key: null, closedAt: [at] };
}

/**
 * Adds to `ops` the signed-in session a login's success opens (dated from the proof, as
 * `sessions.open` with `provenAt` dates it), closing the session the proof came from, which must
 * still be open: still there, and the user's sessions not ended ("sign out everywhere") since the
 * attempt found it open. Its new key, and where in `ops` a session closed meanwhile fails the commit.
 */
function openSignedIn(
  ctx: Context,
  proven: ProvenChallenge,
  ops: StoreOp[],
): { key: string; closedAt: number[] } {
  const { userId, policy, now } = proven;
  const opening = ctx.sessions.openOps(userId, {
    ttlMs: sessionTtlMs(policy),
    since: now + 1,
    now,
    replaces: proven.session?.key ?? null,
    replacedMustBeOpen: true,
  });
  const at = ops.length;
  ops.push(...opening.ops, ctx.sessions.notEndedSinceOp(userId, proven.sessionsFrom ?? null));
  return { key: opening.key, closedAt: [at + opening.replacedAt, ops.length - 1] };
}
