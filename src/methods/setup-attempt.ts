import type { AttemptVerdict } from '../services/attempt-limiter.js';
import type { MethodContext } from './context.js';
import type { SetupResult } from './enable.js';
import {
  type BoundSetup,
  SETUP_SESSION_CLOSED,
  SETUP_STEP_UP_REQUIRED,
  type SetupSession,
  type SetupSessionRefusal,
} from './setup-session.js';
import { setupVerdict } from './setup-verdict.js';
import type { UserRecords } from './user-records.js';

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
