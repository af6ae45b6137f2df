import { z } from 'zod';
import type { Actor } from '../../core/events.js';
import type { MethodRoute, MethodRouteContext } from '../method-http.js';
import { errorBody } from '../route-bodies.js';
import type { AdminCodeCalls } from './admin-code-calls.js';

type Context = MethodRouteContext<unknown, unknown, unknown, AdminCodeCalls>;

const adminCode = z.object({ code: z.string(), expiresAt: z.number() });

/** An administrator issues an agent's one-time code. */
export const adminCodeRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/admin/users/:userId/backup-code',
    guard: 'admin',
    permission: 'actor',
    summary: 'A one-time code for an agent: 30 minutes, single use, login only',
    responses: {
      200: { description: 'the code, to hand over once', body: adminCode },
      409: { description: 'not-enabled: the agent has no method', body: errorBody },
    },
    handle: async (ctx) =>
      ctx.answers.json(
        200,
        await ctx.admin.issueBackupCode(ctx.actor as Actor, String(ctx.params['userId'])),
      ),
  },
];
