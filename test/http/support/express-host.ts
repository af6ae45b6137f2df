import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import session from 'express-session';
import { twoFactorRouter } from '../../../src/adapters/express.js';
import type { Harness } from '../../helpers/harness.js';
import { adapterMessages, type HostOptions, testActor } from './hosts.js';

/**
 * A host app as docs/express.md tells people to write one: express-session, a password route that
 * calls `beginLogin`, the 2FA router under /2fa and the guards on the host's own routes. The
 * password check is the test's job: POST /password/:userId "accepts" any password.
 * `x-admin: 1` marks an administrator.
 */
export async function startExpressHost(h: Harness, options: HostOptions = {}) {
  const app = express();
  app.set('env', options.env ?? 'development');
  app.use(
    session({
      secret: 'test-session-secret-of-at-least-32-chars',
      resave: false,
      saveUninitialized: false,
      name: 'sid',
      cookie: { httpOnly: true, sameSite: 'lax', secure: false },
    }),
  );
  const twoFactor = twoFactorRouter(h.tf, {
    session: (req) => req.session,
    usersOf: (req) => (req.get('x-users') ?? '').split(',').filter(Boolean),
    getActor: (req) => testActor((name) => req.get(name)),
    canManagePolicy: (req) => req.headers['x-admin'] === '1',
    cookie: { secure: false },
    now: h.clock.now,
    onError: (error) => options.errors?.push(error),
    ...(options.csrf ? { csrf: options.csrf } : {}),
    ...(options.webauthn ? { webauthn: options.webauthn } : {}),
    ...(options.openApi ? { openApi: options.openApi } : {}),
    ...(options.requestContext ? { requestContext: options.requestContext } : {}),
    ...(options.messages
      ? { messages: adapterMessages<Request>(options.messages, (req) => req.get('accept-language')) }
      : {}),
  });
  app.post('/visit', (req, res) => {
    (req.session as unknown as Record<string, unknown>)['visited'] = true;
    res.json({ ok: true });
  });
  app.post('/password/:userId', async (req, res) => {
    res.json(await twoFactor.beginLogin(req, String(req.params['userId'])));
  });
  app.post('/sign-out', async (req, res) => {
    await twoFactor.signOut(req);
    res.json({ ok: true });
  });
  app.use('/2fa', twoFactor);
  for (const [path, page] of Object.entries(options.pages ?? {})) {
    app.get(path, (_req, res) => void res.type(page.type).send(page.body));
  }
  app.get('/app', twoFactor.requireSignedIn, (_req, res) => void res.json({ ok: true }));
  app.post('/app/sensitive', twoFactor.requireStepUp, (_req, res) => void res.json({ ok: true }));
  const server = app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
