import type { WebauthnCreationOptions } from '../../../src/methods/webauthn/webauthn-json.js';
import type { SoftAuthenticator } from '../../helpers/soft-authenticator.js';
import type { TestClient } from './client.js';

/** Registers `key` for the user signed in on `client` over HTTP (the ceremony's options, then its response). */
export async function registerKey(
  client: TestClient,
  key: SoftAuthenticator,
  origin: string,
): Promise<Awaited<ReturnType<TestClient['call']>>> {
  const creation = (await client.call('POST', '/2fa/webauthn/register/options', {}))
    .json as unknown as WebauthnCreationOptions;
  return client.call('POST', '/2fa/webauthn/register', { response: key.create(creation, origin) });
}
