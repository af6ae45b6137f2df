import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { TwoFactor } from '../create-two-factor.js';
import type { Actor } from '../events.js';
import type { LoginStart, VerifyResult } from '../facade/login.js';
import { trustDays } from '../policy.js';
import { deviceLabel } from '../trusted-device-store.js';
import { mountAccountRoutes } from './express-account.js';
import {
  codeBody,
  handle,
  isStateChanging,
  parseBody,
  readCookie,
  sendAnswer,
  sendError,
} from './express-http.js';

/** What the adapter keeps in the host's session, under `factorkit`. */
export interface TwoFactorSession {
  /** Signed in: password and, when asked, the second factor. */
  userId?: string;
  /** Password checked, code pending. */
  pendingUserId?: string;
  challengeId?: string;
  stepUpChallengeId?: string;
  /** When a second factor was last verified (ms). */
  secondFactorAt?: number;
  /** This browser's trusted-device id, if it has one. */
  deviceId?: string;
  /** The org requires 2FA and this user has no method yet: only the setup endpoints open. */
  setupRequired?: boolean;
}

/** Options of {@link twoFactorRouter}. */
export interface TwoFactorRouterOptions {
  /** This browser's session object (express-session's `req.session`, or your own); state lives under `factorkit`. */
  session(req: Request): Record<string, unknown>;
  /** The signed-in user; default: the one this adapter signed in (`session.factorkit.userId`). */
  getUserId?(req: Request): string | null | undefined;
  /** The admin acting, for admin endpoints; null when not an admin. */
  getActor?(req: Request): Actor | null | undefined | Promise<Actor | null | undefined>;
  /** Label for the authenticator app entry (default: the user id). */
  accountName?(userId: string, req: Request): string | Promise<string>;
  /** Whether this request may change the org policy (default: nobody). */
  canManagePolicy?(req: Request): boolean | Promise<boolean>;
  /** Called after a login completes (password + code or trusted browser): rotate the session id here. */
  onSignedIn?(req: Request, res: Response, userId: string): void | Promise<void>;
  /** Extra CSRF check for state-changing requests (JSON-only bodies are always required). */
  csrf?(req: Request): boolean | Promise<boolean>;
  /** Trusted-browser cookie. */
  cookie?: { name?: string; secure?: boolean; path?: string; domain?: string };
  now?: () => number;
}

/** The router plus the helpers a host calls from its own routes. */
export type TwoFactorRouter = Router & {
  /** After the password is checked: signs in, or records the pending 2FA step. */
  beginLogin(req: Request, res: Response, userId: string): Promise<LoginStart>;
  /** 401 unless signed in (a password-only session is not); 403 `setup-required` until a required method is set up. */
  requireSignedIn: RequestHandler;
  /** 403 `step-up-required` unless a second factor was verified within the policy's `stepUpMaxAgeMs`. */
  requireStepUp: RequestHandler;
  /** The session state. */
  state(req: Request): TwoFactorSession;
  signOut(req: Request): void;
};

const rememberBody = codeBody.extend({ rememberDevice: z.boolean().optional() });

/**
 * JSON endpoints for every facade call, the trusted-browser cookie, and guards for the "password
 * checked, 2FA pending" state and for step-up. Mount it: `app.use('/2fa', router)`.
 *
 * @example
 * const twoFactor = twoFactorRouter(tf, { session: (req) => req.session, getActor: (req) => req.admin });
 * app.use('/2fa', twoFactor);
 * app.post('/login', async (req, res) => { ...check password...; res.json(await twoFactor.beginLogin(req, res, user.id)) });
 */
