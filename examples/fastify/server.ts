/**
 * factorkit on Fastify 5 in one file: a JSON sign-in, the 2FA endpoints under /2fa, a protected
 * route, on @fastify/session, and pages whose 2FA screens are factorkit's elements (sign in at /,
 * the code page, /settings, and for the admin /agents and /policy). `npx tsx examples/fastify/server.ts`,
 * then open the URL it prints, or drive it with curl or fetch:
 *   POST /login { email, password } -> { status: 'challenge' } -> POST /2fa/login/verify { code }
 *   GET /me (signed in), POST /logout, and every /2fa endpoint of docs/http.md.
 * Environment: PORT (3001; 0 picks a free one), HOST (127.0.0.1), SECURE_COOKIES=1 behind HTTPS.
 * MemoryStore and MemoryMailer: nothing survives a restart and no email leaves the process.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { createTwoFactor, MemoryMailer, MemoryStore } from 'factorkit';
import { twoFactorPlugin } from 'factorkit/fastify';
import Fastify, { type FastifyReply } from 'fastify';
import { exampleAssets } from '../shared/elements.js';
import { agentsPage, codePage, policyPage, settingsPage, signInPage } from '../shared/pages.js';

const secure = process.env['SECURE_COOKIES'] === '1';

const tf = createTwoFactor({
  issuer: 'factorkit Fastify example',
  store: new MemoryStore(),
  mailer: new MemoryMailer(),
  keys: process.env['FACTORKIT_KEY'] ?? randomBytes(32).toString('hex'),
  policy: { frequency: { trustDays: 14 } }, // "Trust this browser for 14 days" is offered
  authorize: (actor) => actor.roles?.includes('admin') === true,
});

/** The demo users; a real app has its own directory. scrypt, with a random salt per user. */
const hash = (password: string, salt: Buffer) => scryptSync(password, salt, 32);
const DEMO_USERS = [
  { id: 'u-admin', email: 'admin@example.com', password: 'admin-demo-1', admin: true },
  { id: 'u-ana', email: 'ana@example.com', password: 'ana-demo-1', admin: false },
  { id: 'u-ben', email: 'ben@example.com', password: 'ben-demo-1', admin: false },
];
const users = DEMO_USERS.map(({ password, ...user }) => {
  const salt = randomBytes(16);
  return { ...user, salt, hash: hash(password, salt) };
});
const decoy = { salt: randomBytes(16), hash: randomBytes(32) };

/** The signed-in user's actor for the admin endpoints: an administrator, or null. */
const actorOf = (userId: string | null) =>
  users.find((u) => u.id === userId && u.admin) ? { id: userId!, roles: ['admin'] } : null;

/** The user with this email and password, or null; an unknown email costs the same scrypt run. */
function authenticate(email: string, password: string) {
  const user = users.find((u) => u.email === email.trim().toLowerCase());
  const ok = timingSafeEqual(hash(password, (user ?? decoy).salt), (user ?? decoy).hash);
  return ok && user ? user : null;
}

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
  accountName: (userId) => users.find((u) => u.id === userId)?.email ?? userId,
  getActor: async (request) => actorOf(await request.server.twoFactor.userId(request)),
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
  return { id, email: users.find((u) => u.id === id)?.email };
});

// The pages: the elements' script and the host's, then HTML (never cached: codes and personal data).
for (const asset of await exampleAssets()) {
  app.get(asset.path, async (_request, reply) => reply.type(asset.type).send(asset.body));
}
const html = (reply: FastifyReply, body: string) =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
app.get('/', async (_request, reply) => html(reply, signInPage()));
app.get('/code', async (_request, reply) => html(reply, codePage()));
const pages = { '/settings': settingsPage, '/agents': () => agentsPage(users), '/policy': policyPage };
for (const [path, render] of Object.entries(pages)) {
  app.get(path, async (request, reply) =>
    (await twoFactor.userId(request)) ? html(reply, render()) : reply.redirect('/'),
  );
}

const url = await app.listen({
  port: Number(process.env['PORT'] ?? 3001),
  host: process.env['HOST'] ?? '127.0.0.1',
});
console.log(`factorkit Fastify example: ${url}`);
for (const user of DEMO_USERS) console.log(`  ${user.email.padEnd(18)} ${user.password}`);
