import { ConfigError } from '../../core/errors.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { MethodContext } from '../context.js';
import { defineMethod } from '../method-module.js';
import type { Proof } from '../proof.js';
import { type UserRecords, userField } from '../user-records.js';
import { createWebauthnApi, createWebauthnInSession } from './webauthn-api.js';
import { assertionCeremony, keysOf, matchAssertion } from './webauthn-assertion.js';
import type { WebauthnContext } from './webauthn-context.js';
import {
  assertionResponseSchema,
  LIBRARY_HOW_TO,
  WEBAUTHN_OFF,
  type WebauthnSettings,
  webauthnSettingsSchema,
  webauthnSiteSchema,
} from './webauthn-json.js';
import { createWebauthnLogin } from './webauthn-options.js';
import { webauthnMessages, webauthnRoutes, webauthnStatusBody } from './webauthn-routes.js';

/**
 * Security keys and passkeys (WebAuthn), the phishing-resistant factor: a key signs the challenge
 * for this site's origin only. In `{tag}:user`: `webauthn` ('1' while the user has a key). The keys:
 * `{tag}:webauthn`, one field per credential; a registration in progress: `{tag}:webauthn-pending`.
 * A login challenge that offers it carries the ceremony's challenge. Option `webauthn` (facade):
 * user verification, attestation, resident keys; option `webauthn` (adapters): the site.
 */
export const webauthnModule = defineMethod({
  id: 'webauthn',
  role: 'factor',
  offered: true,
  phishingResistant: true,
  userFields: [userFields.webauthn],
  enabledField: userFields.webauthn,
  records: { webauthn: storeKeys.webauthn },
  keys: (userId: string) => [storeKeys.webauthn(userId), storeKeys.webauthnPending(userId)],
  pendingKeys: (userId: string) => [storeKeys.webauthnPending(userId)],
  options: {
    /** Security keys and passkeys: user verification, attestation, resident keys (see `WebauthnSettings`). */
    webauthn: webauthnSettingsSchema.optional(),
  },
  // Off (calls throw CONFIG) until the host passes the library: `createTwoFactor({ webauthn: { library } })`.
  services: (_ctx: MethodContext, options: { webauthn?: WebauthnSettings | undefined }) => ({
    webauthn: options.webauthn ?? WEBAUTHN_OFF,
  }),
  // Read at login only for a key's response.
  readsFor: (_ctx: MethodContext, proof: Proof) => 'method' in proof && proof.method === 'webauthn',
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, userFields.webauthn) !== undefined,
  response: assertionResponseSchema,
  matchResponse: matchAssertion,
  challenge: async (ctx: WebauthnContext, _userId: string, user: UserRecords, now: number) =>
    assertionCeremony(ctx, user, now),
  status: (_ctx: MethodContext, user: UserRecords) => ({
    /** Security keys and passkeys registered. */
    securityKeys: keysOf(user).length,
  }),
  api: { name: 'webauthn', create: createWebauthnApi, inSession: createWebauthnInSession },
  login: { create: createWebauthnLogin },
  events: [
    'webauthn.setup-started',
    'webauthn.registered',
    'webauthn.renamed',
    'webauthn.removed',
    'webauthn.disabled',
    'webauthn.counter-regressed',
  ],
  // Each key added or removed is told; the method going off with the last key only when 2FA goes too.
  notices: { name: 'a security key', added: ['webauthn.registered'], removed: ['webauthn.removed'] },
  http: {
    option: {
      name: 'webauthn',
      schema: webauthnSiteSchema,
      // The endpoints would exist and every registration throw: said once, at start-up.
      check(ctx: WebauthnContext) {
        if (ctx.webauthn.library === undefined) throw new ConfigError('webauthn', LIBRARY_HOW_TO);
      },
    },
    routes: webauthnRoutes,
    messages: webauthnMessages,
    status: webauthnStatusBody,
  },
});
