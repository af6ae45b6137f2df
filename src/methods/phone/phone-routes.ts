import { z } from 'zod';
import type { MethodAnswer, MethodRoute, MethodRouteContext } from '../method-http.js';
import { confirmRoute, errorBody, sendResult } from '../route-bodies.js';
import type { PhoneLogin } from './phone-login.js';
import type { PhoneApi } from './phone-setup.js';

type Context = MethodRouteContext<PhoneApi, PhoneLogin>;

const sendCodeResult = sendResult('masked: +*******0123', 'no-phone');
const kind = z.enum(['sms', 'voice']).optional().describe('a text message (default) or a call');
const deliveryFailed = {
  description: 'delivery-failed: the sender failed (the code is void)',
  body: errorBody,
};

/** Its part of `GET /status` (when the host turned the method on). */
export const phoneStatusBody = {
  phone: z.string().nullable().optional().describe('masked; present when text-message codes are on'),
};

/** Its messages. */
export const phoneMessages = { 'no-phone': 'No phone number is set up for this account.' };

/** A code for the open challenge (the login's, or the session's step-up), by text or call. */
async function sendLoginCode(ctx: Context): Promise<MethodAnswer> {
  if (ctx.challengeId === null) return ctx.answers.refusal(409, 'no-step-up');
  const body = (ctx.body ?? {}) as { kind?: 'sms' | 'voice' };
  return ctx.answers.result(await ctx.login.sendPhoneCode(ctx.challengeId, { kind: body.kind }), 409);
}

/** Adding a number (a code sent to it, then confirmed), and sending a login's or a step-up's code. */
export const phoneRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/phone/setup',
    guard: 'setup',
    body: z.object({ number: z.string().min(3).max(32), kind }),
    summary: 'Sends a code to the number (a text, or a call) to enable text-message codes',
    responses: {
      200: { description: 'sent', body: sendCodeResult },
      429: { description: 'cooldown (Retry-After)', body: sendCodeResult },
      502: deliveryFailed,
    },
    async handle(ctx) {
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      const body = ctx.body as { number: string; kind?: 'sms' | 'voice' };
      return ctx.answers.result(await ctx.api.beginSetup(ctx.userId, body.number, { kind: body.kind }), 409);
    },
  },
  confirmRoute(
    '/phone/confirm',
    'Confirms the code sent to the number; the first method returns the backup codes',
    { inSession: true },
  ),
  {
    method: 'POST',
    path: '/login/phone',
    guard: 'pending',
    body: z.object({ kind }),
    summary: 'Sends the login code by text message (or a call)',
    responses: {
      200: { description: 'sent', body: sendCodeResult },
      409: { description: 'no phone method, or the challenge ended', body: sendCodeResult },
      429: { description: 'cooldown (Retry-After)', body: sendCodeResult },
      502: deliveryFailed,
    },
    handle: sendLoginCode,
  },
  {
    method: 'POST',
    path: '/step-up/phone',
    guard: 'signedIn',
    body: z.object({ kind }),
    summary: 'Sends the step-up code by text message (or a call)',
    responses: {
      200: { description: 'sent', body: sendCodeResult },
      409: {
        description: 'no-step-up, no phone method, or the challenge ended',
        body: z.union([...sendCodeResult.options, errorBody]),
      },
      429: { description: 'cooldown (Retry-After)', body: sendCodeResult },
      502: deliveryFailed,
    },
    handle: sendLoginCode,
  },
];
