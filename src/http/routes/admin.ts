import { z } from 'zod';
import type { TwoFactor } from '../../app/create-two-factor.js';
import { maybeContextOf } from '../../app/internals.js';
import type { Actor } from '../../core/events.js';
import { methodRulesSchema, requiredRuleSchema } from '../../core/policy/policy-schema.js';
import { json, refusal } from '../answers.js';
import * as bodies from '../response-schemas.js';
import type { SessionState } from '../session.js';
import { keepSession } from '../session-flow.js';
import type { Route, RouteContext } from '../types.js';

const policyBody = z.object({
  frequency: z
    .union([z.literal('every-login'), z.object({ trustDays: z.number().int().min(1).max(365) })])
    .optional(),
  required: z.union([z.boolean(), requiredRuleSchema]).optional(),
  methods: methodRulesSchema.optional(),
});

const target = (ctx: RouteContext) => String(ctx.req.params['userId']);

/**
 * The org a `PUT /policy` writes: the admin's own (`actor.org`) when the facade has organizations
 * (`orgOf`); the platform policy otherwise, or for an operator (`org: '*'`).
 */
function ownOrg(tf: TwoFactor, actor: Actor | null): string | undefined {
  if (!maybeContextOf(tf)?.orgs.enabled || !actor?.org || actor.org === '*') return undefined;
  return actor.org;
}

/** The org policy and the administrators' actions. */
export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/policy',
    guard: 'setup',
    summary: "The policy of the signed-in user's org",
    responses: { 200: { description: 'the effective policy', body: bodies.policy } },
    handle: async (ctx) => json(200, await ctx.tf.policy.get({ userId: (ctx.state as SessionState).userId })),
  },
  {
    method: 'PUT',
    path: '/policy',
    guard: 'admin',
    permission: 'policy',
    body: policyBody,
    summary: "Changes the policy of the admin's own org (frequency, required and its rollout, methods)",
    responses: { 200: { description: 'the new effective policy', body: bodies.policy } },
    async handle(ctx) {
      const body = ctx.body as z.output<typeof policyBody>;
      const input = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      // With organizations, whose policy this is comes from the actor: no actor, no scope, no change.
      if (ctx.actor === null && maybeContextOf(ctx.tf)?.orgs.enabled) return refusal(403, 'not-authorized');
      const actor = ctx.actor ?? undefined;
      return json(200, await ctx.tf.policy.set(input, { actor, org: ownOrg(ctx.tf, ctx.actor) }));
    },
  },
  {
    method: 'GET',
    path: '/admin/overview',
    guard: 'admin',
    permission: 'actor',
    summary:
      "Who is covered in the admin's org: counts by method, without 2FA, in grace, locked, low backup codes",
    responses: {
      200: { description: 'the counts', body: bodies.overview },
      404: {
        description: 'not-found: the host lists no users (adapter option usersOf)',
        body: bodies.errorBody,
      },
    },
    async handle(ctx) {
      if (!ctx.options.usersOf) return refusal(404, 'not-found');
      const userIds = await ctx.options.usersOf(ctx.req.native);
      return json(200, await ctx.tf.admin.overview(ctx.actor as Actor, { userIds }));
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

/** `GET /admin/users/:userId/status`, answered with the status body the methods make up. */
export function adminStatusRoute(statusBody: z.ZodType): Route {
  return {
    method: 'GET',
    path: '/admin/users/:userId/status',
    guard: 'admin',
    permission: 'actor',
    summary: "An agent's 2FA status (the agents page's 2FA column)",
    responses: { 200: { description: 'the status', body: statusBody } },
    handle: async (ctx) => json(200, await ctx.tf.admin.status(ctx.actor as Actor, target(ctx))),
  };
}
