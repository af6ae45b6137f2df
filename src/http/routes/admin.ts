import { z } from 'zod';
import type { Actor } from '../../core/events.js';
import { json } from '../answers.js';
import * as bodies from '../response-schemas.js';
import type { SessionState } from '../session.js';
import { keepSession } from '../session-flow.js';
import type { Route, RouteContext } from '../types.js';

const policyBody = z.object({
  frequency: z
    .union([z.literal('every-login'), z.object({ trustDays: z.number().int().min(1).max(365) })])
    .optional(),
  required: z.boolean().optional(),
});

const target = (ctx: RouteContext) => String(ctx.req.params['userId']);

/** The org policy and the administrators' actions. */
export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/policy',
    guard: 'setup',
    summary: 'The org policy',
    responses: { 200: { description: 'the effective policy', body: bodies.policy } },
    handle: async (ctx) => json(200, await ctx.tf.policy.get()),
  },
  {
    method: 'PUT',
    path: '/policy',
    guard: 'admin',
    permission: 'policy',
    body: policyBody,
    summary: 'Changes the org policy (frequency, required)',
    responses: { 200: { description: 'the new effective policy', body: bodies.policy } },
    async handle(ctx) {
      const body = ctx.body as z.output<typeof policyBody>;
      const input = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      return json(200, await ctx.tf.policy.set(input, { actor: ctx.actor ?? undefined }));
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:userId/reset',
    guard: 'admin',
    permission: 'actor',
    summary: "Turns every method of the user off; voids codes and trusted browsers; ends the user's sessions",
    responses: { 200: { description: 'reset', body: bodies.done } },
    async handle(ctx) {
      await ctx.tf.admin.reset(ctx.actor as Actor, target(ctx));
      // Resetting oneself ends one's own sessions too; this one stays.
      const state = ctx.state as SessionState;
      if (target(ctx) === state.userId) await keepSession(ctx.tf, state);
      return json(200, { ok: true });
    },
  },
];
