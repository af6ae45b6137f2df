/**
 * A small cookie session for Hono, which has none built in, and factorkit's view of it. The Hono
 * example uses it, and so does the HTTP conformance suite's Hono host: the session the example
 * documents is the one the suite tests.
 */
import { randomBytes } from 'node:crypto';
import type { TwoFactorSessionAccess } from 'factorkit/hono';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';

/** One browser's session: data in memory under a random id, the id in a signed cookie. */
export interface CookieSession {
  get(key: string): unknown;
  set(key: string, value: unknown): Promise<void>;
  /** A new id carrying the data; the old id stops working. */
  rotate(): Promise<void>;
  /** Forgets the data and clears the cookie. */
  destroy(): void;
}
export type SessionEnv = { Variables: { session: CookieSession } };

/**
 * `c.get('session')` for every request. The cookie (`secure` behind HTTPS) is issued once something
 * is stored. Memory only, no expiry: a real app keeps the data in a store (Redis, SQL) with an idle
 * timeout.
 */
export function cookieSessions(secret: string, name: string, secure: boolean): MiddlewareHandler<SessionEnv> {
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

/** factorkit's view of the session: its state under one key; rotation and sign-out as the session does them. */
export function twoFactorSession(c: Context<SessionEnv>): TwoFactorSessionAccess {
  const session = c.get('session');
  return {
    get: () => session.get('factorkit'),
    set: (state) => session.set('factorkit', state),
    rotate: () => session.rotate(),
    destroy: () => session.destroy(),
  };
}
