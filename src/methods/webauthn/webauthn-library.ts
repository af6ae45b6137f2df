import { FactorkitError } from '../../core/errors.js';

/** `@simplewebauthn/server`, the optional peer dependency the WebAuthn method verifies with. */
export type WebauthnLibrary = typeof import('@simplewebauthn/server');

let loading: Promise<WebauthnLibrary> | null = null;

/**
 * Loads `@simplewebauthn/server` on first use, so an app that never registers a security key never
 * loads it (nor needs it installed).
 * @throws {FactorkitError} `CONFIG` when it is not installed.
 */
export function webauthnLibrary(): Promise<WebauthnLibrary> {
  loading ??= import('@simplewebauthn/server').catch((cause: unknown) => {
    loading = null;
    throw new FactorkitError(
      'CONFIG',
      '[webauthn] security keys need the optional peer dependency @simplewebauthn/server: npm install @simplewebauthn/server',
      { cause },
    );
  });
  return loading;
}
