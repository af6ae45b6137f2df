import { z } from 'zod';
import { maybeContextOf } from '../../app/internals.js';
import { pendingLock } from '../../app/login/pending-lock.js';
import type { SessionVerifyResult } from '../../app/login/verify-outcomes.js';
import { trustDays } from '../../core/policy/policy-schema.js';
import { deviceLabel } from '../../services/trusted-device-store.js';
import { json, refusal, resultAnswer, retryAfter } from '../answers.js';
import { setCookie } from '../cookies.js';
import * as bodies from '../response-schemas.js';
import { type SessionState, signedIn } from '../session.js';
import { settleState, verifyFromSession } from '../session-flow.js';
import type { HttpAnswer, Route, RouteContext } from '../types.js';

const pending = (ctx: RouteContext) => ctx.state as Extract<SessionState, { stage: 'pending' }>;

/**
 * A login proof's verify options: trust the browser when asked, under its user agent's label. The
 * label is made only then: a proof without it (nearly every one) gives the facade no options to
 * validate.
 */
export const verifyOptions = (ctx: RouteContext, body: { rememberDevice?: boolean | undefined }) =>
  body.rememberDevice === true
    ? { rememberDevice: true, deviceLabel: deviceLabel(ctx.req.header('user-agent')), signIn: true }
    : { signIn: true };

/**
 * The answer to a login proof (a code or a key), whose success commit opened the signed-in session:
 * signed in (new session id, the trusted-browser cookie when asked), or the refusal; an ended,
 * expired or unknown challenge, or a session closed meanwhile, sends the user back to the password.
 * A wrong code or a lock, which leave the session as it is, are answered without a promise.
 */
export function signInAnswer(
  ctx: RouteContext,
  result: SessionVerifyResult,
): HttpAnswer | Promise<HttpAnswer> {
  const state = pending(ctx);
  const now = ctx.options.now();
  if (result.ok && result.userId === state.userId && result.purpose === 'login' && result.sessionKey) {
    return signedInAnswer(ctx, result, { userId: state.userId, sessionKey: result.sessionKey }, now);
  }
  if (result.ok || result.reason === 'session-closed') {
    // A success for another user or purpose never happens with a server-side challenge id; refused all the same.
    return afterWipe(ctx, refusal(401, 'no-pending-login'));
  }
  const answer = resultAnswer(result, now, 401);
  return result.reason === 'invalid-code' || result.reason === 'locked' ? answer : afterWipe(ctx, answer);
}

/** The session signed in under the key the success commit opened: new state, new session id. */
async function signedInAnswer(
  ctx: RouteContext,
  result: Extract<SessionVerifyResult, { ok: true }>,
  { userId, sessionKey }: { userId: string; sessionKey: string },
  now: number,
): Promise<HttpAnswer> {
  const headers: Array<[string, string]> = [];
  if (result.deviceToken && result.deviceExpiresAt) {
    const { cookieName, cookieAttributes } = ctx.options;
    headers.push([
      'Set-Cookie',
      setCookie(cookieName, result.deviceToken, result.deviceExpiresAt - now, cookieAttributes),
    ]);
  }
  const deviceId = result.deviceId ?? null;
  await settleState(ctx.req.session, signedIn(userId, { secondFactorAt: now, deviceId }), sessionKey);
  return json(200, { ok: true, method: result.method }, headers);
}

/** `answer`, once the session's 2FA state is wiped (the login it was waiting for is over). */
async function afterWipe(ctx: RouteContext, answer: HttpAnswer): Promise<HttpAnswer> {
  await ctx.req.session.set(undefined);
  return answer;
}

/** The "Input Authentication Code" step of a login. */
export const loginRoutes: Route[] = [
  {
    method: 'GET',
    path: '/login',
    guard: 'pending',
    summary: 'The pending login: the methods offered, the trusted-browser days, and its lock if any',
    responses: {
      200: {
        description:
          'a code is pending; while it is locked, Retry-After and "Please try again in five minutes."',
        body: bodies.pendingLogin,
      },
    },
    async handle(ctx) {
      const { methods, challengeId } = pending(ctx);
      // The lock as the store has it (a reload of the code page keeps its countdown).
      const facade = maybeContextOf(ctx.tf);
      const [policy, lock] = await Promise.all([
        ctx.tf.policy.get({ userId: pending(ctx).userId }),
        facade ? pendingLock(facade, challengeId) : null,
      ]);
      const body = { pending: true, methods, trustDays: trustDays(policy), locked: lock !== null };
      if (!lock) return json(200, body);
      const headers = [retryAfter(lock.retryAt, ctx.options.now())];
      return { ...json(200, { ...body, ...lock }, headers), messageCode: 'locked' };
    },
  },
  {
    method: 'POST',
    path: '/login/verify',
    guard: 'pending',
    checksSessionInCommit: true,
    body: z.object({ code: z.string().min(1).max(256), rememberDevice: z.boolean().optional() }),
    summary: 'Verifies the code; signs the session in (new session id) and may trust the browser',
    responses: {
      200: { description: 'signed in; Set-Cookie for the trusted browser when asked', body: bodies.verified },
      401: {
        description: 'a wrong code (attempts left), or the challenge ended',
        body: bodies.verifyFailure,
      },
      429: {
        description: 'locked (Retry-After): "Please try again in five minutes."',
        body: bodies.verifyFailure,
      },
    },
    async handle(ctx) {
      const body = ctx.body as { code: string; rememberDevice?: boolean };
      const state = pending(ctx);
      const proof = { code: body.code };
      const result = await verifyFromSession(
        ctx.tf,
        state,
        state.challengeId,
        proof,
        verifyOptions(ctx, body),
      );
      return signInAnswer(ctx, result);
    },
  },
];
