import { z } from 'zod';
import type { MethodRoute, MethodRouteContext } from '../method-http.js';
import { confirmRoute, errorBody, sendResult } from '../route-bodies.js';
import type { EmailLogin } from './email-login.js';
import type { EmailApi } from './email-setup.js';

type Context = MethodRouteContext<EmailApi, EmailLogin>;

const sendCodeResult = sendResult('masked: a***@example.com', 'no-email');
const mailFailed = { description: 'mail-failed: the mailer failed (the code is void)', body: errorBody };

/** Its part of `GET /status`. */
export const emailStatusBody = { email: z.string().nullable().describe('masked') };

/** Its messages. */
export const emailMessages = { 'no-email': 'No email address is set up for this account.' };

/** Adding an address (a code sent to it, then confirmed), and sending a login's or a step-up's code. */
export const emailRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/email/setup',
    guard: 'setup',
    body: z.object({ address: z.string().min(3).max(254) }),
    summary: 'Sends a code to the address to enable email authentication',
    responses: {
      200: { description: 'sent', body: sendCodeResult },
      429: { description: 'cooldown (Retry-After)', body: sendCodeResult },
      502: mailFailed,
    },
    async handle(ctx) {
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      const { address } = ctx.body as { address: string };
      return ctx.answers.result(await ctx.api.beginSetup(ctx.userId, address), 409);
    },
  },
  confirmRoute('/email/confirm', 'Confirms the emailed code; the first method returns the backup codes', {
    inSession: true,
  }),
  {
    method: 'POST',
    path: '/login/email',
    guard: 'pending',
    summary: 'Sends the login code by email',
    responses: {
      200: { description: 'sent', body: sendCodeResult },
      409: { description: 'no email method, or the challenge ended', body: sendCodeResult },
      429: { description: 'cooldown (Retry-After)', body: sendCodeResult },
      502: mailFailed,
    },
    handle: sendLoginCode,
  },
  {
    method: 'POST',
    path: '/step-up/email',
    guard: 'signedIn',
    summary: 'Sends the step-up code by email',
    responses: {
      200: { description: 'sent', body: sendCodeResult },
      409: {
        description: 'no-step-up, no email method, or the challenge ended',
        body: z.union([...sendCodeResult.options, errorBody]),
      },
      429: { description: 'cooldown (Retry-After)', body: sendCodeResult },
      502: mailFailed,
    },
    handle: sendLoginCode,
  },
];

/** A code for the open challenge (the login's, or the session's step-up). */
async function sendLoginCode(ctx: Context) {
  if (ctx.challengeId === null) return ctx.answers.refusal(409, 'no-step-up');
  return ctx.answers.result(await ctx.login.sendEmailCode(ctx.challengeId), 409);
}
