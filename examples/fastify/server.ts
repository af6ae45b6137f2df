/**
 * factorkit on Fastify 5: a JSON sign-in, the 2FA endpoints under /2fa, a protected route, on
 * @fastify/session, and pages whose 2FA screens are factorkit's elements (sign in at /, the code
 * page, /settings, and for a site's admin /agents and /policy). Two sites, Acme Support and Globex
 * Sales (examples/shared: the directory and the pages the Hono example shares), each admin on
 * their own site only. `npx tsx examples/fastify/server.ts`,
 * then open the URL it prints, or drive it with curl or fetch:
 *   POST /login { email, password } -> { status: 'challenge' } -> POST /2fa/login/verify { code }
 *   GET /me (signed in), POST /logout, and every /2fa endpoint of docs/http.md.
 * Environment: PORT (3001; 0 picks a free one), HOST (127.0.0.1), SECURE_COOKIES=1 behind HTTPS.
 * MemoryStore and MemoryMailer: nothing survives a restart and no email leaves the process.
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { createTwoFactor, MemoryMailer, MemoryStore } from 'factorkit';
import { twoFactorPlugin } from 'factorkit/fastify';
import Fastify, { type FastifyReply } from 'fastify';
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
  issuer: 'factorkit Fastify example',
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

const app = Fastify({
  frameworkErrors: (error, request, reply) => request.server.twoFactor.frameworkErrors(error, request, reply),
});
await app.register(fastifyCookie);
await app.register(fastifySession, {
  secret: randomBytes(32).toString('hex'), // sessions end with the process
  cookieName: 'sid',
  saveUninitialized: false,
  // @fastify/session defaults to Secure, and then sends no cookie at all over plain http.
  cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: 8 * 3_600_000 },
});
await app.register(twoFactorPlugin, {
  tf,
  prefix: '/2fa',
  accountName: (userId) => userById(userId)?.email ?? userId,
  getActor: async (request) => actorOf(await request.server.twoFactor.userId(request)),
  // GET /2fa/admin/overview counts the admin's own site (the host's directory, not factorkit's).
  usersOf: async (request) => siteUserIds(await request.server.twoFactor.userId(request)),
  cookie: { secure },
});
const { twoFactor } = app;

const credentials = {
  type: 'object',
  required: ['email', 'password'],
  properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 1024 } },
} as const;

app.post<{ Body: { email: string; password: string } }>(
  '/login',
  { schema: { body: credentials } },
  async (request, reply) => {
    const user = authenticate(request.body.email, request.body.password);
    if (!user) return reply.code(401).send({ error: 'invalid-credentials' });
    // 'challenge': ask for the code (GET /2fa/login lists the methods); otherwise signed in.
    return twoFactor.beginLogin(request, user.id);
  },
);
app.post('/logout', async (request) => {
  await twoFactor.signOut(request);
  return { ok: true };
});
app.get('/me', { preHandler: twoFactor.requireSignedIn }, async (request) => {
  const id = await twoFactor.userId(request);
  return { id, email: userById(id)?.email };
});

// The pages: the elements' script and the host's, then HTML (never cached: codes and personal data).
for (const asset of await exampleAssets()) {
  app.get(asset.path, async (_request, reply) => reply.type(asset.type).send(asset.body));
}
const html = (reply: FastifyReply, body: string) =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
app.get('/', async (_request, reply) => html(reply, signInPage()));
app.get('/code', async (_request, reply) => html(reply, codePage()));
for (const [path, render] of Object.entries(signedInPages(tf))) {
  app.get(path, async (request, reply) => {
    const user = userById(await twoFactor.userId(request));
    if (!user) return reply.redirect('/');
    if (path !== '/settings' && user.role !== 'admin') return reply.redirect('/settings');
    return html(reply, await render(user));
  });
}

const url = await app.listen({
  port: Number(process.env['PORT'] ?? 3001),
  host: process.env['HOST'] ?? '127.0.0.1',
});
console.log(`factorkit Fastify example: ${url}`);
for (const user of DEMO_USERS)
  console.log(
    `  ${user.email.padEnd(18)} ${user.password.padEnd(12)} ${user.role.padEnd(6)} ${siteName(user.site)}`,
  );
