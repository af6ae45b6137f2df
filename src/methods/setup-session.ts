import type { Policy } from '../core/policy/policy-schema.js';
import type { AttemptVerdict } from '../services/attempt-limiter.js';
import { sessionTtlMs } from '../services/session-registry.js';
import { storeKeys } from '../store/keys.js';
import type { StoredRecord, StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
import type { SetupResult } from './enable.js';
import { setupVerdict } from './setup-verdict.js';
import type { UserRecords } from './user-records.js';

/**
 * A setup confirmed from a session (the HTTP layer's, never public). The session's open check and
 * the step-up rule ride in the attempt's commit, and what the confirm does to the session (a setup
 * session signed in, a signed-in one kept through 2FA turning on) in the enable commit: a confirm
 * costs the store two round trips, a wrong code one.
 */
export interface SetupSession {
  /** The session's key in the registry (`sessions.open` gave it). */
  key: string;
  /** As the host's session stores it: setting up a required first method, or signed in. */
  stage: 'setup' | 'signed-in';
  /** When this session last verified a second factor (null: never); fresh within the policy's `stepUpMaxAgeMs`. */
  secondFactorAt: number | null;
  /**
   * Whether the policy's rule makes this signed-in session a setup session (`tf.sessions.check`'s
   * `setup-required`), judged on the user's records the attempt read.
   */
  mustSetUp(user: UserRecords): Promise<boolean>;
}

/** A session-bound confirm refused before any change: the session was closed, or must step up. */
export type SetupSessionRefusal = { ok: false; reason: 'session-closed' | 'step-up-required' };

export const SETUP_SESSION_CLOSED = { ok: false, reason: 'session-closed' } as const;
export const SETUP_STEP_UP_REQUIRED = { ok: false, reason: 'step-up-required' } as const;

/**
 * What a session-bound confirm answers: the method's result (a setup session signed in: with the
 * signed-in session's key), or a refusal of the session.
 */
export type SessionSetupResult<R extends { ok: boolean } = SetupResult> =
  | (Extract<R, { ok: true }> & { sessionKey?: string })
  | Extract<R, { ok: false }>
  | SetupSessionRefusal;

/** A method's confirm bound to a session: its module's `api.inSession` (instrumented as `confirmSetup`). */
export interface CodeSetupInSession {
  confirmSetup(userId: string, code: string, session: SetupSession): Promise<SessionSetupResult>;
}

/** The session an attempt found open, for the enable commit. */
export interface BoundSetup {
  session: SetupSession;
  /** Signed in with a fresh second factor: it may add a method to those the user has. */
  fresh: boolean;
  /** A setup session (as stored, or by the policy's rule): the enable opens the signed-in session. */
  signsIn: boolean;
  /** The session's records as the attempt read them: its own, then the user's `sessions-from`. */
  read: ReadonlyArray<StoredRecord | null>;
  policy: Policy;
}

/** A setup's attempt: refused (a result to answer), or counted with the user's records. */
export type SetupAttempt =
  | { ok: false; result: Extract<SetupResult, { ok: false }> | SetupSessionRefusal }
  | {
      ok: true;
      verdict: Extract<AttemptVerdict, { ok: true }>;
      user: UserRecords;
      /** The session it came from, found open (null: a facade call without a session). */
      bound: BoundSetup | null;
    };

/**
 * Takes one attempt on a pending setup and reads the user's records in the same atomic step (one
 * round trip). Bound to a session, the same step reads the session's records and, without a fresh
 * second factor, holds only while every factor of the user is off (the step-up rule: a user with a
 * method must step up before adding one), refused then with nothing counted. A session found closed
 * is refused before the proof is evaluated (the attempt stays counted, as at a login); when the
 * attempt itself is refused (nothing read), the session is read apart, so a closed one still reads
 * as closed first.
 */
export async function takeSetupAttempt(
  ctx: MethodContext,
  userId: string,
  pendingKey: string,
  session: SetupSession | null,
): Promise<SetupAttempt> {
  const policy = await ctx.policy({ userId });
  const reads = ctx.methods.reads(userId);
  const sessionKeys = session ? ctx.sessions.checkKeys(userId, session.key) : [];
  const attempt = ctx.limiter.takeOps(pendingKey, null, policy);
  const now = ctx.now();
  const at = session?.stage === 'signed-in' ? session.secondFactorAt : null;
  const fresh = at !== null && now - at <= policy.stepUpMaxAgeMs;
  const guards = session && !fresh ? [ctx.methods.factorsOffGuard(userId)] : [];
  // The guard first: a step-up is asked for before the setup's own refusals (expired, locked), as before.
  const result = await ctx.store.commit([...guards, ...attempt], now, [...reads.keys, ...sessionKeys]);
  // Refused with nothing read: a closed session is still answered as closed, as the guard answered it
  // before (a setup ended with the methods' change, a lock): one read more, on these paths only.
  if (!result.ok && session && !(await ctx.sessions.isOpen(userId, session.key)))
    return { ok: false, result: SETUP_SESSION_CLOSED };
  if (!result.ok && result.index < guards.length) return { ok: false, result: SETUP_STEP_UP_REQUIRED };
  const verdict = ctx.limiter.interpret(
    result.ok
      ? { ...result, results: result.results.slice(guards.length) }
      : { ...result, index: result.index - guards.length },
    policy,
    now,
  );
  if (!verdict.ok) return { ok: false, result: setupVerdict(verdict) };
  const read = (result.ok && result.read) || [];
  const user = reads.records(read);
  if (!session) return { ok: true, verdict, user, bound: null };
  const sessionRead = read.slice(reads.keys.length);
  if (!ctx.sessions.openIn(sessionRead)) return { ok: false, result: SETUP_SESSION_CLOSED };
  const signsIn = session.stage === 'setup' || (await session.mustSetUp(user));
  // Fresh, but a setup session by the rule (no allowed method on): a method on means a step-up first.
  if (signsIn && ctx.methods.enabledFactors(user).length > 0)
    return { ok: false, result: SETUP_STEP_UP_REQUIRED };
  return { ok: true, verdict, user, bound: { session, fresh, signsIn, read: sessionRead, policy } };
}

/**
 * The ops the enable commit adds for the session a confirm came from, last in the commit (a failure
 * among them: the session was closed meanwhile): a setup session's signed-in session, opened in its
 * place (whose record must still be there to take); a signed-in session 2FA turns on for, dated
 * after the end of the user's sessions (its record must still be there); otherwise a guard that its
 * record is still there. In every case the user's sessions must not have been ended since the
 * attempt read them: `endAll` (2FA turning on ends them) is committed only on that condition.
 */
export function sessionEnableOps(
  ctx: MethodContext,
  userId: string,
  bound: BoundSetup,
  now: number,
  endAll: Extract<StoreOp, { type: 'put' }> | null,
): { ops: StoreOp[]; sessionKey?: string } {
  const read = bound.read[1]?.fields['from'];
  const unchanged = read === undefined ? { absent: ['from'] } : { match: { from: read } };
  const ended: StoreOp = endAll
    ? {
        type: 'merge',
        key: endAll.key,
        fields: endAll.fields,
        expiresAt: endAll.expiresAt,
        create: true,
        ...unchanged,
      }
    : read === undefined
      ? { type: 'absent', key: storeKeys.sessionsFrom(userId) }
      : { type: 'merge', key: storeKeys.sessionsFrom(userId), fields: {}, ...unchanged };
  // Dated after an end committed in the same step (this millisecond included), as `sessions.open` dates it.
  const since = now + 1;
  if (bound.signsIn) {
    const opening = ctx.sessions.openOps(userId, {
      ttlMs: sessionTtlMs(bound.policy),
      since,
      now,
      replaces: bound.session.key,
      replacedMustBeOpen: true,
    });
    return { ops: [...opening.ops, ended], sessionKey: opening.key };
  }
  const own = storeKeys.session(userId, bound.session.key);
  const kept: StoreOp = { type: 'merge', key: own, fields: endAll ? { since: String(since) } : {} };
  return { ops: [kept, ended] };
}
