import { z } from 'zod';
import type { MethodAnswer, MethodRoute, MethodRouteContext } from '../method-http.js';
import { errorBody, verified, verifyFailure } from '../route-bodies.js';
import type { WebauthnApi } from './webauthn-api.js';
import * as bodies from './webauthn-bodies.js';
import type { WebauthnLogin } from './webauthn-options.js';

type Site = { rpId: string; rpName: string; origin: string };
type Context = MethodRouteContext<WebauthnApi, WebauthnLogin, Site>;

/** 404 `not-found`: the adapter has no `webauthn` option (no site to register keys on). */
export const notConfigured = (ctx: Context) => ctx.answers.refusal(404, 'not-found');
const notConfiguredAnswer = { description: 'security keys are not configured', body: errorBody };

/** A refused key is worded as one ("The security key was not accepted."), not as a wrong code. */
export function keyRefusalWording(answer: MethodAnswer): MethodAnswer {
  const body = answer.body as { reason?: unknown } | null;
  return body?.reason === 'invalid-code' ? { ...answer, messageCode: 'key-refused' } : answer;
}

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
export const proofRoutes: MethodRoute<Context>[] = [
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
    checksSessionInCommit: true,
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
    checksSessionInCommit: true,
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
