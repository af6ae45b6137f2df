import { z } from 'zod';
import type { MethodRoute, MethodRouteContext } from '../method-http.js';
import { errorBody } from '../route-bodies.js';
import type { BackupCodesApi } from './backup-codes-api.js';

type Context = MethodRouteContext<BackupCodesApi>;

const backupCodesView = z.object({
  total: z.number(),
  remaining: z.number(),
  codes: z.array(z.string()).nullable().describe('viewable storage and a fresh second factor only'),
  stepUpRequired: z.literal(true).optional().describe('the codes are hidden until a step-up'),
});

const newBackupCodes = z.object({ codes: z.array(z.string()) });

/** Its part of `GET /status`. */
export const backupCodesStatusBody = { backupCodesRemaining: z.number() };

/** "View Backup Codes", "Generate new codes", "Download". */
export const backupCodeRoutes: MethodRoute<Context>[] = [
  {
    method: 'GET',
    path: '/backup-codes',
    guard: 'setup',
    summary: 'Counts; the unused codes too (viewable storage) when the second factor is fresh',
    responses: { 200: { description: 'the counts (and codes)', body: backupCodesView } },
    async handle(ctx) {
      const view = await ctx.api.view(ctx.userId);
      if (view.codes === null) return ctx.answers.json(200, view);
      // A code read off this page passes step-up: showing them again needs a fresh factor itself.
      const fresh = await ctx.freshFactor();
      return ctx.answers.json(200, fresh ? view : { ...view, codes: null, stepUpRequired: true });
    },
  },
  {
    method: 'POST',
    path: '/backup-codes/regenerate',
    guard: 'stepUp',
    body: z.object({ revokeDevices: z.boolean().optional() }),
    summary: 'Ten new codes; every older code is void',
    responses: {
      200: { description: 'the new codes', body: newBackupCodes },
      409: { description: 'not-enabled: no factor is on', body: errorBody },
    },
    async handle(ctx) {
      const { revokeDevices } = ctx.body as { revokeDevices?: boolean };
      const codes = await ctx.api.regenerate(ctx.userId, { revokeDevices: revokeDevices === true });
      if (revokeDevices) await ctx.keepSession();
      return ctx.answers.json(200, { codes }, revokeDevices ? [ctx.clearDeviceCookie()] : []);
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
      const text = ctx.api.toText(codes, { accountName: await ctx.accountName() });
      return {
        status: 200,
        body: null,
        attachment: { contentType: 'text/plain; charset=utf-8', text },
        headers: [['Content-Disposition', 'attachment; filename="backup-codes.txt"']],
      };
    },
  },
];
