import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { twoFactorApp } from '../../../src/adapters/hono.js';
import type { TwoFactorSessionAccess } from '../../../src/http/session.js';
import type { Harness } from '../../helpers/harness.js';
import type { HostOptions, TestHost } from './hosts.js';

/** One browser's session: data in memory under a random id, the id in a signed cookie. */
interface CookieSession {
  get(key: string): unknown;
  set(key: string, value: unknown): Promise<void>;
  /** A new id carrying the data; the old id stops working. */
  rotate(): Promise<void>;
  /** Forgets the data and clears the cookie. */
  destroy(): void;
}

type SessionEnv = { Variables: { session: CookieSession } };

/**
 * The session a Hono host writes for itself (Hono has none built in): `c.get('session')`. The
 * cookie is issued once something is stored (like `saveUninitialized: false`). Memory only, no
 * expiry: a real app keeps the data in a store with an idle timeout.
 */
function cookieSessions(secret: string, name = 'sid', secure = true): MiddlewareHandler<SessionEnv> {
  const byId = new Map<string, Record<string, unknown>>();
  const cookie: CookieOptions = { path: '/', httpOnly: true, sameSite: 'Lax', secure };
  return async (c, next) => {
    const signed = await getSignedCookie(c, secret, name);
    let id = typeof signed === 'string' && byId.has(signed) ? signed : null;
    let data = (id && byId.get(id)) || {};
    const issue = async () => {
      id = randomBytes(32).toString('base64url');
      byId.set(id, data);
      await setSignedCookie(c, name, id, secret, cookie);
    };
    c.set('session', {
      get: (key) => data[key],
      async set(key, value) {
        data[key] = value;
        if (id === null) await issue();
      },
      async rotate() {
        if (id !== null) byId.delete(id);
        await issue();
      },
      destroy() {
        if (id !== null) byId.delete(id);
        id = null;
        data = {};
        deleteCookie(c, name, cookie);
      },
    });
    await next();
  };
}

/** factorkit's view of the host's session: its state under one key. */
function twoFactorSession(c: Context<SessionEnv>): TwoFactorSessionAccess {
  const session = c.get('session');
  return {
    get: () => session.get('factorkit'),
    set: (state) => session.set('factorkit', state),
    rotate: () => session.rotate(),
    destroy: () => session.destroy(),
  };
}

/**
 * The Express host's twin on Hono (@hono/node-server), as docs/http.md tells people to write one: a
 * cookie session, a password route that calls `beginLogin`, the 2FA app under /2fa and the guards
 * on the host's own routes. POST /password/:userId "accepts" any password; `x-admin: 1` marks an
 * administrator. `env` is Express's: Hono answers the same in every environment.
 */
export async function startHonoHost(h: Harness, options: HostOptions = {}): Promise<TestHost> {
  const app = new Hono<SessionEnv>();
  app.use(cookieSessions('test-session-secret-of-at-least-32-chars', 'sid', false));
  const twoFactor = twoFactorApp<SessionEnv>(h.tf, {
    session: twoFactorSession,
    getActor: (c) => (c.req.header('x-admin') === '1' ? { id: 'boss', roles: ['admin'] } : null),
    canManagePolicy: (c) => c.req.header('x-admin') === '1',
    cookie: { secure: false },
    now: h.clock.now,
    onError: (error) => options.errors?.push(error),
    ...(options.csrf ? { csrf: options.csrf } : {}),
    ...(options.webauthn ? { webauthn: options.webauthn } : {}),
  });
  app.post('/visit', async (c) => {
    await c.get('session').set('visited', true);
    return c.json({ ok: true });
  });
  app.post('/password/:userId', async (c) => c.json(await twoFactor.beginLogin(c, c.req.param('userId'))));
  app.post('/sign-out', async (c) => {
    await twoFactor.signOut(c);
    return c.json({ ok: true });
  });
  app.route('/2fa', twoFactor);
  app.get('/app', twoFactor.requireSignedIn, (c) => c.json({ ok: true }));
  app.post('/app/sensitive', twoFactor.requireStepUp, (c) => c.json({ ok: true }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
