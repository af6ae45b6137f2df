import { z } from 'zod';
import type { WebauthnRegistrationResponse } from '../../methods/webauthn/webauthn-json.js';
import { json, keyRefusalWording, refusal } from '../answers.js';
import * as bodies from '../response-schemas.js';
import type { SessionState } from '../session.js';
import { keepSession } from '../session-flow.js';
import type { HttpAnswer, Route, RouteContext } from '../types.js';
import { accountNameOf, confirmed, stepUpMissing } from './methods.js';

const bound = (ctx: RouteContext) => ctx.state as Exclude<SessionState, { stage: 'pending' }>;
const notConfigured = () => refusal(404, 'not-found');
const keyId = z
  .string()
  .min(1)
  .max(1400)
  .regex(/^[A-Za-z0-9_-]+$/);
const unconfigured = {
  404: { description: 'security keys are not configured (option webauthn)', body: bodies.errorBody },
};

/** A key change's answer: 200, or 404 `unknown-key`. */
const changed = (result: { ok: boolean }): HttpAnswer =>
  result.ok ? json(200, { ok: true }) : refusal(404, 'unknown-key');

/** Security keys and passkeys: registration (a setup, like an app's) and the user's keys. */
export const webauthnRoutes: Route[] = [
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
      const site = ctx.options.webauthn;
      if (!site) return notConfigured();
      const missing = await stepUpMissing(ctx);
      if (missing) return missing;
      const userName = await accountNameOf(ctx);
      const { rpId, rpName, origin } = site;
      const { options } = await ctx.tf.webauthn.beginRegistration(bound(ctx).userId, {
        rpId,
        rpName,
        origin,
        userName,
      });
      return json(200, options);
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
      if (!ctx.options.webauthn) return notConfigured();
      const missing = await stepUpMissing(ctx);
      if (missing) return missing;
      const { response, label } = ctx.body as { response: unknown; label?: string };
      const result = await ctx.tf.webauthn.finishRegistration(
        bound(ctx).userId,
        response as WebauthnRegistrationResponse,
        { label },
      );
      return keyRefusalWording(await confirmed(ctx, result));
    },
  },
  {
    method: 'GET',
    path: '/webauthn/keys',
    guard: 'signedIn',
    summary: "The user's security keys, oldest first",
    responses: { 200: { description: 'the keys', body: bodies.securityKeys } },
    handle: async (ctx) => json(200, { keys: await ctx.tf.webauthn.list(bound(ctx).userId) }),
  },
  {
    method: 'PUT',
    path: '/webauthn/keys/:keyId',
    guard: 'signedIn',
    body: z.object({ label: z.string().trim().min(1).max(64) }),
    summary: 'Renames a key',
    responses: {
      200: { description: 'renamed', body: bodies.done },
      404: { description: 'unknown-key', body: bodies.errorBody },
    },
    async handle(ctx) {
      const id = keyId.safeParse(ctx.req.params['keyId']);
      if (!id.success) return refusal(404, 'unknown-key');
      const { label } = ctx.body as { label: string };
      return changed(await ctx.tf.webauthn.rename(bound(ctx).userId, id.data, label));
    },
  },
  {
    method: 'DELETE',
    path: '/webauthn/keys/:keyId',
    guard: 'stepUp',
    summary: "Removes a key; the last one turns the method off (and ends the user's other sessions)",
    responses: {
      200: { description: 'removed', body: bodies.done },
      404: { description: 'unknown-key', body: bodies.errorBody },
    },
    async handle(ctx) {
      const id = keyId.safeParse(ctx.req.params['keyId']);
      if (!id.success) return refusal(404, 'unknown-key');
      const result = await ctx.tf.webauthn.remove(bound(ctx).userId, id.data);
      // The last key ends the user's sessions: this one stays.
      if (result.ok) await keepSession(ctx.tf, bound(ctx));
      return changed(result);
    },
  },
];
