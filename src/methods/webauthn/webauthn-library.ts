import type * as SimpleWebauthnServer from '@simplewebauthn/server';
import type * as SimpleWebauthnHelpers from '@simplewebauthn/server/helpers';
import { ConfigError } from '../../core/errors.js';

/**
 * What security keys verify with: `simpleWebauthn` from `factorkit/webauthn`, which carries
 * `@simplewebauthn/server` (an optional peer dependency). The host hands it to
 * `createTwoFactor({ webauthn: { library } })`, so the main entry never names the peer: a bundler
 * building an app without security keys never looks for it. Its fields are factorkit's business.
 */
export interface WebauthnLibrary {
  readonly server: unknown;
  readonly helpers: unknown;
}

/** The modules behind a {@link WebauthnLibrary}, typed. */
export interface WebauthnModules {
  server: typeof SimpleWebauthnServer;
  helpers: typeof SimpleWebauthnHelpers;
}

/** How to turn security keys on, for every message that says they are off. */
export const LIBRARY_HOW_TO =
  "security keys need the optional peer dependency @simplewebauthn/server: npm install @simplewebauthn/server, then import { simpleWebauthn } from 'factorkit/webauthn' and pass createTwoFactor({ webauthn: { library: simpleWebauthn } })";

/** Whether `value` is a {@link WebauthnLibrary} carrying the functions factorkit calls. */
export function isWebauthnLibrary(value: unknown): value is WebauthnLibrary {
  if (typeof value !== 'object' || value === null) return false;
  const { server, helpers } = value as Partial<WebauthnModules>;
  return (
    typeof server?.generateRegistrationOptions === 'function' &&
    typeof server.verifyRegistrationResponse === 'function' &&
    typeof server.verifyAuthenticationResponse === 'function' &&
    typeof helpers?.decodeAttestationObject === 'function' &&
    typeof helpers.isoBase64URL?.toBuffer === 'function'
  );
}

/**
 * The library the facade was given (`webauthn.library`).
 * @throws {FactorkitError} `CONFIG` when none was: security keys are off.
 */
export function webauthnLibrary(settings: { library?: WebauthnLibrary | undefined }): WebauthnModules {
  const { library } = settings;
  if (!isWebauthnLibrary(library)) throw new ConfigError('options.webauthn.library', LIBRARY_HOW_TO);
  return library as WebauthnModules;
}

/**
 * Builds the {@link WebauthnLibrary} from `@simplewebauthn/server` and its helpers; `factorkit/webauthn`
 * is the one caller, with the modules it imports.
 */
export function libraryOf(
  server: WebauthnModules['server'],
  helpers: WebauthnModules['helpers'],
): WebauthnLibrary {
  return Object.freeze({ server, helpers });
}
