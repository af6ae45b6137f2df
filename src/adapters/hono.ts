import { type Context, type Env, type Handler, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { TwoFactor } from '../app/create-two-factor.js';
import type { LoginStart } from '../app/login/start.js';
import { ConfigError } from '../core/errors.js';
import { type BuiltInSession, builtInSession, type SessionCookieOptions } from '../http/cookie-session.js';
import { createTwoFactorHttp } from '../http/create-http.js';
import { bindNative } from '../http/native-binding.js';
import { unreadableRequest } from '../http/request-rules.js';
import type { SessionState, TwoFactorSessionAccess } from '../http/session.js';
import type { HttpAnswer, Route, TwoFactorHttpOptions } from '../http/types.js';

/** Options of {@link twoFactorApp}; `E` is the host app's Env, so `c.get('session')` type-checks. */
export interface TwoFactorAppOptions<E extends Env = Env> extends TwoFactorHttpOptions<Context<E>> {
  /**
   * Your own session, as `{ get, set, rotate, destroy? }`. Default: the built-in one, the 2FA state
   * sealed in an HttpOnly cookie (`sessionCookie`), checked against `tf.sessions` on every request.
   */
  session?(c: Context<E>): TwoFactorSessionAccess;
  /** The built-in session's cookie: name (default `factorkit_session`) and `maxAgeMs`; `Secure`, `Path`, `Domain` as `cookie`. */
  sessionCookie?: SessionCookieOptions;
}

/** The sub-app plus the helpers a host calls from its own routes. */
export type TwoFactorApp<E extends Env = Env> = Hono<E> & {
  /** After the password is checked: asks for a code, trusts the browser or signs in; new session id. */
  beginLogin(c: Context<E>, userId: string): Promise<LoginStart>;
  /**
   * Middleware: 401 unless signed in (a password-only session is not); 403 `setup-required` until
   * set up; 403 `csrf` for a state-changing request from another site.
   */
  requireSignedIn: MiddlewareHandler<E>;
  /** Middleware: 403 `step-up-required` unless a second factor was verified within `stepUpMaxAgeMs`. */
  requireStepUp: MiddlewareHandler<E>;
  /** Signs out: the 2FA state is wiped and the session ended. */
  signOut(c: Context<E>): Promise<void>;
  /** The signed-in user, or null. */
  userId(c: Context<E>): Promise<string | null>;
  /** The 2FA state of this session (stage, user, fresh factor, this browser's device id), or null. */
  state(c: Context<E>): Promise<SessionState | null>;
  /**
   * The 2FA state of a web-standard request, or of its headers, outside Hono: a Next.js proxy
   * guarding pages, a server component (`await headers()`). Reads the built-in session.
   */
  stateOf(request: Request | Headers): Promise<SessionState | null>;
};

/**
 * The route's parameters, decoded. Hono hands a parameter it cannot decode (a bad `%` escape) over
 * as it came; Express refuses it and Fastify the URL: so does this (400 `bad-request`). A route
 * matched, so a bad escape in the path is in a parameter.
 */
function paramsOf(c: Context): Record<string, string> {
  if (c.req.url.includes('%')) {
    for (const segment of new URL(c.req.url).pathname.split('/')) {
      try {
        decodeURIComponent(segment);
      } catch (error) {
        throw unreadableRequest(error);
      }
    }
  }
  return c.req.param() as Record<string, string>;
}

function send(c: Context, answer: HttpAnswer): Response {
  for (const [name, value] of answer.headers) c.header(name, value, { append: true });
  // The layer's statuses all carry a body.
  const status = answer.status as ContentfulStatusCode;
  const file = answer.attachment;
  if (!file) return c.json(answer.body, status);
  c.header('Content-Type', file.contentType);
  return c.body(file.text, status);
}

/**
 * JSON endpoints for every facade call as a Hono sub-app, over the framework-neutral HTTP layer, on
 * web-standard Request/Response (Node, Bun, Deno, edge runtimes). Mount it:
 * `app.route('/2fa', twoFactor)`. It reads its own bodies (JSON only, 16 KiB, chunked ones too).
 *
 * @example
 * const app = new Hono();
 * // The session is built in: the 2FA state sealed in an HttpOnly cookie (`session` for your own).
 * const twoFactor = twoFactorApp(tf, { accountName: (userId) => emailOf(userId) });
 * app.route('/2fa', twoFactor);
 * app.post('/login', async (c) => { ...check the password...; return c.json(await twoFactor.beginLogin(c, user.id)) });
 * app.get('/me', twoFactor.requireSignedIn, async (c) => c.json({ id: await twoFactor.userId(c) }));
 */
export function twoFactorApp<E extends Env = Env>(
  tf: TwoFactor,
  options: TwoFactorAppOptions<E> = {},
): TwoFactorApp<E> {
  const http = createTwoFactorHttp<Context<E>>(tf, options);
  const own = options.session;
  const builtIn: BuiltInSession<Context<E>> | null = own
    ? null
    : builtInSession(
        tf,
        http,
        { cookie: options.sessionCookie, attributes: options.cookie },
        {
          cookieHeader: (c) => c.req.header('cookie'),
          appendSetCookie: (c, line) => c.header('Set-Cookie', line, { append: true }),
        },
      );
  const bound = bindNative(http, {
    parts: (c) => ({
      method: c.req.method,
      params: paramsOf(c),
      header: (name) => c.req.header(name),
      // @hono/node-server passes Node's request as `env.incoming`; other runtimes use a header.
      peerAddress: (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
        ?.socket?.remoteAddress,
    }),
    session: (c) => (own ? own(c) : (builtIn as BuiltInSession<Context<E>>).session(c)),
  });
  const reply = (c: Context<E>, answer: HttpAnswer) => {
    builtIn?.flush(c);
    return send(c, answer);
  };
  const guard =
    (name: 'signedIn' | 'stepUp'): MiddlewareHandler<E> =>
    async (c, next) => {
      const answer = await bound.refusal(name, c);
      if (answer) return reply(c, answer);
      builtIn?.flush(c);
      await next();
    };
  const stateOf = (request: Request | Headers) => {
    if (builtIn) return builtIn.stateOf(request);
    throw new ConfigError(
      'session',
      'stateOf reads the built-in session: with your own `session`, read yours',
    );
  };

  const app = new Hono<E>();
  // Bounds chunked bodies while they stream (reading the text first would not). Its own answer is
  // dropped: the text stays null and the layer's 413 goes out.
  const streamed = bodyLimit({ maxSize: http.bodyLimitBytes, onError: (c) => c.body(null, 413) });
  const streamedText = async (c: Context<E>): Promise<string | null> => {
    let read: string | null = null;
    await streamed(c, async () => {
      read = await c.req.text();
    });
    return read;
  };
  /** The body as text, or null when it is over the limit. */
  const readText = (c: Context<E>): Promise<string | null> => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamedText(c);
    // A declared length bounds what the server reads. Checked here because touching
    // `c.req.raw.body`, as `streamed` does, takes @hono/node-server off its fast path.
    return Number(length) > http.bodyLimitBytes ? Promise.resolve(null) : c.req.text();
  };
  /** A route's answer; a body read that fails is the client's (it hung up). */
  const answerTo = async (route: Route, c: Context<E>): Promise<HttpAnswer> => {
    if (route.method === 'GET') return http.dispatch(route, bound.request(c));
    let body: string | null;
    try {
      body = await readText(c);
    } catch (error) {
      throw unreadableRequest(error);
    }
    return body === null ? http.tooLarge(c) : http.dispatch(route, bound.request(c, body));
  };
  for (const route of http.routes) {
    // One handler a route that catches its own errors: no middleware chain for Hono to compose.
    const handler: Handler<E> = (c) =>
      bound.respond(
        c,
        () => answerTo(route, c),
        (answer) => reply(c, answer),
      );
    app.on(route.method, route.path, handler);
  }
  return Object.assign(app, builtIn ? builtIn.helpers(bound.helpers) : bound.helpers, {
    requireSignedIn: guard('signedIn'),
    requireStepUp: guard('stepUp'),
    stateOf,
  });
}
