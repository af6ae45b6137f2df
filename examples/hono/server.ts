/**
 * factorkit on Hono: a JSON sign-in, the 2FA endpoints under /2fa, a protected route, and pages
 * whose 2FA screens are factorkit's elements (sign in at /, the code page, /settings, and for a
 * site's admin /agents and /policy; two sites, as in the Fastify example, from examples/shared),
 * on @hono/node-server (the app itself is web-standard: Bun,
 * Deno and Cloudflare Workers serve it too). No session code: the adapter's built-in session keeps
 * the 2FA state in a sealed cookie. `npx tsx examples/hono/server.ts`, then open the URL it prints:
 *   POST /login { email, password } -> { status: 'challenge' } -> POST /2fa/login/verify { code }
 *   GET /me (signed in), POST /logout, and every /2fa endpoint of docs/http.md.
 * Environment: PORT (3002; 0 picks a free one), HOST (127.0.0.1), SECURE_COOKIES=1 behind HTTPS.
 * MemoryStore and MemoryMailer: nothing survives a restart and no email leaves the process.
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { type Actor, createTwoFactor, MemoryMailer, MemoryStore } from 'factorkit';
import { twoFactorApp } from 'factorkit/hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  actorOf,
  authenticate,
  DEMO_USERS,
  rolesOf,
  siteOf,
  siteUserIds,
  userById,
} from '../shared/demo-directory.js';
import { exampleAssets } from '../shared/elements.js';
import { codePage, signedInPages, signInPage } from '../shared/pages.js';
import { seedSitePolicies, siteName } from '../shared/sites.js';

const secure = process.env['SECURE_COOKIES'] === '1';

const tf = createTwoFactor({
  issuer: 'factorkit Hono example',
  store: new MemoryStore(),
  mailer: new MemoryMailer(),
  keys: process.env['FACTORKIT_KEY'] ?? randomBytes(32).toString('hex'),
  policy: { frequency: { trustDays: 14 } }, // "Trust this browser for 14 days" is offered
  // Two sites (Acme Support, Globex Sales): each admin acts on their own site's agents only.
  orgOf: siteOf,
  rolesOf,
  authorize: (actor) => actor.roles?.includes('admin') === true,
});
await seedSitePolicies(tf); // Acme trusts a browser for 14 days, Globex asks every login

const app = new Hono();
const twoFactor = twoFactorApp(tf, {
  accountName: (userId) => userById(userId)?.email ?? userId,
  getActor: async (c): Promise<Actor | null> => actorOf(await twoFactor.userId(c)),
  // GET /2fa/admin/overview counts the admin's own site (the host's directory, not factorkit's).
  usersOf: async (c): Promise<string[]> => siteUserIds(await twoFactor.userId(c)),
  cookie: { secure },
});
app.route('/2fa', twoFactor);

app.post('/login', bodyLimit({ maxSize: 4096 }), async (c) => {
  // JSON only: a form on another site cannot send it (login CSRF).
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    return c.json({ error: 'json-required' }, 415);
  }
  const body: unknown = await c.req.json().catch(() => null);
  const { email, password } = (body ?? {}) as { email?: unknown; password?: unknown };
  if (typeof email !== 'string' || typeof password !== 'string') {
    return c.json({ error: 'invalid-input' }, 400);
  }
  const user = authenticate(email, password);
  if (!user) return c.json({ error: 'invalid-credentials' }, 401);
  // 'challenge': ask for the code (GET /2fa/login lists the methods); otherwise signed in.
  return c.json(await twoFactor.beginLogin(c, user.id));
});
app.post('/logout', async (c) => {
  await twoFactor.signOut(c);
  return c.json({ ok: true });
});
app.get('/me', twoFactor.requireSignedIn, async (c) => {
  const id = await twoFactor.userId(c);
  return c.json({ id, email: userById(id)?.email });
});

// The pages: the elements' script and the host's, then HTML (never cached: codes and personal data).
for (const asset of await exampleAssets()) {
  app.get(asset.path, (c) => c.body(asset.body, 200, { 'content-type': asset.type }));
}
const html = (body: string) =>
  new Response(body, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
app.get('/', () => html(signInPage()));
app.get('/code', () => html(codePage()));
for (const [path, render] of Object.entries(signedInPages(tf))) {
  app.get(path, async (c) => {
    const user = userById(await twoFactor.userId(c));
    if (!user) return c.redirect('/');
    if (path !== '/settings' && user.role !== 'admin') return c.redirect('/settings');
    return html(await render(user));
  });
}

const hostname = process.env['HOST'] ?? '127.0.0.1';
serve({ fetch: app.fetch, port: Number(process.env['PORT'] ?? 3002), hostname }, (info) => {
  console.log(`factorkit Hono example: http://${hostname}:${info.port}`);
  for (const user of DEMO_USERS)
    console.log(
      `  ${user.email.padEnd(18)} ${user.password.padEnd(12)} ${user.role.padEnd(6)} ${siteName(user.site)}`,
    );
});
