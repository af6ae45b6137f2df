import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { TwoFactor } from '../app/create-two-factor.js';
import type { LoginStart } from '../app/login/start.js';
import { createTwoFactorHttp } from '../http/create-http.js';
import { bindNative } from '../http/native-binding.js';
import type { SessionState, TwoFactorSessionAccess } from '../http/session.js';
import { fastifySessionAccess } from '../http/session-libraries.js';
import type { HttpAnswer, Route, TwoFactorHttpOptions } from '../http/types.js';

/** Options of {@link twoFactorPlugin}. */
export interface TwoFactorPluginOptions extends TwoFactorHttpOptions<FastifyRequest> {
  tf: TwoFactor;
  /** Where the endpoints live (`'/2fa'`); the helpers are decorated on the registering instance. */
  prefix?: string;
  /**
   * This browser's session. Default: @fastify/session's `request.session` (state under `factorkit`,
   * rotated with `regenerate`, ended with `destroy`). A session of your own writes its cookie in its
   * own `onSend` hook, as @fastify/session does: the helpers get the request only.
   */
  session?(request: FastifyRequest): TwoFactorSessionAccess;
}

/** `fastify.twoFactor`: the helpers a host calls from its own routes. */
export interface FastifyTwoFactor {
  /** After the password is checked: asks for a code, trusts the browser or signs in; new session id. */
  beginLogin(request: FastifyRequest, userId: string): Promise<LoginStart>;
  /**
   * A `preHandler` (or `onRequest`) hook: 401 unless signed in; 403 `setup-required` until set up;
   * 403 `csrf` for a state-changing request from another site.
   */
  requireSignedIn: preHandlerAsyncHookHandler;
  /** A hook: 403 `step-up-required` unless a second factor was verified within `stepUpMaxAgeMs`. */
  requireStepUp: preHandlerAsyncHookHandler;
  /** Signs out: the 2FA state is wiped and the session destroyed (the browser's cookie is then dead). */
  signOut(request: FastifyRequest): Promise<void>;
  /** The signed-in user, or null. */
  userId(request: FastifyRequest): Promise<string | null>;
  /** The 2FA state of this session (stage, user, fresh factor, this browser's device id), or null. */
  state(request: FastifyRequest): Promise<SessionState | null>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** factorkit's helpers, decorated by `twoFactorPlugin`. */
    twoFactor: FastifyTwoFactor;
  }
}

function send(reply: FastifyReply, answer: HttpAnswer): FastifyReply {
  // reply.header appends a repeated Set-Cookie instead of replacing it.
  for (const [name, value] of answer.headers) reply.header(name, value);
  reply.code(answer.status);
  const file = answer.attachment;
  if (!file) return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
  return reply.type(file.contentType).send(file.text);
}

/**
 * JSON endpoints for every facade call (Fastify 5), over the framework-neutral HTTP layer, plus
 * `fastify.twoFactor` with the guards and helpers for the host's own routes. The endpoints read
 * their own bodies (any content type as text, 16 KiB; JSON is then required), whatever parsers the
 * host has.
 *
 * @example
 * await app.register(fastifyCookie);
 * await app.register(fastifySession, { secret, cookie: { secure: true, sameSite: 'lax' } });
 * await app.register(twoFactorPlugin, { tf, prefix: '/2fa' });
 * app.post('/login', async (request) => { ...check the password...; return app.twoFactor.beginLogin(request, user.id) });
 * app.get('/me', { preHandler: app.twoFactor.requireSignedIn }, async (request) => ({ id: await app.twoFactor.userId(request) }));
 */
