import { z } from 'zod';
import { json } from '../answers.js';
import { clearCookie } from '../cookies.js';
import * as bodies from '../response-schemas.js';
import type { SignedInState } from '../session.js';
import { keepSession } from '../session-flow.js';
import type { Route, RouteContext } from '../types.js';

const signedIn = (ctx: RouteContext) => ctx.state as SignedInState;
const clear = (ctx: RouteContext): [string, string] => [
  'Set-Cookie',
  clearCookie(ctx.options.cookieName, ctx.options.cookieAttributes),
];

/** Trusted browsers. */
export const deviceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/devices',
    guard: 'signedIn',
    summary: "The user's trusted browsers; `current` is this browser's id",
    responses: { 200: { description: 'newest first', body: bodies.devices } },
    async handle(ctx) {
      const state = signedIn(ctx);
      return json(200, { devices: await ctx.tf.devices.list(state.userId), current: state.deviceId });
    },
  },
  {
    method: 'DELETE',
    path: '/devices/:deviceId',
    guard: 'signedIn',
    summary: 'Forgets one trusted browser (404 when it is not there)',
    responses: {
      200: {
        description: 'forgotten (Set-Cookie clears the cookie when it is this browser)',
        body: bodies.revoked,
      },
      404: { description: 'no such browser', body: bodies.revoked },
    },
    async handle(ctx) {
      const state = signedIn(ctx);
      const deviceId = z
        .string()
        .regex(/^[A-Za-z0-9_-]{22}$/)
        .safeParse(ctx.req.params['deviceId']);
      const revoked = deviceId.success && (await ctx.tf.devices.revoke(state.userId, deviceId.data));
      const headers = revoked && deviceId.data === state.deviceId ? [clear(ctx)] : [];
      return json(revoked ? 200 : 404, { ok: revoked }, headers);
    },
  },
  {
    method: 'POST',
    path: '/devices/revoke-all',
    guard: 'stepUp',
    summary: "Forgets every trusted browser of the user and ends the user's other sessions",
    responses: { 200: { description: 'forgotten; Set-Cookie clears the cookie', body: bodies.done } },
    async handle(ctx) {
      await ctx.tf.devices.revokeAll(signedIn(ctx).userId);
      await keepSession(ctx.tf, signedIn(ctx));
      return json(200, { ok: true }, [clear(ctx)]);
    },
  },
];