export function twoFactorRouter(tf: TwoFactor, options: TwoFactorRouterOptions): TwoFactorRouter {
  const now = options.now ?? Date.now;
  const cookieName = options.cookie?.name ?? 'factorkit_device';
  const cookieBase = {
    httpOnly: true,
    secure: options.cookie?.secure ?? true,
    sameSite: 'lax' as const,
    path: options.cookie?.path ?? '/',
  };
  const cookieOptions = options.cookie?.domain
    ? { ...cookieBase, domain: options.cookie.domain }
    : cookieBase;

  const state = (req: Request): TwoFactorSession => {
    const session = options.session(req);
    session['factorkit'] ??= {};
    return session['factorkit'] as TwoFactorSession;
  };
  const userIdOf = (req: Request) => (options.getUserId ? options.getUserId(req) : state(req).userId) ?? null;

  const signIn = async (req: Request, res: Response, userId: string, secondFactor: boolean) => {
    const s = state(req);
    delete s.pendingUserId;
    delete s.challengeId;
    s.userId = userId;
    if (secondFactor) s.secondFactorAt = now();
    await options.onSignedIn?.(req, res, userId);
  };

  const router = express.Router() as TwoFactorRouter;
  router.use(express.json({ limit: '16kb' }));
  router.use((req, res, next) => {
    if (!isStateChanging(req)) return next();
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'json-required' });
      return;
    }
    Promise.resolve(options.csrf ? options.csrf(req) : true)
      .then((ok) => (ok ? next() : res.status(403).json({ error: 'csrf' })))
      .catch((error: unknown) => sendError(res, error));
  });

  const signedInForSetup: RequestHandler = (req, res, next) => {
    if (userIdOf(req)) return next();
    res.status(401).json({ error: state(req).pendingUserId ? 'second-factor-required' : 'not-signed-in' });
  };
  router.requireSignedIn = (req, res, next) => {
    if (userIdOf(req) && state(req).setupRequired) {
      res.status(403).json({ error: 'setup-required' });
      return;
    }
    signedInForSetup(req, res, next);
  };
  /** A method was just set up with a verified code: the session counts as fully signed in. */
  const completeSetup = (req: Request) => {
    const s = state(req);
    delete s.setupRequired;
    s.secondFactorAt = now();
  };
  router.requireStepUp = (req, res, next) => {
    tf.policy
      .get()
      .then((policy) => {
        const at = state(req).secondFactorAt ?? 0;
        if (now() - at <= policy.stepUpMaxAgeMs) return next();
        res.status(403).json({ error: 'step-up-required' });
      })
      .catch((error: unknown) => sendError(res, error));
  };
  router.state = state;
  router.signOut = (req) => {
    options.session(req)['factorkit'] = {};
  };
  router.beginLogin = async (req, res, userId) => {
    const start = await tf.login.start(userId, { deviceToken: readCookie(req, cookieName) });
    const s = state(req);
    if (start.status === 'challenge') {
      Object.assign(s, { pendingUserId: userId, challengeId: start.challengeId });
      delete s.userId;
    } else if (start.status === 'setup-required') {
      // Signed in for the 2FA setup endpoints only, until a method is confirmed.
      await signIn(req, res, userId, false);
      s.setupRequired = true;
    } else {
      if (start.status === 'trusted-device') s.deviceId = start.deviceId;
      await signIn(req, res, userId, false);
    }
    return start;
  };

  const verifyAnswer = async (res: Response, result: VerifyResult, onOk: () => Promise<void>) => {
    if (result.ok) {
      await onOk();
      res.json({ ok: true, method: result.method });
      return;
    }
    if (result.reason === 'locked') {
      res.set('Retry-After', String(Math.max(1, Math.ceil((result.retryAt - now()) / 1000))));
      res.status(429).json(result);
      return;
    }
    res.status(401).json(result);
  };

  const pending = (req: Request, res: Response): { userId: string; challengeId: string } | null => {
    const s = state(req);
    if (s.pendingUserId && s.challengeId) return { userId: s.pendingUserId, challengeId: s.challengeId };
    res.status(401).json({ error: 'no-pending-login' });
    return null;
  };

  // The login step: "Input Authentication Code".
  router.get(
    '/login',
    handle(async (req, res) => {
      const p = pending(req, res);
      if (!p) return;
      res.json({ pending: true, trustDays: trustDays(await tf.policy.get()) });
    }),
  );
  router.post(
    '/login/email',
    handle(async (req, res) => {
      const p = pending(req, res);
      if (p) sendAnswer(res, await tf.login.sendEmailCode(p.challengeId), now());
    }),
  );
  router.post(
    '/login/verify',
    handle(async (req, res) => {
      const p = pending(req, res);
      const body = p && parseBody(rememberBody, req, res);
      if (!p || !body) return;
      const result = await tf.login.verify(p.challengeId, body.code, {
        rememberDevice: body.rememberDevice === true,
        deviceLabel: deviceLabel(req.get('user-agent')),
      });
      if (!result.ok && result.reason !== 'invalid-code' && result.reason !== 'locked') router.signOut(req);
      await verifyAnswer(res, result, async () => {
        if (result.ok && result.deviceToken && result.deviceExpiresAt) {
          res.cookie(cookieName, result.deviceToken, {
            ...cookieOptions,
            maxAge: result.deviceExpiresAt - now(),
          });
          if (result.deviceId) state(req).deviceId = result.deviceId;
        }
        await signIn(req, res, p.userId, true);
      });
    }),
  );

  mountAccountRoutes(router, tf, {
    ...options,
    now,
    cookieName,
    cookieOptions,
    userIdOf,
    state,
    verifyAnswer,
    signedInForSetup,
    completeSetup,
  });
  return router;
}
