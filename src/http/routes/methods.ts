import { z } from 'zod';
import { contextOf } from '../../app/internals.js';
import { mustSetUp } from '../../app/sessions-api.js';
import type { SetupOutcome } from '../../methods/method-http.js';
import type { MethodModule } from '../../methods/method-module.js';
import type { FactorId } from '../../methods/registry.js';
import type { SessionSetupResult } from '../../methods/setup-attempt.js';
import type { SetupSession } from '../../methods/setup-session.js';
import { json, refusal, resultAnswer } from '../answers.js';
import { clearCookie } from '../cookies.js';
import { hasFreshFactor, notSignedIn } from '../guards.js';
import * as bodies from '../response-schemas.js';
import { type SessionState, signedIn } from '../session.js';
import { enterState, keepSession, settleState } from '../session-flow.js';
import type { HttpAnswer, Route, RouteContext } from '../types.js';

const bound = (ctx: RouteContext) => ctx.state as Exclude<SessionState, { stage: 'pending' }>;

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
  result: { ok: boolean; reason?: string; backupCodes?: string[] | undefined },
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

/**
 * A setup confirmed bound to the session (a route with `checksSessionInCommit`, whose guard read
 * only the host's session): `confirm` checks in its own commits what the guard and
 * {@link stepUpMissing} would have read, and answers as {@link confirmed}: a setup session signed
 * in under the key the enable commit opened, a signed-in one 2FA turned on for with a fresh factor
 * (its record renewed in that commit). A session found closed is signed out, as the guard would.
 */
export async function confirmedInSession(
  ctx: RouteContext,
  confirm: (session: SetupSession) => Promise<SessionSetupResult<SetupOutcome>>,
): Promise<HttpAnswer> {
  const now = ctx.options.now();
  const state = bound(ctx);
  const { tf } = ctx;
  const result = await confirm({
    key: state.sessionKey,
    stage: state.stage,
    secondFactorAt: state.stage === 'signed-in' ? state.secondFactorAt : null,
    mustSetUp: async (user) => {
      const internal = contextOf(tf);
      return mustSetUp(internal, state.userId, await internal.policy({ userId: state.userId }), user);
    },
  });
  if (!result.ok && result.reason === 'session-closed') {
    await ctx.req.session.set(undefined);
    return notSignedIn(null);
  }
  if (!result.ok && result.reason === 'step-up-required') return refusal(403, 'step-up-required');
  if (result.ok && 'sessionKey' in result && result.sessionKey !== undefined) {
    const { sessionKey, ...answer } = result;
    await settleState(ctx.req.session, signedIn(state.userId, { secondFactorAt: now }), sessionKey);
    return resultAnswer(answer, now, 409);
  }
  // 2FA just turned on, which ended the user's other sessions: this one stays, with a fresh factor.
  if (result.ok && result.backupCodes && state.stage === 'signed-in')
    await ctx.req.session.set({ ...state, secondFactorAt: now });
  return resultAnswer(result, now, !result.ok && result.reason === 'invalid-code' ? 401 : 409);
}

/** The schema of `GET /status`: `enabled`, and each method's part. */
export function statusBody(modules: readonly MethodModule[]) {
  return z.object(Object.assign({ enabled: z.boolean() }, ...modules.map((m) => m.http?.status ?? {})));
}

/** `GET /status` and `POST /disable`: the methods' own setup routes come from their modules. */
export function methodRoutes(modules: readonly MethodModule[]): { status: Route; disable: Route } {
  const factorIds = modules.filter((m) => m.role === 'factor').map((m) => m.id) as [string, ...string[]];
  return {
    status: {
      method: 'GET',
      path: '/status',
      guard: 'setup',
      summary: 'What the signed-in user has enabled',
      responses: { 200: { description: 'the status', body: statusBody(modules) } },
      handle: async (ctx) => json(200, await ctx.tf.status(bound(ctx).userId)),
    },
    disable: {
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
  };
}
