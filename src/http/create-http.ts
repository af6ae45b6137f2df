import type { TwoFactor } from '../app/create-two-factor.js';
import { methodsOf } from '../app/facade-methods.js';
import { maybeContextOf } from '../app/internals.js';
import type { LoginStart } from '../app/login/start.js';
import { withRequest } from '../core/request-scope.js';
import { parseOptions } from '../core/validation.js';
import { errorAnswer, isServerError, refusal } from './answers.js';
import { cookieAttributes, readCookie } from './cookies.js';
import { passGuard, signedInOr } from './guards.js';
import { messagesOf, renderMessage } from './messages.js';
import { requestInfo } from './request-context.js';
import { BODY_LIMIT_BYTES, csrfRefusal, originRefusal, readBody } from './request-rules.js';
import { routeTable } from './routes/index.js';
import { openApiRoute } from './routes/openapi.js';
import { type NewState, type SessionState, signedIn, type TwoFactorSessionAccess } from './session.js';
import { currentState, enterState, leaveSession } from './session-flow.js';
import type { HttpAnswer, HttpRequest, ResolvedOptions, Route, TwoFactorHttpOptions } from './types.js';

/** The framework-neutral HTTP layer: what every adapter wraps. */
export interface TwoFactorHttp<Native> {
  readonly routes: readonly Route[];
  /** Largest body an adapter reads; a longer one is answered with {@link TwoFactorHttp.tooLarge}. */
  readonly bodyLimitBytes: number;
  /** Runs one route. Never throws: every error becomes an answer without internals. */
  dispatch(route: Route, req: HttpRequest<Native>): Promise<HttpAnswer>;
  /** After the password check: asks for a code, trusts the browser or signs in; new session id. */
  beginLogin(req: HttpRequest<Native>, userId: string): Promise<LoginStart>;
  /** Signs the session out: its key is closed, the 2FA state wiped and the session ended. */
  signOut(session: TwoFactorSessionAccess): Promise<void>;
  /**
   * For the host's own routes: null when the request may pass, else the refusal (401, 403
   * `setup-required` / `step-up-required`, 403 `csrf` for a cross-site state-changing request).
   */
  check(guard: 'signedIn' | 'stepUp', req: HttpRequest<Native>): Promise<HttpAnswer | null>;
  /** The signed-in user of a session (a password-only or setup-required session is not), or null. */
  userId(session: TwoFactorSessionAccess): Promise<string | null>;
  /** The state of a session (stage, user, fresh factor, this browser's device id), or null. */
  state(session: TwoFactorSessionAccess): Promise<SessionState | null>;
  /** The answer for a body over {@link TwoFactorHttp.bodyLimitBytes}. */
  tooLarge(native: Native): HttpAnswer;
  /** The answer for an error raised outside a route (an adapter's body reader, say). */
  fail(error: unknown, native: Native): HttpAnswer;
}

/** On every answer; one frozen pair, which adapters only read. */
const NO_STORE = Object.freeze(['Cache-Control', 'no-store']) as [string, string];

