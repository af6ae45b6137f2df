import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import session from 'express-session';
import type { MemoryMailer, MemorySender, TwoFactor } from 'factorkit';
import { twoFactorRouter } from 'factorkit/express';
import { exampleAssets } from '../shared/elements.js';
import { rolloutSection } from '../shared/rollout.js';
import { answerErrors } from './answer-errors.js';
import { agentsPage, codePage, outboxPage, profilePage, securityPage, signInPage } from './pages.js';
import { sameOriginPosts } from './same-origin.js';
import { type DemoUser, UserDirectory } from './users.js';

/** What the example app is built from. */
export interface ExampleOptions {
  tf: TwoFactor;
  /** Shown on the development outbox page when it is a MemoryMailer. */
  outbox?: MemoryMailer;
  /** The text messages and calls the phone method sent, shown on the outbox page (development). */
  texts?: MemorySender;
  /** Secure cookies (true behind HTTPS; false for http://127.0.0.1). */
  secureCookies?: boolean;
  /** The clock of the facade, so that step-up freshness uses the same time (tests pass a fake one). */
  now?: () => number;
  /** Signs the session cookie (random per process when unset: sessions end with the process). */
  sessionSecret?: string;
  /**
   * Security keys: the page origin (`http://localhost:3000`) and its domain (`localhost`). WebAuthn
   * needs a domain: it does not work on an IP address such as 127.0.0.1.
   */
  webauthn?: { rpId: string; origin: string };
}

/** Sessions idle longer than this end. */
const IDLE_MS = 8 * 3_600_000;

/** The CloudFon-style control panel on Express, wired to factorkit through `factorkit/express`. */
export function createExampleApp(options: ExampleOptions) {
  const { tf, outbox, secureCookies = false, now = Date.now } = options;
  const users = new UserDirectory();
  const app = express();
  app.disable('x-powered-by');
  app.use('/static', express.static(fileURLToPath(new URL('./public/', import.meta.url))));
  // The 2FA screens: factorkit's elements, and the host's script saying where each one leads.
  const assets = exampleAssets();
  app.get(['/static/factorkit/elements.js', '/static/app.js', '/static/rollout.js'], async (req, res) => {
    const asset = (await assets).find((candidate) => candidate.path === req.path)!;
    res.type(asset.type).send(asset.body);
  });
  app.use(
    session({
      name: 'example_sid',
      secret: options.sessionSecret ?? crypto.randomUUID(),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: IDLE_MS },
    }),
  );
  app.use(sameOriginPosts);
  // Pages carry personal data and codes: never cached.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const twoFactor = twoFactorRouter(tf, {
    session: (req) => req.session,
    accountName: (userId) => users.byIdOrNull(userId)?.email ?? userId,
    // An admin acts for their own site: factorkit refuses a target in another one (403).
    getActor: async (req) => actorOf(await currentUser(req)),
    // The overview counts the admin's own site (the host's directory, not factorkit's).
    usersOf: async (req) => users.ofSite((await currentUser(req))?.site ?? '').map((person) => person.id),
    cookie: { secure: secureCookies },
    // The audit events (and the notices) say where a request came from: behind a proxy, name its
    // header instead (`{ header: 'x-forwarded-for' }`).
    requestContext: { clientAddress: 'socket', userAgent: true },
    ...(options.webauthn ? { webauthn: { ...options.webauthn, rpName: 'CloudFon CX' } } : {}),
    now,
  });
  app.use('/2fa', twoFactor);
  const currentUser = async (req: Request): Promise<DemoUser | null> =>
    users.byIdOrNull(await twoFactor.userId(req));

  /** A page of a fully signed-in user; a session that must set up 2FA first sees only /setup. */
  const page =
    (render: (req: Request, user: DemoUser) => Promise<string> | string, adminOnly = false) =>
    async (req: Request, res: Response) => {
      const state = await twoFactor.state(req);
      if (state?.stage === 'setup') return res.redirect('/setup');
      const user = await currentUser(req);
      if (!user) return res.redirect(state?.stage === 'pending' ? '/login/code' : '/login');
      if (adminOnly && user.role !== 'admin')
        return res.status(403).send('Only administrators can open this page.');
      const html = await render(req, user);
      res.type('html').send(html);
    };

  app.get('/', (_req, res) => res.redirect('/profile'));
  app.get('/login', (_req, res) => res.type('html').send(signInPage()));
  app.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const user = users.authenticate(String(req.body?.email ?? ''), String(req.body?.password ?? ''));
    if (!user) return res.status(401).type('html').send(signInPage('The email or password is incorrect.'));
    const start = await twoFactor.beginLogin(req, user.id);
    if (start.status === 'challenge') return res.redirect('/login/code');
    return res.redirect(start.status === 'setup-required' ? '/setup' : '/profile');
  });
  app.get('/login/code', async (req, res) => {
    const state = await twoFactor.state(req);
    if (state?.stage !== 'pending') return res.redirect('/login');
    return res.type('html').send(codePage());
  });
  app.post('/logout', async (req, res) => {
    await twoFactor.signOut(req);
    res.redirect('/login');
  });

  /** The only page of a session that must set up 2FA before anything else. */
  app.get('/setup', async (req, res) => {
    const state = await twoFactor.state(req);
    if (state?.stage !== 'setup') return res.redirect('/profile');
    const user = users.byIdOrNull(state.userId);
    if (!user) return res.redirect('/login');
    res.type('html').send(profilePage(user, true));
  });
  app.get(
    '/profile',
    page(async (_req, user) =>
      profilePage(user, false, (await tf.statusMany([user.id])).get(user.id)!.graceUntil),
    ),
  );
  const offered = [
    'totp',
    'email',
    ...(options.texts ? ['phone'] : []),
    ...(options.webauthn ? ['webauthn'] : []),
  ];
  app.get(
    '/settings/security',
    page(async (_req, user) => {
      const userIds = users.ofSite(user.site).map((person) => person.id);
      const overview = await tf.admin.overview(actorOf(user)!, { userIds });
      return securityPage(user, rolloutSection(await tf.policy.get({ userId: user.id }), offered, overview));
    }, true),
  );
  app.get(
    '/settings/agents',
    page(async (_req, user) => {
      const agents = users.ofSite(user.site);
      return agentsPage(user, agents, await tf.statusMany(agents.map((agent) => agent.id)));
    }, true),
  );
  /**
   * The development outbox: on loopback only (not through a LAN address or a rebound DNS name),
   * and only the mail of the session's own user (signed in, or with a code pending).
   */
  app.get('/dev/outbox', async (req, res) => {
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(req.hostname)) {
      return res.status(404).type('application/json').json({ error: 'not-found' });
    }
    const state = await twoFactor.state(req);
    const owner = users.byIdOrNull(state?.userId);
    const mine = owner ? (outbox?.sent ?? []).filter((mail) => mail.to === owner.email) : [];
    const texts = owner ? (options.texts?.sent ?? []).filter((text) => text.to === owner.phone) : [];
    res.type('html').send(outboxPage(await currentUser(req), mine, texts));
  });
  app.use(answerErrors);
  return app;
}

/** The admin's actor, carrying their site: factorkit checks every admin action against it. */
const actorOf = (user: DemoUser | null) =>
  user?.role === 'admin' ? { id: user.id, roles: ['admin'], org: user.site } : null;
