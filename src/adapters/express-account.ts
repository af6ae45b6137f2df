import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { TwoFactor } from '../create-two-factor.js';
import type { SetupResult } from '../facade/enable-method.js';
import type { VerifyResult } from '../facade/login.js';
import type { TwoFactorRouter, TwoFactorRouterOptions, TwoFactorSession } from './express.js';
import { codeBody, handle, parseBody, sendAnswer } from './express-http.js';

interface Shared extends TwoFactorRouterOptions {
  now: () => number;
  cookieName: string;
  cookieOptions: CookieOptions;
  userIdOf(req: Request): string | null;
  state(req: Request): TwoFactorSession;
  verifyAnswer(res: Response, result: VerifyResult, onOk: () => Promise<void>): Promise<void>;
  /** Signed in, including a session that must set up a method first. */
  signedInForSetup: RequestHandler;
  completeSetup(req: Request): void;
}

const methodBody = z.object({ method: z.enum(['totp', 'email']) });
const addressBody = z.object({ address: z.string().min(3).max(254) });
const codesBody = z.object({ codes: z.array(z.string().max(64)).min(1).max(20) });
const regenerateBody = z.object({ revokeDevices: z.boolean().optional() });
const policyBody = z.object({
  frequency: z
    .union([z.literal('every-login'), z.object({ trustDays: z.number().int().min(1).max(365) })])
    .optional(),
  required: z.boolean().optional(),
});

