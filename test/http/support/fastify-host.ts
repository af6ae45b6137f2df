import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyRequest } from 'fastify';
import { twoFactorPlugin } from '../../../src/adapters/fastify.js';
import type { Harness } from '../../helpers/harness.js';
import { adapterMessages, type HostOptions, type TestHost, testActor } from './hosts.js';

/**
 * The Express host's twin on Fastify 5, as docs/http.md tells people to write one: @fastify/cookie
 * and @fastify/session, a password route that calls `beginLogin`, the 2FA plugin under /2fa and the
 * guards on the host's own routes. POST /password/:userId "accepts" any password; `x-admin: 1`
 * marks an administrator. `env` is Express's: Fastify answers the same in every environment.
 */
export async function startFastifyHost(h: Harness, options: HostOptions = {}): Promise<TestHost> {
  // As docs/http.md says: a URL Fastify cannot decode is answered as the other adapters answer it.
  const app = Fastify({
    frameworkErrors: (error, request, reply) =>
      request.server.twoFactor.frameworkErrors(error, request, reply),
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: 'test-session-secret-of-at-least-32-chars',
    cookieName: 'sid',
    saveUninitialized: false,
    // @fastify/session defaults to Secure, and then sends no cookie at all over http.
    cookie: { httpOnly: true, sameSite: 'lax', secure: false },
  });
  await app.register(twoFactorPlugin, {
    tf: h.tf,
    prefix: '/2fa',
    usersOf: (request) =>
      ((request.headers['x-users'] as string | undefined) ?? '').split(',').filter(Boolean),
    getActor: (request) => testActor((name) => request.headers[name] as string | undefined),
    canManagePolicy: (request) => request.headers['x-admin'] === '1',
    cookie: { secure: false },
    now: h.clock.now,
    onError: (error) => options.errors?.push(error),
    ...(options.csrf ? { csrf: options.csrf } : {}),
    ...(options.webauthn ? { webauthn: options.webauthn } : {}),
    ...(options.openApi ? { openApi: options.openApi } : {}),
    ...(options.requestContext ? { requestContext: options.requestContext } : {}),
    ...(options.messages
      ? {
          messages: adapterMessages<FastifyRequest>(
            options.messages,
            (request) => request.headers['accept-language'],
          ),
        }
      : {}),
  });
  const { twoFactor } = app;
  app.post('/visit', async (request) => {
    request.session.set('visited', true);
    return { ok: true };
  });
  app.post<{ Params: { userId: string } }>('/password/:userId', async (request) =>
    twoFactor.beginLogin(request, request.params.userId),
  );
  app.post('/sign-out', async (request) => {
    await twoFactor.signOut(request);
    return { ok: true };
  });
  app.get('/app', { preHandler: twoFactor.requireSignedIn }, async () => ({ ok: true }));
  // onRequest: the guard runs before Fastify reads (or refuses) the body.
  app.post('/app/sensitive', { onRequest: twoFactor.requireStepUp }, async () => ({ ok: true }));
  for (const [path, page] of Object.entries(options.pages ?? {})) {
    app.get(path, async (_request, reply) => reply.type(page.type).send(page.body));
  }
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  return {
    base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => app.close(),
  };
}

declare module 'fastify' {
  interface Session {
    visited?: boolean;
  }
}
