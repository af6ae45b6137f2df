import type { Policy } from '../core/policy/policy-schema.js';
import { sessionTtlMs } from '../services/session-registry.js';
import { storeKeys } from '../store/keys.js';
import type { StoredRecord, StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
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
    : ctx.sessions.notEndedSinceOp(userId, bound.read[1] ?? null);
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
