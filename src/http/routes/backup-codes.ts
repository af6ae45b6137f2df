import { z } from 'zod';
import { json } from '../answers.js';
import { clearCookie } from '../cookies.js';
import { hasFreshFactor } from '../guards.js';
import * as bodies from '../response-schemas.js';
import type { SessionState } from '../session.js';
import { keepSession } from '../session-flow.js';
import type { Route, RouteContext } from '../types.js';
import { accountNameOf } from './methods.js';

const bound = (ctx: RouteContext) => ctx.state as Exclude<SessionState, { stage: 'pending' }>;

/** "View Backup Codes", "Generate new codes", "Download". */
export const backupCodeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/backup-codes',
    guard: 'setup',
    summary: 'Counts; the unused codes too (viewable storage) when the second factor is fresh',
    responses: { 200: { description: 'the counts (and codes)', body: bodies.backupCodesView } },
    async handle(ctx) {
      const state = bound(ctx);
      const view = await ctx.tf.backupCodes.view(state.userId);
      if (view.codes === null) return json(200, view);
      // A code read off this page passes step-up: showing them again needs a fresh factor itself.
      const fresh = state.stage === 'signed-in' && (await hasFreshFactor(ctx.tf, state, ctx.options.now()));
      return json(200, fresh ? view : { ...view, codes: null, stepUpRequired: true });
    },
  },
  {
    method: 'POST',
    path: '/backup-codes/regenerate',
    guard: 'stepUp',
    body: z.object({ revokeDevices: z.boolean().optional() }),
    summary: 'Ten new codes; every older code is void',
    responses: {
      200: { description: 'the new codes', body: bodies.newBackupCodes },
      409: { description: 'not-enabled: no factor is on', body: bodies.errorBody },
    },
    async handle(ctx) {
      const { revokeDevices } = ctx.body as { revokeDevices?: boolean };
      const codes = await ctx.tf.backupCodes.regenerate(bound(ctx).userId, {
        revokeDevices: revokeDevices === true,
      });
      if (revokeDevices) await keepSession(ctx.tf, bound(ctx));
      const { cookieName, cookieAttributes } = ctx.options;
      return json(
        200,
        { codes },
        revokeDevices ? [['Set-Cookie', clearCookie(cookieName, cookieAttributes)]] : [],
      );
    },
  },
  {
    method: 'POST',
    path: '/backup-codes/download',
    guard: 'setup',
    body: z.object({ codes: z.array(z.string().max(64)).min(1).max(20) }),
    summary: 'The codes the client shows, as a text file to keep',
    responses: { 200: { description: 'backup-codes.txt (Content-Disposition: attachment)', text: true } },
    async handle(ctx) {
      const { codes } = ctx.body as { codes: string[] };
      const text = ctx.tf.backupCodes.toText(codes, { accountName: await accountNameOf(ctx) });
      return {
        status: 200,
        body: null,
        attachment: { contentType: 'text/plain; charset=utf-8', text },
        headers: [['Content-Disposition', 'attachment; filename="backup-codes.txt"']],
      };
    },
  },
];
