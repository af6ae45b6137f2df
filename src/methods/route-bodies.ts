import { z } from 'zod';
import { FactorkitError } from '../core/errors.js';
import type { MethodRoute, MethodRouteContext } from './method-http.js';
import type { CodeSetupInSession } from './setup-attempt.js';

/**
 * The bodies every method's routes share, as zod schemas (the OpenAPI document is generated from
 * them): refusals, a proof's outcome, a sent code's, a setup's. `src/http/response-schemas.ts`
 * re-exports them beside the HTTP layer's own.
 */

/** Every refusal: a stable code, a user-facing message, and the field at fault for bad input. */
export const errorBody = z.object({
  error: z.string().describe('stable code: not-signed-in, step-up-required, invalid-input, csrf, ...'),
  message: z.string().describe("a user-facing sentence from the message catalogue (the host's `messages`)"),
  field: z.string().optional().describe('for invalid-input: the field at fault'),
});

/** A user-facing sentence in a result. */
export const message = z.string().describe('a user-facing sentence from the message catalogue');
export const done = z.object({ ok: z.literal(true) });

export const verifyFailure = z.union([
  z.object({ ok: z.literal(false), reason: z.literal('invalid-code'), attemptsLeft: z.number(), message }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('locked'),
    retryAt: z.number().describe('ms since the epoch; also sent as Retry-After (seconds)'),
    attemptsLeft: z.number(),
    message,
  }),
  z.object({
    ok: z.literal(false),
    reason: z
      .enum(['challenge-ended', 'expired', 'unknown-challenge', 'session-ended'])
      .describe('session-ended: a step-up met too many wrong codes; the session is signed out'),
    message,
  }),
]);

export const verified = z.object({ ok: z.literal(true), method: z.string() });

/** The outcome of sending a code, refused with `missing` when the user has no such method. */
export const sendResult = (sentTo: string, missing: string) =>
  z.union([
    z.object({ ok: z.literal(true), sentTo: z.string().describe(sentTo), expiresAt: z.number() }),
    z.object({ ok: z.literal(false), reason: z.literal('cooldown'), retryAt: z.number(), message }),
    z.object({
      ok: z.literal(false),
      reason: z.enum([missing, 'challenge-ended', 'expired', 'unknown-challenge']),
      message,
    }),
  ]);

/** The refusals of a setup's confirmation (a code, or a security key's registration). */
export const setupRefusals = [
  z.object({ ok: z.literal(false), reason: z.literal('invalid-code'), attemptsLeft: z.number(), message }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('locked'),
    retryAt: z.number(),
    attemptsLeft: z.number(),
    message,
  }),
  z.object({ ok: z.literal(false), reason: z.enum(['no-pending-setup', 'expired']), message }),
] as const;

export const setupResult = z.union([
  z.object({
    ok: z.literal(true),
    backupCodes: z.array(z.string()).optional().describe('the first method: 10 codes, shown once'),
  }),
  ...setupRefusals,
]);

/** The body of a code's confirmation. */
export const codeBody = z.object({ code: z.string().min(1).max(256) });

/**
 * A setup confirmed with a code (`POST /totp/confirm`): a fresh second factor first once 2FA is
 * on, then the method's `confirmSetup`; the first method signs a setup-required session in. With
 * `inSession` (a module whose `api.inSession` has `confirmSetup`, as `CodeSetupInSession`), the
 * session's check, the step-up rule and the session's change ride in the confirm's own commits.
 */
export function confirmRoute<
  Api extends { confirmSetup(userId: string, code: string): Promise<{ ok: boolean }> },
>(path: string, summary: string, options: { inSession?: true } = {}): MethodRoute<MethodRouteContext<Api>> {
  return {
    method: 'POST',
    path,
    guard: 'setup',
    ...(options.inSession ? { checksSessionInCommit: true as const } : {}),
    body: codeBody,
    summary,
    responses: {
      200: { description: 'enabled', body: setupResult },
      401: { description: 'a wrong code', body: setupResult },
      409: { description: 'nothing pending, or it expired', body: setupResult },
      429: { description: 'locked (Retry-After)', body: setupResult },
    },
    async handle(ctx) {
      const { code } = ctx.body as { code: string };
      if (options.inSession) {
        // The guard skipped the session's check: without the bound confirm nothing would make it.
        const bound = ctx.inSession as CodeSetupInSession | undefined;
        if (!bound) throw new FactorkitError('BUG', `${path} has no session-bound confirmSetup`);
        return ctx.confirmInSession((session) => bound.confirmSetup(ctx.userId, code, session));
      }
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      return ctx.confirmed(await ctx.api.confirmSetup(ctx.userId, code));
    },
  };
}
