import { methodsOf } from '../app/facade-methods.js';
import { sessionApisOf } from '../app/internals.js';
import type { MethodRoute, MethodRouteContext } from '../methods/method-http.js';
import type { MethodModule } from '../methods/method-module.js';
import { json, refusal, resultAnswer } from './answers.js';
import { clearCookie } from './cookies.js';
import { hasFreshFactor } from './guards.js';
import { errorBody } from './response-schemas.js';
import { signInAnswer, verifyOptions } from './routes/login.js';
import { accountNameOf, confirmed, confirmedInSession, stepUpMissing } from './routes/methods.js';
import { stepUpAnswer } from './routes/step-up.js';
import type { SessionState } from './session.js';
import { keepSession, verifyFromSession } from './session-flow.js';
import type { HttpAnswer, Route, RouteContext } from './types.js';

/**
 * What a method's route handler gets for this request: its facade parts, the session's user and
 * open challenge, and the steps of this layer it shares with the built-in routes.
 */
function routeContext(ctx: RouteContext, module: MethodModule): MethodRouteContext {
  const state = ctx.state as SessionState;
  const { tf, options } = ctx;
  const namespaces = tf as unknown as Record<string, unknown>;
  const stepUp = state.stage === 'signed-in' ? state.stepUp : null;
  return {
    api: module.api ? namespaces[module.api.name] : undefined,
    inSession: module.api ? sessionApisOf(tf)[module.api.name] : undefined,
    login: tf.login,
    admin: tf.admin,
    option: module.http?.option
      ? (options as unknown as Record<string, unknown>)[module.http.option.name]
      : undefined,
    body: ctx.body,
    params: ctx.req.params,
    userId: state.userId,
    actor: ctx.actor,
    challengeId: state.stage === 'pending' ? state.challengeId : (stepUp?.challengeId ?? null),
    answers: { json, refusal, result: (result, status) => resultAnswer(result, options.now(), status) },
    accountName: () => accountNameOf(ctx),
    stepUpMissing: () => stepUpMissing(ctx),
    freshFactor: async () => state.stage === 'signed-in' && (await hasFreshFactor(tf, state, options.now())),
    confirmed: (result) => confirmed(ctx, result),
    confirmInSession: (confirm) => confirmedInSession(ctx, confirm),
    async verify(proof, verify = {}): Promise<HttpAnswer> {
      // Bound to the session: its check and, at a login, the signed-in session ride in the verify's commits.
      if (state.stage === 'pending') {
        const options = verifyOptions(ctx, verify);
        return signInAnswer(
          ctx,
          await verifyFromSession(tf, state, state.challengeId, proof as never, options),
        );
      }
      if (!stepUp) return refusal(409, 'no-step-up');
      const options = { signIn: false };
      return stepUpAnswer(
        ctx,
        await verifyFromSession(tf, state, stepUp.challengeId, proof as never, options),
      );
    },
    keepSession: () => keepSession(tf, state),
    clearDeviceCookie: () => ['Set-Cookie', clearCookie(options.cookieName, options.cookieAttributes)],
  };
}

/**
 * A method's route in the route table: its guard, body and answers as it declares them. A method
 * the host may turn off (one with `available`) answers 404 `not-found` while it is off.
 */
export function methodRoute(module: MethodModule, route: MethodRoute): Route {
  const { handle, ...declared } = route;
  const off = { description: `not-found: the host has not turned ${module.id} on`, body: errorBody };
  return {
    ...declared,
    responses: module.available ? { 404: off, ...declared.responses } : declared.responses,
    async handle(ctx) {
      if (!methodsOf(ctx.tf).available(module.id)) return refusal(404, 'not-found');
      return handle(routeContext(ctx, module));
    },
  };
}
