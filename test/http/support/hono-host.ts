import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { twoFactorApp } from '../../../src/adapters/hono.js';
import type { Harness } from '../../helpers/harness.js';
import { adapterMessages, type HostOptions, type TestHost, testActor } from './hosts.js';

/**
 * The Express host's twin on Hono (@hono/node-server), as docs/http.md tells people to write one:
 * the built-in session (its cookie named `sid`, as the other hosts' sessions), a password route that
 * calls `beginLogin`, the 2FA app under /2fa and the guards on the host's own routes. POST /password/:userId "accepts" any password; `x-admin: 1` marks an
 * administrator. `env` is Express's: Hono answers the same in every environment.
 */
export async function startHonoHost(h: Harness, options: HostOptions = {}): Promise<TestHost> {
  const app = new Hono();
  const twoFactor = twoFactorApp(h.tf, {
    sessionCookie: { name: 'sid' },
    usersOf: (c) => (c.req.header('x-users') ?? '').split(',').filter(Boolean),
    getActor: (c) => testActor((name) => c.req.header(name)),
    canManagePolicy: (c) => c.req.header('x-admin') === '1',
    cookie: { secure: false },
    now: h.clock.now,
    onError: (error) => options.errors?.push(error),
    ...(options.csrf ? { csrf: options.csrf } : {}),
    ...(options.webauthn ? { webauthn: options.webauthn } : {}),
    ...(options.openApi ? { openApi: options.openApi } : {}),
    ...(options.requestContext ? { requestContext: options.requestContext } : {}),
    ...(options.messages
      ? {
          messages: adapterMessages<Context>(options.messages, (c) => c.req.header('accept-language')),
        }
      : {}),
  });
  // The built-in session holds the 2FA state alone: a visit before the password leaves no cookie.
  app.post('/visit', (c) => c.json({ ok: true }));
  app.post('/password/:userId', async (c) => c.json(await twoFactor.beginLogin(c, c.req.param('userId'))));
  app.post('/sign-out', async (c) => {
    await twoFactor.signOut(c);
    return c.json({ ok: true });
  });
  app.route('/2fa', twoFactor);
  for (const [path, page] of Object.entries(options.pages ?? {})) {
    app.get(path, (c) => c.body(page.body, 200, { 'content-type': page.type }));
  }
  app.get('/app', twoFactor.requireSignedIn, (c) => c.json({ ok: true }));
  app.post('/app/sensitive', twoFactor.requireStepUp, (c) => c.json({ ok: true }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