export const twoFactorPlugin: FastifyPluginAsync<TwoFactorPluginOptions> = async (fastify, options) => {
  const http = createTwoFactorHttp<FastifyRequest>(options.tf, options);
  const bound = bindNative(http, {
    parts: (request) => ({
      method: request.method,
      params: request.params as Record<string, string>,
      // Node joins a repeated request header into one string (only set-cookie stays a list).
      header: (name) => request.headers[name.toLowerCase()] as string | undefined,
    }),
    text: (request) => (typeof request.body === 'string' ? request.body : undefined),
    session: (request) => (options.session ? options.session(request) : fastifySessionAccess(request)),
  });
  const guard =
    (name: 'signedIn' | 'stepUp'): preHandlerAsyncHookHandler =>
    async (request, reply) => {
      const answer = await bound.refusal(name, request);
      if (answer) return send(reply, answer);
    };
  fastify.decorate('twoFactor', {
    ...bound.helpers,
    requireSignedIn: guard('signedIn'),
    requireStepUp: guard('stepUp'),
  } satisfies FastifyTwoFactor);

  // The endpoints in a context of their own: the prefix applies, the body reader stays inside.
  await fastify.register(async (routes) => {
    routes.removeAllContentTypeParsers();
    routes.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: http.bodyLimitBytes },
      (_r, body, done) => done(null, body),
    );
    // Body reader errors carry their status (413 over the limit, 400 a Content-Length that lies).
    routes.setErrorHandler((error, request, reply) => send(reply, http.fail(error, request)));
    for (const mounted of mountPoints(http.routes)) {
      routes.route({
        method: mounted.method,
        url: mounted.url,
        handler: async (request, reply) => {
          const found = mounted.find(request);
          if (!found) return reply.callNotFound();
          return send(
            reply,
            await http.dispatch(found.route, { ...bound.request(request), params: found.params }),
          );
        },
      });
    }
  }, options);
};
// Like fastify-plugin (without the dependency): the decorator lands on the registering instance.
Object.assign(twoFactorPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'factorkit',
});

/** Where routes sharing a method and a static part are registered, and which of them a request is for. */
interface MountPoint {
  method: Route['method'];
  url: string;
  find(request: FastifyRequest): { route: Route; params: Record<string, string> } | null;
}

/**
 * Fastify's router answers 414 itself for a path parameter over its `maxParamLength` (100 by
 * default), and a security key's id may be 1400 characters, a user id 256. So a route with
 * parameters is registered as a wildcard after its static part (`/webauthn/keys/*`), and its
 * parameters are read here from the raw path, one segment each, as the router would.
 */
function mountPoints(routes: readonly Route[]): MountPoint[] {
  const byUrl = new Map<string, { method: Route['method']; url: string; routes: Route[] }>();
  for (const route of routes) {
    const at = route.path.indexOf('/:');
    const url = at === -1 ? route.path : `${route.path.slice(0, at)}/*`;
    const group = byUrl.get(`${route.method} ${url}`) ?? { method: route.method, url, routes: [] };
    group.routes.push(route);
    byUrl.set(`${route.method} ${url}`, group);
  }
  return [...byUrl.values()].map(({ method, url, routes: group }) => ({
    method,
    url,
    find(request) {
      if (!url.endsWith('/*')) return { route: group[0] as Route, params: {} };
      // The segments after the static part (`request.routeOptions.url` carries the prefix).
      const fixed = request.routeOptions.url?.split('/').length ?? 0;
      const rest = (request.url.split('?')[0] ?? '').split('/').slice(fixed - 1);
      if (rest.length > 1 && rest.at(-1) === '') rest.pop(); // a trailing slash
      for (const route of group) {
        const pattern = route.path.slice(route.path.indexOf('/:') + 1).split('/');
        const params = matchSegments(pattern, rest);
        if (params) return { route, params };
      }
      return null;
    },
  }));
}

/** The parameters when `segments` (raw) fit `pattern` (`:name` or a literal each), else null. */
function matchSegments(pattern: string[], segments: string[]): Record<string, string> | null {
  if (segments.length !== pattern.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (!part.startsWith(':')) {
      if (segment !== part) return null;
      continue;
    }
    if (segment === '') return null;
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
    } catch {
      return null;
    }
  }
  return params;
}
