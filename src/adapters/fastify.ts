import type {
  FastifyError,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { TwoFactor } from '../app/create-two-factor.js';
import { createTwoFactorHttp } from '../http/create-http.js';
import { bindNative, type HostHelpers } from '../http/native-binding.js';
import { decodeBody } from '../http/request-rules.js';
import type { TwoFactorSessionAccess } from '../http/session.js';
import { fastifySessionAccess } from '../http/session-libraries.js';
import type { HttpAnswer, TwoFactorHttpOptions } from '../http/types.js';
import { wildcardMounts } from '../http/wildcard-routes.js';

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
export interface FastifyTwoFactor extends HostHelpers<FastifyRequest> {
  /**
   * A `preHandler` (or `onRequest`) hook: 401 unless signed in; 403 `setup-required` until set up;
   * 403 `csrf` for a state-changing request from another site.
   */
  requireSignedIn: preHandlerAsyncHookHandler;
  /** A hook: 403 `step-up-required` unless a second factor was verified within `stepUpMaxAgeMs`. */
  requireStepUp: preHandlerAsyncHookHandler;
  /**
   * For the server's `frameworkErrors` option: Fastify refuses a URL it cannot decode (a bad `%`
   * escape) before any plugin sees it, with a body of its own; this answers as the other adapters
   * do (400 `bad-request`). `Fastify({ frameworkErrors: (e, q, r) => q.server.twoFactor.frameworkErrors(e, q, r) })`.
   */
  frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply;
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

/** {@link send}; what it throws (a header Node refuses) goes to the error handler, as a handler's throw would. */
function sendOrFail(reply: FastifyReply, answer: HttpAnswer): void {
  try {
    send(reply, answer);
  } catch (error) {
    reply.send(error);
  }
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
      peerAddress: request.socket?.remoteAddress,
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
    frameworkErrors: (error, request, reply) => send(reply, http.fail(error, request)),
  } satisfies FastifyTwoFactor);

  // The endpoints in a context of their own: the prefix applies, the body reader stays inside.
  await fastify.register(async (routes) => {
    routes.removeAllContentTypeParsers();
    routes.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: http.bodyLimitBytes },
      (_r, body, done) => done(null, decodeBody(body as Buffer)),
    );
    // Body reader errors carry their status (413 over the limit, 400 a Content-Length that lies).
    routes.setErrorHandler((error, request, reply) => send(reply, http.fail(error, request)));
    // Parameters as wildcards: Fastify's router would answer 414 for a key id over 100 characters.
    for (const mount of wildcardMounts(http.routes)) {
      // Only a wildcard needs the URL Fastify matched (`routeOptions` builds a new object each read).
      const wildcard = mount.url.endsWith('/*');
      routes.route({
        method: mount.method,
        url: mount.url,
        // Not an async handler: the answer is sent when it comes (Fastify waits for a handler that
        // returns nothing), without the handler's own promise and Fastify's wrapping of it.
        handler: (request, reply) => {
          const found = mount.match(wildcard ? (request.routeOptions.url ?? '') : '', request.url);
          if (!found) {
            reply.callNotFound();
            return;
          }
          const answer = http.dispatch(found.route, bound.request(request, undefined, found.params));
          answer.then(
            (ready) => sendOrFail(reply, ready),
            (error: unknown) => reply.send(error),
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
