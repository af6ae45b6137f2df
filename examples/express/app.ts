import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import type { MemoryMailer, TwoFactor } from 'factorkit';
import { twoFactorRouter } from 'factorkit/express';
import { agentsPage, codePage, outboxPage, profilePage, securityPage, signInPage } from './pages.js';
import { destroySession, rotateSession, sessionMiddleware } from './session.js';
import { type DemoUser, UserDirectory } from './users.js';

/** What the example app is built from. */
export interface ExampleOptions {
  tf: TwoFactor;
  /** Shown on the development outbox page when it is a MemoryMailer. */
  outbox?: MemoryMailer;
  /** Secure cookies (true behind HTTPS; false for http://127.0.0.1). */
  secureCookies?: boolean;
  /** The clock of the facade, so that step-up freshness uses the same time (tests pass a fake one). */
  now?: () => number;
}

/** The CloudFon-style control panel on Express, wired to factorkit through `factorkit/express`. */
export function createExampleApp({ tf, outbox, secureCookies = false, now = Date.now }: ExampleOptions) {
  const users = new UserDirectory();
  const app = express();
  app.disable('x-powered-by');
  app.use('/static', express.static(fileURLToPath(new URL('./public/', import.meta.url))));
  app.use(sessionMiddleware({ secure: secureCookies }));

  const currentUser = (req: Request): DemoUser | null => users.byIdOrNull(twoFactor.state(req).userId);
  const twoFactor = twoFactorRouter(tf, {
    session: (req) => req.session,
    accountName: (userId) => users.byIdOrNull(userId)?.email ?? userId,
    getActor: (req) => {
      const user = currentUser(req);
      return user?.role === 'admin' ? { id: user.id, roles: ['admin'] } : null;
    },
    canManagePolicy: (req) => currentUser(req)?.role === 'admin',
    onSignedIn: (req, res) => rotateSession(req, res, secureCookies),
    cookie: { secure: secureCookies },
    now,
  });
  app.use('/2fa', twoFactor);

  const page =
    (render: (req: Request, res: Response, user: DemoUser) => Promise<string> | string, adminOnly = false) =>
    async (req: Request, res: Response) => {
      const user = currentUser(req);
      if (!user) return res.redirect(twoFactor.state(req).pendingUserId ? '/login/code' : '/login');
      if (adminOnly && user.role !== 'admin')
        return res.status(403).send('Only administrators can open this page.');
      try {
        res.type('html').send(await render(req, res, user));
      } catch (error) {
        res.status(500).send(`Error: ${(error as Error).message}`);
      }
    };

  app.get('/', (req, res) => res.redirect(currentUser(req) ? '/profile' : '/login'));
  app.get('/login', (_req, res) => res.type('html').send(signInPage()));
  app.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const user = users.authenticate(String(req.body?.email ?? ''), String(req.body?.password ?? ''));
    if (!user) return res.status(401).type('html').send(signInPage('The email or password is incorrect.'));
    twoFactor.signOut(req);
    rotateSession(req, res, secureCookies);
    try {
      const start = await twoFactor.beginLogin(req, res, user.id);
      if (start.status === 'challenge') {
        req.session.loginMethods = start.methods;
        return res.redirect('/login/code');
      }
      return res.redirect(start.status === 'setup-required' ? '/profile?setup=1' : '/profile');
    } catch (error) {
      return res
        .status(503)
        .type('html')
        .send(signInPage(`Sign-in is unavailable: ${(error as Error).message}`));
    }
  });
  app.get('/login/code', async (req, res) => {
    if (!twoFactor.state(req).pendingUserId) return res.redirect('/login');
    const policy = await tf.policy.get();
    const trustDays = policy.frequency === 'every-login' ? null : policy.frequency.trustDays;
    return res.type('html').send(codePage({ methods: req.session.loginMethods ?? [], trustDays }));
  });
  app.post('/logout', (req, res) => {
    destroySession(req, res);
    res.redirect('/login');
  });

  app.get(
    '/profile',
    page(async (req, _res, user) => {
      const [status, devices] = await Promise.all([tf.status(user.id), tf.devices.list(user.id)]);
      const setupRequired = req.query['setup'] === '1' && !status.enabled;
      return profilePage({
        user,
        status,
        devices,
        currentDeviceId: twoFactor.state(req).deviceId ?? null,
        setupRequired,
      });
    }),
  );
  app.get(
    '/settings/security',
    page(async (_req, _res, user) => securityPage(user, (await tf.policy.get()).frequency), true),
  );
  app.get(
    '/settings/agents',
    page((_req, _res, user) => agentsPage(user, users.all()), true),
  );
  app.get('/dev/outbox', (req, res) =>
    res.type('html').send(outboxPage(currentUser(req), outbox?.sent ?? [])),
  );

  return app;
}
