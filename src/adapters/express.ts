import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { TwoFactor } from '../app/create-two-factor.js';
import type { LoginStart } from '../app/login/start.js';
import { FactorkitError } from '../core/errors.js';
import { createTwoFactorHttp } from '../http/create-http.js';
import type { SessionState, TwoFactorSessionAccess } from '../http/session.js';
import type { HttpAnswer, HttpRequest, TwoFactorHttpOptions } from '../http/types.js';

/** What express-session's `req.session` offers and the adapter uses: any object with these works. */
export interface ExpressSessionLike {
  regenerate(callback: (err?: unknown) => void): unknown;
  destroy(callback: (err?: unknown) => void): unknown;
}

/** Options of {@link twoFactorRouter}. */
export interface TwoFactorRouterOptions extends TwoFactorHttpOptions<Request> {
  /**
   * This browser's session: express-session's `req.session` as is (state under `factorkit`,
   * rotated with `regenerate`), or your own {@link TwoFactorSessionAccess}.
   */
  session(req: Request): ExpressSessionLike | TwoFactorSessionAccess | undefined;
}

/** The router plus the helpers a host calls from its own routes. */
export type TwoFactorRouter = Router & {
  /** After the password is checked: asks for a code, trusts the browser or signs in; new session id. */
  beginLogin(req: Request, userId: string): Promise<LoginStart>;
  /** 401 unless signed in (a password-only session is not); 403 `setup-required` until a required method is set up. */
  requireSignedIn: RequestHandler;
  /** 403 `step-up-required` unless a second factor was verified within the policy's `stepUpMaxAgeMs`. */
  requireStepUp: RequestHandler;
  /** Signs out: the 2FA state is wiped and the session destroyed. */
  signOut(req: Request): Promise<void>;
  /** The signed-in user, or null. */
  userId(req: Request): Promise<string | null>;
  /** The 2FA state of this session (stage, user, fresh factor, this browser's device id), or null. */
  state(req: Request): Promise<SessionState | null>;
};

const isAccess = (value: object): value is TwoFactorSessionAccess =>
  typeof (value as TwoFactorSessionAccess).get === 'function' &&
  typeof (value as TwoFactorSessionAccess).rotate === 'function';

/** The session of a request as the HTTP layer's contract; express-session's object is adapted. */
function sessionOf(req: Request, pick: TwoFactorRouterOptions['session']): TwoFactorSessionAccess {
  const current = () => {
    const session = pick(req);
    if (!session) throw new FactorkitError('CONFIG', '[express] no session: install express-session first');
    return session;
  };
  const first = current();
  if (isAccess(first)) return first;
  const bag = () => current() as unknown as Record<string, unknown>;
  const call = (name: 'regenerate' | 'destroy') =>
    new Promise<void>((resolve, reject) => {
      (current() as ExpressSessionLike)[name]((err) => (err ? reject(err) : resolve()));
    });
  return {
    get: () => bag()['factorkit'],
    set: (state) => {
      bag()['factorkit'] = state;
    },
    async rotate() {
      const state = bag()['factorkit'];
      await call('regenerate');
      bag()['factorkit'] = state;
    },
    destroy: () => call('destroy'),
  };
}

function send(res: Response, answer: HttpAnswer): void {
  res.status(answer.status);
  for (const [name, value] of answer.headers) res.append(name, value);
  if (answer.attachment) res.type(answer.attachment.contentType).send(answer.attachment.text);
  else res.json(answer.body);
}

/**
 * JSON endpoints for every facade call (Express 5), over the framework-neutral `factorkit/http`
 * layer. Mount it: `app.use('/2fa', router)`. It reads its own bodies (JSON only, 16 KiB).
 *
 * @example
 * app.use(session({ secret, resave: false, saveUninitialized: false }));
 * const twoFactor = twoFactorRouter(tf, { session: (req) => req.session });
 * app.use('/2fa', twoFactor);
 * app.post('/login', async (req, res) => { ...check the password...; res.json(await twoFactor.beginLogin(req, user.id)) });
 */
export function twoFactorRouter(tf: TwoFactor, options: TwoFactorRouterOptions): TwoFactorRouter {
  const http = createTwoFactorHttp<Request>(tf, options);
  const neutral = (req: Request): HttpRequest<Request> => ({
    method: req.method,
    params: req.params as Record<string, string>,
    body: bodyOf(req),
    header: (name) => req.get(name),
    session: sessionOf(req, options.session),
    native: req,
  });
  const guard =
    (name: 'signedIn' | 'stepUp'): RequestHandler =>
    (req, res, next) => {
      Promise.resolve()
        .then(() => http.check(name, neutral(req)))
        .then((answer) => (answer ? send(res, answer) : next()))
        .catch((error: unknown) => send(res, http.fail(error, req)));
    };

  const router = express.Router() as TwoFactorRouter;
  router.use(express.text({ type: () => true, limit: http.bodyLimitBytes }));
  for (const route of http.routes) {
    router[route.method.toLowerCase() as 'get'](route.path, (req, res) => {
      Promise.resolve()
        .then(() => http.dispatch(route, neutral(req)))
        .then((answer) => send(res, answer))
        .catch((error: unknown) => send(res, http.fail(error, req)));
    });
  }
  router.use(((error, req, res, _next) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return send(res, http.tooLarge(req));
    send(res, http.fail(error, req));
  }) as express.ErrorRequestHandler);

  router.beginLogin = (req, userId) => http.beginLogin(neutral(req), userId);
  router.requireSignedIn = guard('signedIn');
  router.requireStepUp = guard('stepUp');
  router.signOut = (req) => http.signOut(sessionOf(req, options.session));
  router.userId = (req) => http.userId(sessionOf(req, options.session));
  router.state = (req) => http.state(sessionOf(req, options.session));
  return router;
}

/** The raw body: text from the router's reader, or what a host-level `express.json()` parsed. */
function bodyOf(req: Request): HttpRequest['body'] {
  const contentType = req.get('content-type');
  if (typeof req.body === 'string') return { text: req.body, contentType };
  if (req.body !== undefined && req.body !== null) return { text: JSON.stringify(req.body), contentType };
  return undefined;
}
