import { z } from 'zod';
import { trustDays } from '../../core/policy/policy-schema.js';
import { deviceLabel } from '../../services/trusted-device-store.js';
import { json, refusal, resultAnswer } from '../answers.js';
import { setCookie } from '../cookies.js';
import * as bodies from '../response-schemas.js';
import { type SessionState, signedIn } from '../session.js';
import { enterState } from '../session-flow.js';
import type { Route, RouteContext } from '../types.js';

const pending = (ctx: RouteContext) => ctx.state as Extract<SessionState, { stage: 'pending' }>;

/** The "Input Authentication Code" step of a login. */
export const loginRoutes: Route[] = [
  {
    method: 'GET',
    path: '/login',
    guard: 'pending',
    summary: 'The pending login: the methods offered and the trusted-browser days',
    responses: { 200: { description: 'a code is pending', body: bodies.pendingLogin } },
    async handle(ctx) {
      return json(200, {
        pending: true,
        methods: pending(ctx).methods,
        trustDays: trustDays(await ctx.tf.policy.get()),
      });
    },
  },
  {
    method: 'POST',
    path: '/login/email',
    guard: 'pending',
    summary: 'Sends the login code by email',
    responses: {
      200: { description: 'sent', body: bodies.sendCodeResult },
      409: { description: 'no email method, or the challenge ended', body: bodies.sendCodeResult },
      429: { description: 'cooldown (Retry-After)', body: bodies.sendCodeResult },
    },
    async handle(ctx) {
      const result = await ctx.tf.login.sendEmailCode(pending(ctx).challengeId);
      return resultAnswer(result, ctx.options.now(), 409);
    },
  },
  {
    method: 'POST',
    path: '/login/verify',
    guard: 'pending',
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
      const state = pending(ctx);
      const body = ctx.body as { code: string; rememberDevice?: boolean };
      const result = await ctx.tf.login.verify(state.challengeId, body.code, {
        rememberDevice: body.rememberDevice === true,
        deviceLabel: deviceLabel(ctx.req.header('user-agent')),
      });
      const now = ctx.options.now();
      if (result.ok && result.userId === state.userId && result.purpose === 'login') {
        const headers: Array<[string, string]> = [];
        if (result.deviceToken && result.deviceExpiresAt) {
          const { cookieName, cookieAttributes } = ctx.options;
          headers.push([
            'Set-Cookie',
            setCookie(cookieName, result.deviceToken, result.deviceExpiresAt - now, cookieAttributes),
          ]);
        }
        const deviceId = result.deviceId ?? null;
        await enterState(ctx.tf, ctx.req.session, signedIn(state.userId, { secondFactorAt: now, deviceId }));
        return json(200, { ok: true, method: result.method }, headers);
      }
      if (result.ok) {
        // Never happens with a server-side challenge id; refused all the same.
        await ctx.req.session.set(undefined);
        return refusal(401, 'no-pending-login');
      }
      // An ended, expired or unknown challenge sends the user back to the password.
      if (result.reason !== 'invalid-code' && result.reason !== 'locked')
        await ctx.req.session.set(undefined);
      return resultAnswer(result, now, 401);
    },
  },
];
