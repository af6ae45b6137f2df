import { z } from 'zod';
import type { SessionVerifyResult } from '../../app/login/verify-outcomes.js';
import { json, refusal, resultAnswer } from '../answers.js';
import * as bodies from '../response-schemas.js';
import type { SignedInState } from '../session.js';
import { leaveSession, verifyFromSession } from '../session-flow.js';
import type { HttpAnswer, Route, RouteContext } from '../types.js';

const signedIn = (ctx: RouteContext) => ctx.state as SignedInState;

/**
 * A step-up counted against this session (5 wrong codes, then it ends), never the account's sign-in
 * lock; in a session a trusted browser opened without a second factor, against that browser, which
 * every session it opens shares (so the password and the cookie cannot buy more guesses).
 */
const stepUpOptions = (state: SignedInState) => ({
  stepUp: true,
  session: state.sessionKey,
  ...(state.secondFactorAt === null && state.deviceId !== null ? { deviceId: state.deviceId } : {}),
});

/** Step-up: a fresh second factor for the signed-in user before a sensitive change. */
export const stepUpRoutes: Route[] = [
  {
    method: 'POST',
    path: '/step-up/start',
    guard: 'signedIn',
    summary: "Starts a step-up challenge for the signed-in user (the session's open one is reused)",
    responses: {
      200: { description: 'a challenge is open', body: bodies.stepUpStarted },
      409: { description: 'no-method: the user has no factor to step up with', body: bodies.errorBody },
    },
    async handle(ctx) {
      const state = signedIn(ctx);
      // One open challenge per session: starting again reuses it, so a session cannot flood the store.
      if (state.stepUp && state.stepUp.expiresAt > ctx.options.now()) {
        return json(200, { methods: state.stepUp.methods, expiresAt: state.stepUp.expiresAt });
      }
      const start = await ctx.tf.login.start(state.userId, stepUpOptions(state));
      if (start.status !== 'challenge') return refusal(409, 'no-method', { status: start.status });
      const stepUp = { challengeId: start.challengeId, expiresAt: start.expiresAt, methods: start.methods };
      await ctx.req.session.set({ ...state, stepUp });
      return json(200, { methods: start.methods, expiresAt: start.expiresAt });
    },
  },
  {
    method: 'POST',
    path: '/step-up/verify',
    guard: 'signedIn',
    checksSessionInCommit: true,
    body: z.object({ code: z.string().min(1).max(256) }),
    summary: 'Verifies the step-up code: the session has a fresh second factor',
    responses: {
      200: { description: 'a fresh second factor', body: bodies.verified },
      401: { description: 'a wrong code, or the challenge ended', body: bodies.verifyFailure },
      409: { description: 'no-step-up: none was started', body: bodies.errorBody },
      429: { description: 'locked (Retry-After)', body: bodies.verifyFailure },
    },
    async handle(ctx) {
      const state = signedIn(ctx);
      if (!state.stepUp) return refusal(409, 'no-step-up');
      const { code } = ctx.body as { code: string };
      const options = { signIn: false };
      return stepUpAnswer(
        ctx,
        await verifyFromSession(ctx.tf, state, state.stepUp.challengeId, { code }, options),
      );
    },
  },
];

/**
 * The answer to a step-up proof: a fresh second factor for this user only, or the refusal; a session
 * found closed is signed out as the guard would have.
 */
export async function stepUpAnswer(ctx: RouteContext, result: SessionVerifyResult): Promise<HttpAnswer> {
  const state = signedIn(ctx);
  const now = ctx.options.now();
  if (!result.ok && result.reason === 'session-closed') {
    await ctx.req.session.set(undefined);
    return refusal(401, 'not-signed-in');
  }
  if (result.ok) {
    // The proof counts only for the user it was made for, and only as a step-up.
    if (result.userId !== state.userId || result.purpose !== 'step-up') {
      await ctx.req.session.set({ ...state, stepUp: null });
      return refusal(409, 'no-step-up');
    }
    await ctx.req.session.set({ ...state, secondFactorAt: now, stepUp: null });
    return json(200, { ok: true, method: result.method });
  }
  // Too many wrong codes: the session was ended; sign it out here too.
  if (result.reason === 'session-ended') await leaveSession(ctx.tf, ctx.req.session);
  else if (result.reason !== 'invalid-code' && result.reason !== 'locked') {
    await ctx.req.session.set({ ...state, stepUp: null });
  }
  return resultAnswer(result, now, 401);
}
