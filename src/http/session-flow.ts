import type { TwoFactor } from '../app/create-two-factor.js';
import { sessionVerifiersOf } from '../app/internals.js';
import type { LoginProof, VerifyOptions } from '../app/login/verify.js';
import type { SessionVerifyResult } from '../app/login/verify-outcomes.js';
import { type NewState, type SessionState, storedState, type TwoFactorSessionAccess } from './session.js';

/**
 * The session's state, when its key is still open in factorkit's store; otherwise the state is
 * wiped and the session counts as signed out. The policy's rule applies on every request: a
 * signed-in user who must set up a method now (2FA required since the sign-in, or the last method
 * turned off) is a setup session, sent to setup, until a method is confirmed.
 */
export async function currentState(
  tf: TwoFactor,
  session: TwoFactorSessionAccess,
): Promise<SessionState | null> {
  const state = await storedState(session);
  if (state === null) return null;
  const check = await tf.sessions.check(state.userId, state.sessionKey);
  if (check === 'closed') {
    await session.set(undefined);
    return null;
  }
  if (check === 'setup-required' && state.stage === 'signed-in') {
    return { stage: 'setup', userId: state.userId, sessionKey: state.sessionKey };
  }
  return state;
}

/**
 * A privilege change (password accepted, second factor verified, required setup done): a new key in
 * the registry (the previous one closed), the new state, and a new session id. Whatever the session
 * held before, another account's proof included, is replaced. A session opened by a second factor
 * dates from its proof (`provenAt`).
 */
export async function enterState(
  tf: TwoFactor,
  session: TwoFactorSessionAccess,
  next: NewState,
  provenAt?: number,
): Promise<void> {
  const previous = await storedState(session);
  const sameUser = previous?.userId === next.userId;
  if (previous && !sameUser) await tf.sessions.close(previous.userId, previous.sessionKey);
  // Waiting for a code or a setup, a session lives as long as that; the full lifetime starts at sign-in.
  const waitsFor = next.stage === 'pending' ? 'code' : next.stage === 'setup' ? 'setup' : undefined;
  const sessionKey = await tf.sessions.open(next.userId, {
    replaces: sameUser ? previous.sessionKey : null,
    provenAt,
    waitsFor,
  });
  await settleState(session, next, sessionKey);
}

/**
 * The new state under its session key, then a new session id: the host's side of a privilege change
 * (after a sign-in whose success commit opened the session, the whole of it).
 */
export async function settleState(
  session: TwoFactorSessionAccess,
  next: NewState,
  sessionKey: string,
): Promise<void> {
  await session.set({ ...next, sessionKey });
  await session.rotate();
}

/**
 * A proof from the session holding `state` (a route with `checksSessionInCommit`): the session's
 * open check rides in the verify's first commit and, with `signIn`, the signed-in session opens in
 * its success commit. A `session-closed` answer means the guard would have refused: the caller
 * wipes the state.
 */
export function verifyFromSession(
  tf: TwoFactor,
  state: SessionState,
  challengeId: string,
  proof: LoginProof,
  options: VerifyOptions & { signIn: boolean },
): Promise<SessionVerifyResult> {
  const { signIn, ...verifyOptions } = options;
  return sessionVerifiersOf(tf).verify(challengeId, proof, verifyOptions, { key: state.sessionKey, signIn });
}

/**
 * Keeps this session open after a change that ended the user's sessions (2FA turned on or off,
 * every browser revoked, an admin reset of oneself): the session that made the change stays.
 */
export async function keepSession(tf: TwoFactor, state: SessionState): Promise<void> {
  await tf.sessions.renew(state.userId, state.sessionKey);
}

/** Signs the session out: its key is closed, the state wiped, then the session ends (or moves to a new id). */
export async function leaveSession(tf: TwoFactor, session: TwoFactorSessionAccess): Promise<void> {
  const previous = await storedState(session);
  if (previous) await tf.sessions.close(previous.userId, previous.sessionKey);
  await session.set(undefined);
  if (session.destroy) await session.destroy();
  else await session.rotate();
}