/** The routes of a signed-in user: settings, backup codes, browsers, step-up, policy and admin. */
export function mountAccountRoutes(router: TwoFactorRouter, tf: TwoFactor, o: Shared): void {
  const { requireSignedIn: signedIn, requireStepUp: stepUp } = router;
  const uid = (req: Request) => o.userIdOf(req) as string;
  /** The label the user knows the account by (authenticator app entry, download file). */
  const accountNameOf = async (req: Request) => (o.accountName ? o.accountName(uid(req), req) : uid(req));
  /**
   * Adding or replacing a method once 2FA is on (a new app, a new address) changes the second
   * factor: it needs a recent one, like turning a method off. The very first method needs none.
   */
  const stepUpMissing = async (req: Request, res: Response): Promise<boolean> => {
    if (!(await tf.status(uid(req))).enabled) return false;
    const policy = await tf.policy.get();
    if (o.now() - (o.state(req).secondFactorAt ?? 0) <= policy.stepUpMaxAgeMs) return false;
    res.status(403).json({ error: 'step-up-required' });
    return true;
  };

  router.get(
    '/status',
    o.signedInForSetup,
    handle(async (req, res) => void res.json(await tf.status(uid(req)))),
  );

  router.post(
    '/totp/setup',
    o.signedInForSetup,
    handle(async (req, res) => {
      if (await stepUpMissing(req, res)) return;
      const accountName = await accountNameOf(req);
      const setup = await tf.totp.beginSetup(uid(req), { accountName });
      res.json(setup);
    }),
  );
  router.post(
    '/totp/confirm',
    o.signedInForSetup,
    handle(async (req, res) => {
      const body = parseBody(codeBody, req, res);
      if (body) setupAnswer(req, res, await tf.totp.confirmSetup(uid(req), body.code), o);
    }),
  );
  router.post(
    '/email/setup',
    o.signedInForSetup,
    handle(async (req, res) => {
      const body = parseBody(addressBody, req, res);
      if (!body) return;
      if (await stepUpMissing(req, res)) return;
      sendAnswer(res, await tf.email.beginSetup(uid(req), body.address), o.now());
    }),
  );
  router.post(
    '/email/confirm',
    o.signedInForSetup,
    handle(async (req, res) => {
      const body = parseBody(codeBody, req, res);
      if (body) setupAnswer(req, res, await tf.email.confirmSetup(uid(req), body.code), o);
    }),
  );
  router.post(
    '/disable',
    signedIn,
    stepUp,
    handle(async (req, res) => {
      const body = parseBody(methodBody, req, res);
      if (!body) return;
      await tf.disable(uid(req), body.method);
      res.clearCookie(o.cookieName, o.cookieOptions);
      res.json({ ok: true });
    }),
  );

  router.get(
    '/backup-codes',
    o.signedInForSetup,
    handle(async (req, res) => void res.json(await tf.backupCodes.view(uid(req)))),
  );
  router.post(
    '/backup-codes/regenerate',
    signedIn,
    stepUp,
    handle(async (req, res) => {
      const body = parseBody(regenerateBody, req, res);
      if (!body) return;
      const codes = await tf.backupCodes.regenerate(uid(req), { revokeDevices: body.revokeDevices === true });
      if (body.revokeDevices) res.clearCookie(o.cookieName, o.cookieOptions);
      res.json({ codes });
    }),
  );
  router.post(
    '/backup-codes/download',
    o.signedInForSetup,
    handle(async (req, res) => {
      const body = parseBody(codesBody, req, res);
      if (!body) return;
      const accountName = await accountNameOf(req);
      res
        .attachment('backup-codes.txt')
        .type('text/plain')
        .send(tf.backupCodes.toText(body.codes, { accountName }));
    }),
  );

  router.get(
    '/devices',
    signedIn,
    handle(
      async (req, res) =>
        void res.json({ devices: await tf.devices.list(uid(req)), current: o.state(req).deviceId ?? null }),
    ),
  );
  router.delete(
    '/devices/:deviceId',
    signedIn,
    handle(async (req, res) => {
      const deviceId = String(req.params['deviceId']);
      const revoked = await tf.devices.revoke(uid(req), deviceId);
      if (deviceId === o.state(req).deviceId) res.clearCookie(o.cookieName, o.cookieOptions);
      res.status(revoked ? 200 : 404).json({ ok: revoked });
    }),
  );
  router.post(
    '/devices/revoke-all',
    signedIn,
    stepUp,
    handle(async (req, res) => {
      await tf.devices.revokeAll(uid(req));
      res.clearCookie(o.cookieName, o.cookieOptions);
      res.json({ ok: true });
    }),
  );

  // Step-up: a short code challenge for the signed-in user.
  router.post(
    '/step-up/start',
    signedIn,
    handle(async (req, res) => {
      const start = await tf.login.start(uid(req), { stepUp: true });
      if (start.status !== 'challenge') {
        res.status(409).json({ error: 'no-method', status: start.status });
        return;
      }
      o.state(req).stepUpChallengeId = start.challengeId;
      res.json({ methods: start.methods, expiresAt: start.expiresAt });
    }),
  );
  router.post(
    '/step-up/email',
    signedIn,
    handle(async (req, res) => {
      const id = o.state(req).stepUpChallengeId;
      if (!id) return void res.status(409).json({ error: 'no-step-up' });
      sendAnswer(res, await tf.login.sendEmailCode(id), o.now());
    }),
  );
  router.post(
    '/step-up/verify',
    signedIn,
    handle(async (req, res) => {
      const id = o.state(req).stepUpChallengeId;
      const body = parseBody(codeBody, req, res);
      if (!body) return;
      if (!id) return void res.status(409).json({ error: 'no-step-up' });
      const result = await tf.login.verify(id, body.code);
      await o.verifyAnswer(res, result, async () => {
        const s = o.state(req);
        delete s.stepUpChallengeId;
        s.secondFactorAt = o.now();
      });
    }),
  );

  router.get(
    '/policy',
    o.signedInForSetup,
    handle(async (_req, res) => void res.json(await tf.policy.get())),
  );
  router.put(
    '/policy',
    signedIn,
    handle(async (req, res) => {
      if (!(await o.canManagePolicy?.(req))) return void res.status(403).json({ error: 'not-authorized' });
      const body = parseBody(policyBody, req, res);
      if (!body) return;
      const input = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      res.json(await tf.policy.set(input));
    }),
  );

  const actorOf = async (req: Request, res: Response) => {
    const actor = await o.getActor?.(req);
    if (!actor) res.status(403).json({ error: 'not-authorized' });
    return actor ?? null;
  };
  router.post(
    '/admin/users/:userId/backup-code',
    signedIn,
    handle(async (req, res) => {
      const actor = await actorOf(req, res);
      if (actor) res.json(await tf.admin.issueBackupCode(actor, String(req.params['userId'])));
    }),
  );
  router.post(
    '/admin/users/:userId/reset',
    signedIn,
    handle(async (req, res) => {
      const actor = await actorOf(req, res);
      if (!actor) return;
      await tf.admin.reset(actor, String(req.params['userId']));
      res.json({ ok: true });
    }),
  );
}

function setupAnswer(req: Request, res: Response, result: SetupResult, o: Shared): void {
  if (result.ok) {
    o.completeSetup(req);
    return void res.json(result);
  }
  if (result.reason === 'locked' && result.retryAt) {
    res.set('Retry-After', String(Math.max(1, Math.ceil((result.retryAt - o.now()) / 1000))));
    return void res.status(429).json(result);
  }
  res.status(result.reason === 'invalid-code' ? 401 : 409).json(result);
}
