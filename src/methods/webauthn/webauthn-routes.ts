import { z } from 'zod';
import type { MessageData, MethodAnswer, MethodRoute, MethodRouteContext } from '../method-http.js';
import { done, errorBody } from '../route-bodies.js';
import type { WebauthnApi, WebauthnInSession } from './webauthn-api.js';
import * as bodies from './webauthn-bodies.js';
import type { WebauthnRegistrationResponse } from './webauthn-json.js';
import { keyRefusalWording, notConfigured, proofRoutes } from './webauthn-login-routes.js';
import type { WebauthnLogin } from './webauthn-options.js';

/** The adapter's `webauthn` option: the site registrations happen on. */
type Site = { rpId: string; rpName: string; origin: string };
type Context = MethodRouteContext<WebauthnApi, WebauthnLogin, Site, unknown, WebauthnInSession>;

const keyId = z
  .string()
  .min(1)
  .max(1400)
  .regex(/^[A-Za-z0-9_-]+$/);
const unconfigured = {
  404: { description: 'security keys are not configured (option webauthn)', body: errorBody },
};

/** A key change's answer: 200, or 404 `unknown-key`. */
const changed = (ctx: Context, result: { ok: boolean }): MethodAnswer =>
  result.ok ? ctx.answers.json(200, { ok: true }) : ctx.answers.refusal(404, 'unknown-key');

/** Its messages. */
export const webauthnMessages = {
  'key-refused': (d: MessageData) =>
    `The security key was not accepted. ${d.attemptsLeft} attempt${d.attemptsLeft === 1 ? '' : 's'} left.`,
  'unknown-key': 'This security key is not registered to your account.',
  'no-webauthn': 'No security key is registered for this account.',
  'too-many-keys': (d: MessageData) =>
    `You have ${d['maxKeys']} security keys, the most an account may have. Remove one to add another.`,
};

/** Its part of `GET /status`. */
export const webauthnStatusBody = {
  securityKeys: z.number().describe('security keys and passkeys registered'),
};

/** Security keys and passkeys: registration (a setup, like an app's) and the user's keys. */
const keyRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/webauthn/register/options',
    guard: 'setup',
    summary: 'Starts adding a security key: options for navigator.credentials.create() (5 minutes)',
    responses: {
      200: { description: 'the creation options', body: bodies.webauthnCreation },
      ...unconfigured,
    },
    async handle(ctx) {
      const site = ctx.option;
      if (!site) return notConfigured(ctx);
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      const userName = await ctx.accountName();
      const { rpId, rpName, origin } = site;
      const { options } = await ctx.api.beginRegistration(ctx.userId, { rpId, rpName, origin, userName });
      return ctx.answers.json(200, options);
    },
  },
  {
    method: 'POST',
    path: '/webauthn/register',
    guard: 'setup',
    // The session's check, the step-up rule and the session's change ride in the registration's commits.
    checksSessionInCommit: true,
    body: z.object({ response: z.unknown(), label: z.string().trim().min(1).max(64).optional() }),
    summary: "Verifies the browser's response and adds the key; the first method returns the backup codes",
    responses: {
      200: { description: 'added', body: bodies.registrationResult },
      401: { description: 'the key was refused', body: bodies.registrationResult },
      409: {
        description: 'nothing pending, it expired, or the user has the most keys allowed',
        body: bodies.registrationResult,
      },
      429: { description: 'locked (Retry-After)', body: bodies.registrationResult },
      ...unconfigured,
    },
    async handle(ctx) {
      if (!ctx.option) return notConfigured(ctx);
      const { response, label } = ctx.body as { response: unknown; label?: string };
      const registration = response as WebauthnRegistrationResponse;
      const answer = await ctx.confirmInSession((session) =>
        ctx.inSession.finishRegistration(ctx.userId, registration, { label }, session),
      );
      return keyRefusalWording(answer);
    },
  },
  {
    method: 'GET',
    path: '/webauthn/keys',
    guard: 'signedIn',
    summary: "The user's security keys, oldest first",
    responses: { 200: { description: 'the keys', body: bodies.securityKeys }, ...unconfigured },
    // Without the option a settings page offers no "Add a security key" that could never work.
    handle: async (ctx) =>
      ctx.option ? ctx.answers.json(200, { keys: await ctx.api.list(ctx.userId) }) : notConfigured(ctx),
  },
  {
    method: 'PUT',
    path: '/webauthn/keys/:keyId',
    guard: 'signedIn',
    body: z.object({ label: z.string().trim().min(1).max(64) }),
    summary: 'Renames a key',
    responses: {
      200: { description: 'renamed', body: done },
      404: { description: 'unknown-key', body: errorBody },
    },
    async handle(ctx) {
      const id = keyId.safeParse(ctx.params['keyId']);
      if (!id.success) return ctx.answers.refusal(404, 'unknown-key');
      const { label } = ctx.body as { label: string };
      return changed(ctx, await ctx.api.rename(ctx.userId, id.data, label));
    },
  },
  {
    method: 'DELETE',
    path: '/webauthn/keys/:keyId',
    guard: 'stepUp',
    summary: "Removes a key; the last one turns the method off (and ends the user's other sessions)",
    responses: {
      200: { description: 'removed', body: done },
      404: { description: 'unknown-key', body: errorBody },
    },
    async handle(ctx) {
      const id = keyId.safeParse(ctx.params['keyId']);
      if (!id.success) return ctx.answers.refusal(404, 'unknown-key');
      const result = await ctx.api.remove(ctx.userId, id.data);
      // The last key ends the user's sessions: this one stays.
      if (result.ok) await ctx.keepSession();
      return changed(ctx, result);
    },
  },
];

export const webauthnRoutes: MethodRoute<Context>[] = [...keyRoutes, ...proofRoutes];
