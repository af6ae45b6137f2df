import { z } from 'zod';
import { json, refusal, resultAnswer } from '../answers.js';
import type { SignedInState } from '../session.js';
import type { Route, RouteContext } from '../types.js';

const signedIn = (ctx: RouteContext) => ctx.state as SignedInState;

/** Step-up: a fresh second factor for the signed-in user before a sensitive change. */
export const stepUpRoutes: Route[] = [
  {
    method: 'POST',
    path: '/step-up/start',
    guard: 'signedIn',
    summary: 'Starts a step-up challenge for the signed-in user',
    async handle(ctx) {
      const state = signedIn(ctx);
      const start = await ctx.tf.login.start(state.userId, { stepUp: true });
      if (start.status !== 'challenge') return refusal(409, 'no-method', { status: start.status });
      await ctx.req.session.set({ ...state, stepUpChallengeId: start.challengeId });
      return json(200, { methods: start.methods, expiresAt: start.expiresAt });
    },
  },
  {
    method: 'POST',
    path: '/step-up/email',
    guard: 'signedIn',
    summary: 'Sends the step-up code by email',
    async handle(ctx) {
      const id = signedIn(ctx).stepUpChallengeId;
      if (!id) return refusal(409, 'no-step-up');
      return resultAnswer(await ctx.tf.login.sendEmailCode(id), ctx.options.now(), 409);
    },
  },
  {
    method: 'POST',
    path: '/step-up/verify',
    guard: 'signedIn',
    body: z.object({ code: z.string().min(1).max(256) }),
    summary: 'Verifies the step-up code: the session has a fresh second factor',
    async handle(ctx) {
      const state = signedIn(ctx);
      if (!state.stepUpChallengeId) return refusal(409, 'no-step-up');
      const { code } = ctx.body as { code: string };
      const result = await ctx.tf.login.verify(state.stepUpChallengeId, code);
      const now = ctx.options.now();
      if (result.ok) {
        // The proof counts only for the user it was made for, and only as a step-up.
        if (result.userId !== state.userId || result.purpose !== 'step-up') {
          await ctx.req.session.set({ ...state, stepUpChallengeId: null });
          return refusal(409, 'no-step-up');
        }
        await ctx.req.session.set({ ...state, secondFactorAt: now, stepUpChallengeId: null });
        return json(200, { ok: true, method: result.method });
      }
      if (result.reason !== 'invalid-code' && result.reason !== 'locked') {
        await ctx.req.session.set({ ...state, stepUpChallengeId: null });
      }
      return resultAnswer(result, now, 401);
    },
  },
];
