import { z } from 'zod';
import type { MessageData, MethodAnswer, MethodRoute, MethodRouteContext } from '../method-http.js';
import { done, errorBody, verified, verifyFailure } from '../route-bodies.js';
import type { WebauthnApi } from './webauthn-api.js';
import * as bodies from './webauthn-bodies.js';
import type { WebauthnRegistrationResponse } from './webauthn-json.js';
import type { WebauthnLogin } from './webauthn-options.js';

/** The adapter's `webauthn` option: the site registrations happen on. */
type Site = { rpId: string; rpName: string; origin: string };
type Context = MethodRouteContext<WebauthnApi, WebauthnLogin, Site>;

const notConfigured = (ctx: Context) => ctx.answers.refusal(404, 'not-found');
const keyId = z
  .string()
  .min(1)
  .max(1400)
  .regex(/^[A-Za-z0-9_-]+$/);
const unconfigured = {
  404: { description: 'security keys are not configured (option webauthn)', body: errorBody },
};
const notConfiguredAnswer = { description: 'security keys are not configured', body: errorBody };

/** A key change's answer: 200, or 404 `unknown-key`. */
const changed = (ctx: Context, result: { ok: boolean }): MethodAnswer =>
  result.ok ? ctx.answers.json(200, { ok: true }) : ctx.answers.refusal(404, 'unknown-key');

/** A refused key is worded as one ("The security key was not accepted."), not as a wrong code. */
function keyRefusalWording(answer: MethodAnswer): MethodAnswer {
  const body = answer.body as { reason?: unknown } | null;
  return body?.reason === 'invalid-code' ? { ...answer, messageCode: 'key-refused' } : answer;
}

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
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      const { response, label } = ctx.body as { response: unknown; label?: string };
      const result = await ctx.api.finishRegistration(ctx.userId, response as WebauthnRegistrationResponse, {
        label,
      });
      return keyRefusalWording(await ctx.confirmed(result));
    },
  },
  {
    method: 'GET',
    path: '/webauthn/keys',
    guard: 'signedIn',
    summary: "The user's security keys, oldest first",
    responses: { 200: { description: 'the keys', body: bodies.securityKeys } },
    handle: async (ctx) => ctx.answers.json(200, { keys: await ctx.api.list(ctx.userId) }),
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

/** A new ceremony for the open challenge (the login's, or the session's step-up). */
async function ceremonyOptions(ctx: Context): Promise<MethodAnswer> {
  if (!ctx.option) return notConfigured(ctx);
  if (ctx.challengeId === null) return ctx.answers.refusal(409, 'no-step-up');
  const result = await ctx.login.webauthnOptions(ctx.challengeId);
  return ctx.answers.json(result.ok ? 200 : 409, result);
}

/** A key's response on the open challenge: signed in, or a fresh second factor. */
async function keyProof(ctx: Context): Promise<MethodAnswer> {
  if (!ctx.option) return notConfigured(ctx);
  if (ctx.challengeId === null) return ctx.answers.refusal(409, 'no-step-up');
  const { response, rememberDevice } = ctx.body as { response: unknown; rememberDevice?: boolean };
  return keyRefusalWording(await ctx.verify({ method: 'webauthn', response }, { rememberDevice }));
}

/** Signing in, or stepping up, with a key. */
const proofRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/login/webauthn/options',
    guard: 'pending',
    summary: 'A security-key ceremony for the pending login: options for navigator.credentials.get()',
    responses: {
      200: { description: 'the request options (5 minutes)', body: bodies.webauthnRequest },
      404: notConfiguredAnswer,
      409: { description: 'no key registered, or the challenge ended', body: bodies.webauthnRequestFailure },
    },
    handle: ceremonyOptions,
  },
  {
    method: 'POST',
    path: '/login/webauthn',
    guard: 'pending',
    body: z.object({ response: z.unknown(), rememberDevice: z.boolean().optional() }),
    summary: "Verifies a security key's response; signs the session in as a code does",
    responses: {
      200: { description: 'signed in; Set-Cookie for the trusted browser when asked', body: verified },
      401: {
        description: 'the key was refused (attempts left), or the challenge ended',
        body: verifyFailure,
      },
      404: notConfiguredAnswer,
      429: { description: 'locked (Retry-After)', body: verifyFailure },
    },
    handle: keyProof,
  },
  {
    method: 'POST',
    path: '/step-up/webauthn/options',
    guard: 'signedIn',
    summary: 'A security-key ceremony for the open step-up: options for navigator.credentials.get()',
    responses: {
      200: { description: 'the request options (5 minutes)', body: bodies.webauthnRequest },
      404: notConfiguredAnswer,
      409: {
        description: 'no-step-up, no key, or the challenge ended',
        body: z.union([bodies.webauthnRequestFailure, errorBody]),
      },
    },
    handle: ceremonyOptions,
  },
  {
    method: 'POST',
    path: '/step-up/webauthn',
    guard: 'signedIn',
    body: z.object({ response: z.unknown() }),
    summary: "Verifies a security key's response for the step-up: the session has a fresh second factor",
    responses: {
      200: { description: 'a fresh second factor', body: verified },
      401: { description: 'the key was refused, or the challenge ended', body: verifyFailure },
      404: notConfiguredAnswer,
      409: { description: 'no-step-up: none was started', body: errorBody },
      429: { description: 'locked (Retry-After)', body: verifyFailure },
    },
    handle: keyProof,
  },
];

export const webauthnRoutes: MethodRoute<Context>[] = [...keyRoutes, ...proofRoutes];