/** A trusted-browser token as factorkit issues it; anything else in the cookie is ignored. */
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Builds the HTTP layer for a facade. Adapters call this; hosts use an adapter. */
export function createTwoFactorHttp<Native>(
  tf: TwoFactor,
  options: TwoFactorHttpOptions<Native> = {},
): TwoFactorHttp<Native> {
  const { modules } = methodsOf(tf);
  // A method's adapter option that is wrong (a site the browser would refuse, a facade without the
  // library the endpoints need) shows at start-up, not as a 400 or a throw on every request.
  const ctx = maybeContextOf(tf);
  for (const option of modules.flatMap((m) => (m.http?.option ? [m.http.option] : []))) {
    const value = (options as Record<string, unknown>)[option.name];
    if (value === undefined) continue;
    parseOptions(option.schema, value, option.name);
    if (ctx) option.check?.(ctx);
  }
  const table = routeTable(modules);
  const english = messagesOf(modules);
  const resolved: ResolvedOptions<Native> = {
    ...options,
    now: options.now ?? Date.now,
    adminStepUp: options.adminStepUp ?? true,
    cookieName: options.cookie?.name ?? 'factorkit_device',
    cookieAttributes: cookieAttributes(options.cookie),
  };
  /** The catalogue's message for the answer's reason or error code; `Cache-Control: no-store`. */
  const finish = (answer: HttpAnswer, native: Native): HttpAnswer => {
    const body = answer.body as Record<string, unknown> | null;
    // A refusal's code words it; an answer may also name its words (a pending login's lock).
    const code =
      body && typeof body === 'object'
        ? (body['error'] ?? (body['ok'] === false ? body['reason'] : undefined) ?? answer.messageCode)
        : undefined;
    const headers: HttpAnswer['headers'] = [...answer.headers, NO_STORE];
    if (typeof code !== 'string' || !body) return { ...answer, headers };
    let message: string | null;
    try {
      const catalogue =
        typeof resolved.messages === 'function' ? resolved.messages(native) : resolved.messages;
      message = renderMessage(
        answer.messageCode ?? code,
        body,
        resolved.now,
        catalogue ?? undefined,
        english,
      );
    } catch (error) {
      // The host's catalogue failed (a locale it cannot format, say): English, and the operator is told.
      // `finish` must not throw: it words the answer to every error, its own included.
      report(resolved, error, native);
      message = renderMessage(answer.messageCode ?? code, body, resolved.now, undefined, english);
    }
    return { ...answer, body: message === null ? body : { ...body, message }, headers };
  };
  const fail = (error: unknown, native: Native) => {
    const answer = errorAnswer(error);
    if (isServerError(answer)) report(resolved, error, native);
    return finish(answer, native);
  };

  const dispatch = async (route: Route, req: HttpRequest<Native>): Promise<HttpAnswer> => {
    try {
      const csrf = csrfRefusal(req, resolved.trustedOrigins ?? []);
      if (csrf) return finish(csrf, req.native);
      if (resolved.csrf && !(await resolved.csrf(req.native)))
        return finish(refusal(403, 'csrf'), req.native);
      const body = readBody(route, req);
      if (!('ok' in body)) return finish(body, req.native);
      const passed = await passGuard(tf, route, req, resolved);
      if ('status' in passed) return finish(passed, req.native);
      const context = {
        tf,
        req,
        body: body.value,
        ...passed,
        options: resolved as ResolvedOptions<unknown>,
      };
      const answer = await route.handle(context);
      return finish(answer, req.native);
    } catch (error) {
      return fail(error, req.native);
    }
  };
  const beginLogin = async (req: HttpRequest<Native>, userId: string): Promise<LoginStart> => {
    const cookie = readCookie(req.header('cookie'), resolved.cookieName);
    const start = await tf.login.start(userId, {
      deviceToken: cookie && DEVICE_TOKEN.test(cookie) ? cookie : undefined,
    });
    let next: NewState;
    if (start.status === 'challenge') {
      next = { stage: 'pending', userId, challengeId: start.challengeId, methods: start.methods };
    } else if (start.status === 'setup-required') {
      next = { stage: 'setup', userId };
    } else {
      next = signedIn(userId, { deviceId: start.status === 'trusted-device' ? start.deviceId : null });
    }
    await enterState(tf, req.session, next);
    return start;
  };

  return {
    routes: resolved.openApi ? [...table, openApiRoute(table, resolved.openApi.prefix ?? '')] : table,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    tooLarge: (native) => finish(refusal(413, 'too-large'), native),
    fail,
    dispatch: (route, req) =>
      withRequest(requestInfo(req, resolved.requestContext), () => dispatch(route, req)),
    beginLogin: (req, userId) =>
      withRequest(requestInfo(req, resolved.requestContext), () => beginLogin(req, userId)),
    signOut: (session) => leaveSession(tf, session),
    async check(guard, req) {
      const origin = originRefusal(req, resolved.trustedOrigins ?? []);
      if (origin) return finish(origin, req.native);
      const passed = await signedInOr(
        tf,
        await currentState(tf, req.session),
        guard === 'stepUp',
        resolved.now(),
      );
      return 'status' in passed ? finish(passed, req.native) : null;
    },
    async userId(session) {
      const state = await currentState(tf, session);
      return state?.stage === 'signed-in' ? state.userId : null;
    },
    state: (session) => currentState(tf, session),
  };
}

function report<Native>(options: ResolvedOptions<Native>, error: unknown, native: Native): void {
  try {
    if (options.onError) options.onError(error, native);
    else console.error('[factorkit] [http] request failed:', error);
  } catch {
    // A failing logger must not turn a clean 500 into a crash.
  }
}
