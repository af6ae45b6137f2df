import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type Proof, type UserRecords, userField } from '../method-module.js';
import { createWebauthnApi } from './webauthn-api.js';
import { assertionCeremony, keysOf, matchAssertion } from './webauthn-assertion.js';

/**
 * Security keys and passkeys (WebAuthn), the phishing-resistant factor: a key signs the challenge
 * for this site's origin only. In `{tag}:user`: `webauthn` ('1' while the user has a key). The keys:
 * `{tag}:webauthn`, one field per credential; a registration in progress: `{tag}:webauthn-pending`.
 * A login challenge that offers it carries the ceremony's challenge.
 */
export const webauthnModule = defineMethod({
  id: 'webauthn',
  role: 'factor',
  offered: true,
  // Bound to the site's origin: a look-alike page cannot relay it (policy `methods.phishingResistantFor`).
  phishingResistant: true,
  userFields: [userFields.webauthn],
  enabledField: userFields.webauthn,
  records: { webauthn: storeKeys.webauthn },
  // Read at login only for a key's response.
  readsFor: (_ctx: MethodContext, proof: Proof) => 'response' in proof,
  keys: (userId: string) => [storeKeys.webauthn(userId), storeKeys.webauthnPending(userId)],
  pendingKeys: (userId: string) => [storeKeys.webauthnPending(userId)],
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, userFields.webauthn) !== undefined,
  matchResponse: matchAssertion,
  challenge: async (ctx: MethodContext, _userId: string, user: UserRecords, now: number) =>
    assertionCeremony(ctx, user, now),
  status: (_ctx: MethodContext, user: UserRecords) => ({ securityKeys: keysOf(user).length }),
  api: { name: 'webauthn', create: createWebauthnApi },
});
