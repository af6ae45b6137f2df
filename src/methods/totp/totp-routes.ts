import { z } from 'zod';
import type { MethodRoute, MethodRouteContext } from '../method-http.js';
import { confirmRoute } from '../route-bodies.js';
import type { TotpApi } from './totp-setup.js';

type Context = MethodRouteContext<TotpApi>;

const totpSetup = z.object({
  secret: z.string().describe('base32, for typing into the app'),
  uri: z.string().describe('otpauth://totp/...'),
  qrSvg: z.string().describe('an SVG QR code of the URI'),
  expiresAt: z.number(),
});

/** Its part of `GET /status`. */
export const totpStatusBody = { totp: z.boolean() };

/** Linking an authenticator app: the secret, then its first code. */
export const totpRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/totp/setup',
    guard: 'setup',
    summary: 'Starts linking an authenticator app: secret, otpauth URI and QR code',
    responses: { 200: { description: 'pending until confirmed', body: totpSetup } },
    async handle(ctx) {
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      const accountName = await ctx.accountName();
      return ctx.answers.json(200, await ctx.api.beginSetup(ctx.userId, { accountName }));
    },
  },
  confirmRoute(
    '/totp/confirm',
    'Confirms the app with its first code; the first method returns the backup codes',
    { inSession: true },
  ),
];
