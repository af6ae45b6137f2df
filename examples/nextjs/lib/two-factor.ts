import { createTwoFactor, keysFromEnv, MemoryMailer, MemoryStore, type TwoFactor } from 'factorkit';
import { type TwoFactorApp, twoFactorApp } from 'factorkit/hono';
import { Hono } from 'hono';
import { checkPassword, findUser } from './users';

/**
 * Made on first use, never at import: `next build` imports every route module to collect its
 * page data, where FACTORKIT_KEY (a runtime secret) is not set. One per server process: kept on
 * globalThis, which the route handlers and the proxy share (and `next dev` keeps across reloads).
 */
const made = globalThis as typeof globalThis & {
  factorkit?: { tf: TwoFactor; twoFactor: TwoFactorApp; api: Hono };
};

function make() {
  const tf = createTwoFactor({
    issuer: 'Next.js example',
    // MemoryStore keeps this example runnable as is, in one process. Deployed, use a shared store:
    // new PostgresStore({ pool }) from 'factorkit/postgres', or RedisStore from 'factorkit/redis'.
    store: new MemoryStore(),
    mailer: new MemoryMailer(),
    // FACTORKIT_KEY, and FACTORKIT_OLD_KEYS while a rotation runs (docs/keys.md); a missing key
    // is a CONFIG error saying how to make one.
    keys: keysFromEnv(process.env),
  });
  // The 2FA endpoints and the session: the 2FA state sealed in an HttpOnly cookie.
  const twoFactor = twoFactorApp(tf, { accountName: (userId) => findUser(userId)?.email ?? userId });
  const api = new Hono().basePath('/api');
  api.route('/2fa', twoFactor);
  api.post('/login', async (c) => {
    // JSON only: a form on another site cannot send it (login CSRF).
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? ''))
      return c.json({ error: 'json-required' }, 415);
    const body = await c.req.json<{ email?: unknown; password?: unknown }>().catch(() => ({}) as never);
    const user = checkPassword(String(body.email ?? ''), String(body.password ?? ''));
    if (!user) return c.json({ error: 'invalid-credentials' }, 401);
    // 'challenge': ask for the code; 'not-required' / 'trusted-device': signed in.
    return c.json(await twoFactor.beginLogin(c, user.id));
  });
  // The guard also refuses a post from another site (403 csrf).
  api.post('/logout', twoFactor.requireSignedIn, async (c) => {
    await twoFactor.signOut(c);
    return c.redirect('/login', 303);
  });
  return { tf, twoFactor, api };
}

/** The facade, the 2FA app (guards, helpers, `stateOf`) and the API's Hono app. */
export function factorkit() {
  made.factorkit ??= make();
  return made.factorkit;
}
