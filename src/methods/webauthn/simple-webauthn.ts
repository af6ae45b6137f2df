import * as server from '@simplewebauthn/server';
import * as helpers from '@simplewebauthn/server/helpers';
import { libraryOf, type WebauthnLibrary } from './webauthn-library.js';

/**
 * `@simplewebauthn/server`, for `createTwoFactor({ webauthn: { library: simpleWebauthn } })`. The only
 * module that imports the peer: it is reached through `factorkit/webauthn` alone, so an app that
 * never imports that subpath builds without the peer installed.
 *
 * @example
 * import { simpleWebauthn } from 'factorkit/webauthn';
 * const tf = createTwoFactor({ ..., webauthn: { library: simpleWebauthn, rpId: 'example.com', rpName: 'Example', origin: 'https://example.com' } });
 */
export const simpleWebauthn: WebauthnLibrary = libraryOf(server, helpers);
