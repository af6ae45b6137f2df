export { type Answer, type ErrorBody, TwoFactorClientError } from '../client/answer.js';
export { createTwoFactorClient, type TwoFactorClientOptions } from '../client/create-client.js';
export { endpointName } from '../client/endpoint-name.js';
export { endpoints, type TwoFactorClient } from '../client/endpoints.js';
export {
  type Authenticator,
  addSecurityKey,
  browserAuthenticator,
  signInWithSecurityKey,
  stepUpWithSecurityKey,
} from '../client/security-key.js';
