import { z } from 'zod';
import type { SetupResult } from '../../methods/enable.js';
import { type FactorId, factorIds } from '../../methods/registry.js';
import type { RegistrationResult } from '../../methods/webauthn/webauthn-registration.js';
import { json, refusal, resultAnswer } from '../answers.js';
import { clearCookie } from '../cookies.js';
import { hasFreshFactor } from '../guards.js';
import * as bodies from '../response-schemas.js';
import { type SessionState, signedIn } from '../session.js';
import { enterState, keepSession } from '../session-flow.js';
import type { HttpAnswer, Route, RouteContext } from '../types.js';

const bound = (ctx: RouteContext) => ctx.state as Exclude<SessionState, { stage: 'pending' }>;
const codeBody = z.object({ code: z.string().min(1).max(256) });

/** The label the user knows the account by (authenticator app entry, download file). */
export async function accountNameOf(ctx: RouteContext): Promise<string> {
  const { userId } = bound(ctx);
  return ctx.options.accountName ? ctx.options.accountName(userId, ctx.req.native) : userId;
}

/**
 * Adding or replacing a method once 2FA is on changes the second factor, so it needs a fresh one,
 * checked when the setup begins and again when it is confirmed. The very first method needs none.
 */
export async function stepUpMissing(ctx: RouteContext): Promise<HttpAnswer | null> {
  const state = bound(ctx);
  if (!(await ctx.tf.status(state.userId)).enabled) return null;
  if (state.stage === 'signed-in' && (await hasFreshFactor(ctx.tf, state, ctx.options.now()))) return null;
  return refusal(403, 'step-up-required');
}

/**
 * A confirmed setup. The first method, proven with its first code, counts as a fresh second
 * factor; a setup-required session becomes signed in (a privilege change: new session id).
 */
export async function confirmed(
  ctx: RouteContext,
  result: SetupResult | RegistrationResult,
): Promise<HttpAnswer> {
  const now = ctx.options.now();
  const state = bound(ctx);
  if (result.ok && state.stage === 'setup') {
    await enterState(ctx.tf, ctx.req.session, signedIn(state.userId, { secondFactorAt: now }));
  } else if (result.ok && result.backupCodes && state.stage === 'signed-in') {
    // 2FA just turned on, which ended the user's other sessions: this one stays, with a fresh factor.
    await keepSession(ctx.tf, state);
    await ctx.req.session.set({ ...state, secondFactorAt: now });
  }
  return resultAnswer(result, now, !result.ok && result.reason === 'invalid-code' ? 401 : 409);
}

/** Status, setup of each method, and turning one off. */
export const methodRoutes: Route[] = [
  {
    method: 'GET',
    path: '/status',
    guard: 'setup',
    summary: 'What the signed-in user has enabled',
    responses: { 200: { description: 'the status', body: bodies.status } },
    handle: async (ctx) => json(200, await ctx.tf.status(bound(ctx).userId)),
  },
  {
    method: 'POST',
    path: '/totp/setup',
    guard: 'setup',
    summary: 'Starts linking an authenticator app: secret, otpauth URI and QR code',
    responses: { 200: { description: 'pending until confirmed', body: bodies.totpSetup } },
    async handle(ctx) {
      const missing = await stepUpMissing(ctx);
      if (missing) return missing;
      const accountName = await accountNameOf(ctx);
      return json(200, await ctx.tf.totp.beginSetup(bound(ctx).userId, { accountName }));
    },
  },
  {
    method: 'POST',
    path: '/totp/confirm',
    guard: 'setup',
    body: codeBody,
    summary: 'Confirms the app with its first code; the first method returns the backup codes',
    responses: {
      200: { description: 'enabled', body: bodies.setupResult },
      401: { description: 'a wrong code', body: bodies.setupResult },
      409: { description: 'nothing pending, or it expired', body: bodies.setupResult },
      429: { description: 'locked (Retry-After)', body: bodies.setupResult },
    },
    async handle(ctx) {
      const missing = await stepUpMissing(ctx);
      if (missing) return missing;
      const { code } = ctx.body as { code: string };
      return confirmed(ctx, await ctx.tf.totp.confirmSetup(bound(ctx).userId, code));
    },
  },
  {
    method: 'POST',
    path: '/email/setup',
    guard: 'setup',
    body: z.object({ address: z.string().min(3).max(254) }),
    summary: 'Sends a code to the address to enable email authentication',
    responses: {
      200: { description: 'sent', body: bodies.sendCodeResult },
      429: { description: 'cooldown (Retry-After)', body: bodies.sendCodeResult },
      502: { description: 'mail-failed: the mailer failed (the code is void)', body: bodies.errorBody },
    },
    async handle(ctx) {
      const missing = await stepUpMissing(ctx);
      if (missing) return missing;
      const { address } = ctx.body as { address: string };
      return resultAnswer(await ctx.tf.email.beginSetup(bound(ctx).userId, address), ctx.options.now(), 409);
    },
  },
  {
    method: 'POST',
    path: '/email/confirm',
    guard: 'setup',
    body: codeBody,
    summary: 'Confirms the emailed code; the first method returns the backup codes',
    responses: {
      200: { description: 'enabled', body: bodies.setupResult },
      401: { description: 'a wrong code', body: bodies.setupResult },
      409: { description: 'nothing pending, or it expired', body: bodies.setupResult },
      429: { description: 'locked (Retry-After)', body: bodies.setupResult },
    },
    async handle(ctx) {
      const missing = await stepUpMissing(ctx);
      if (missing) return missing;
      const { code } = ctx.body as { code: string };
      return confirmed(ctx, await ctx.tf.email.confirmSetup(bound(ctx).userId, code));
    },
  },
  {
    method: 'POST',
    path: '/disable',
    guard: 'stepUp',
    body: z.object({ method: z.enum(factorIds) }),
    summary: "Turns a method off (ends every trusted browser and the user's other sessions)",
    responses: {
      200: { description: 'off; Set-Cookie clears the trusted-browser cookie', body: bodies.done },
    },
    async handle(ctx) {
      const { method } = ctx.body as { method: FactorId };
      await ctx.tf.disable(bound(ctx).userId, method);
      await keepSession(ctx.tf, bound(ctx));
      return json(200, { ok: true }, [
        ['Set-Cookie', clearCookie(ctx.options.cookieName, ctx.options.cookieAttributes)],
      ]);
    },
  },
];
