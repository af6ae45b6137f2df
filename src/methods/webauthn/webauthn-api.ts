import type { SessionSetupResult } from '../setup-attempt.js';
import type { SetupSession } from '../setup-session.js';
import type { WebauthnContext } from './webauthn-context.js';
import type { SecurityKey } from './webauthn-credentials.js';
import type { WebauthnRegistrationResponse } from './webauthn-json.js';
import { type KeyChangeResult, listKeys, removeKey, renameKey } from './webauthn-keys.js';
import {
  beginRegistration,
  finishRegistration,
  type RegistrationResult,
  type RegistrationSite,
  type RegistrationStart,
} from './webauthn-registration.js';

/** The security-key part of the facade (`tf.webauthn`). */
export interface WebauthnApi {
  /**
   * Starts adding a key: the options for `navigator.credentials.create()` (5 minutes, single use).
   * The site defaults to `createTwoFactor({ webauthn: { rpId, rpName, origin } })`.
   */
  beginRegistration(userId: string, site: RegistrationSite): Promise<RegistrationStart>;
  /**
   * Verifies the browser's response and stores the key (labelled "Security key" unless named);
   * the first factor also brings backup codes.
   */
  finishRegistration(
    userId: string,
    response: WebauthnRegistrationResponse,
    options?: { label?: string | undefined },
  ): Promise<RegistrationResult>;
  /** The user's keys, oldest first. */
  list(userId: string): Promise<SecurityKey[]>;
  rename(userId: string, id: string, label: string): Promise<KeyChangeResult>;
  /** Removes a key (ask for step-up first); the last one turns the method off. */
  remove(userId: string, id: string): Promise<KeyChangeResult>;
}

export function createWebauthnApi(ctx: WebauthnContext): WebauthnApi {
  return {
    beginRegistration: (userId, site) => beginRegistration(ctx, userId, site),
    finishRegistration: (userId, response, options) =>
      finishRegistration(ctx, userId, response, options) as Promise<RegistrationResult>,
    list: (userId) => listKeys(ctx, userId),
    rename: (userId, id, label) => renameKey(ctx, userId, id, label),
    remove: (userId, id) => removeKey(ctx, userId, id),
  };
}

/** Security keys' calls bound to the session they come from (the HTTP layer's): `api.inSession`. */
export interface WebauthnInSession {
  finishRegistration(
    userId: string,
    response: WebauthnRegistrationResponse,
    options: { label?: string | undefined },
    session: SetupSession,
  ): Promise<SessionSetupResult<RegistrationResult>>;
}

export function createWebauthnInSession(ctx: WebauthnContext): WebauthnInSession {
  return {
    finishRegistration: (userId, response, options, session) =>
      finishRegistration(ctx, userId, response, options, session),
  };
}
