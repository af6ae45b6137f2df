import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { TwoFactor } from '../app/create-two-factor.js';
import type { LoginStart } from '../app/login/start.js';
import { createTwoFactorHttp } from '../http/create-http.js';
import { bindNative } from '../http/native-binding.js';
import { decodeBody } from '../http/request-rules.js';
import type { SessionState, TwoFactorSessionAccess } from '../http/session.js';
import { type ExpressSessionLike, expressSessionAccess } from '../http/session-libraries.js';
import type { HttpAnswer, TwoFactorHttpOptions } from '../http/types.js';

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
  const bound = bindNative(http, {
    parts: (req) => ({
      method: req.method,
      params: req.params as Record<string, string>,
      header: (name) => req.get(name),
      peerAddress: req.socket?.remoteAddress,
    }),
    text: bodyText,
    session: (req) => expressSessionAccess(() => options.session(req)),
  });
  const guard =
    (name: 'signedIn' | 'stepUp'): RequestHandler =>
    (req, res, next) => {
      const check = () => http.check(name, bound.request(req));
      return bound.respond(req, check, (answer) => (answer ? send(res, answer) : next()));
    };

  const router = express.Router() as TwoFactorRouter;
  // Bytes, decoded by the layer's rule: a declared charset is the layer's to refuse, not the reader's to apply.
  router.use(express.raw({ type: () => true, limit: http.bodyLimitBytes }));
  for (const route of http.routes) {
    router[route.method.toLowerCase() as 'get'](route.path, (req, res) => {
      const dispatch = () => http.dispatch(route, bound.request(req));
      return bound.respond(req, dispatch, (answer) => send(res, answer));
    });
  }
  // Body reader and router errors carry their status (413 over the limit, 400 a bad `%` escape).
  router.use(((error, req, res, _next) => send(res, http.fail(error, req))) as express.ErrorRequestHandler);
  return Object.assign(router, bound.helpers, {
    requireSignedIn: guard('signedIn'),
    requireStepUp: guard('stepUp'),
  });
}

/** The raw body: the router's bytes as text, or what a host-level parser read (`express.json()`). */
function bodyText(req: Request): string | undefined {
  if (Buffer.isBuffer(req.body)) return decodeBody(req.body);
  if (typeof req.body === 'string') return req.body;
  if (req.body !== undefined && req.body !== null) return JSON.stringify(req.body);
  return undefined;
}
