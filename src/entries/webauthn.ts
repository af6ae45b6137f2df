// Security keys: the verifier library, for createTwoFactor({ webauthn: { library } }).
export { simpleWebauthn } from '../methods/webauthn/simple-webauthn.js';
export type { WebauthnLibrary } from '../methods/webauthn/webauthn-library.js';
