import type { TwoFactorClient } from './endpoints.js';

/**
 * What asks the authenticator: the options as the endpoints send them (JSON, base64url), the
 * credential back as JSON. The default is the browser's `navigator.credentials`;
 * `@simplewebauthn/browser` fits as `{ get: (o) => startAuthentication({ optionsJSON: o }),
 * create: (o) => startRegistration({ optionsJSON: o }) }`, and a test may pass its own.
 */
export interface Authenticator {
  get(options: Record<string, unknown>): Promise<unknown>;
  create(options: Record<string, unknown>): Promise<unknown>;
}

type Descriptor = { id: string };
const bytes = (text: string) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64 + '='.repeat(-base64.length & 3)), (c) => c.charCodeAt(0));
};
const text = (buffer: ArrayBuffer | null | undefined) =>
  buffer
    ? btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/[+/=]/g, (c) => SAFE[c]!)
    : undefined;
const SAFE: Record<string, string> = { '+': '-', '/': '_', '=': '' };
const descriptors = (list: unknown) =>
  (list as Descriptor[] | undefined)?.map((d) => ({ ...d, id: bytes(d.id) }));

/** A `PublicKeyCredential` as the JSON the endpoints read (what `credential.toJSON()` gives). */
function credentialJson(credential: Credential | null): unknown {
  const key = credential as PublicKeyCredential | null;
  if (!key) throw new DOMException('No credential was returned', 'NotAllowedError');
  const r = key.response as AuthenticatorAttestationResponse & AuthenticatorAssertionResponse;
  const response = r.attestationObject
    ? { attestationObject: text(r.attestationObject), transports: r.getTransports?.() ?? [] }
    : {
        authenticatorData: text(r.authenticatorData),
        signature: text(r.signature),
        userHandle: text(r.userHandle),
      };
  return {
    id: key.id,
    rawId: text(key.rawId),
    type: key.type,
    response: { clientDataJSON: text(r.clientDataJSON), ...response },
    clientExtensionResults: key.getClientExtensionResults(),
    authenticatorAttachment: key.authenticatorAttachment ?? undefined,
  };
}

/** The browser's own WebAuthn API, options and credentials converted to and from JSON. */
export const browserAuthenticator: Authenticator = {
  async get(o) {
    const publicKey = {
      ...o,
      challenge: bytes(o['challenge'] as string),
      allowCredentials: descriptors(o['allowCredentials']),
    };
    return credentialJson(
      await navigator.credentials.get({ publicKey } as unknown as CredentialRequestOptions),
    );
  },
  async create(o) {
    const user = o['user'] as { id: string };
    const publicKey = {
      ...o,
      challenge: bytes(o['challenge'] as string),
      user: { ...user, id: bytes(user.id) },
      excludeCredentials: descriptors(o['excludeCredentials']),
    };
    return credentialJson(
      await navigator.credentials.create({ publicKey } as unknown as CredentialCreationOptions),
    );
  },
};

/**
 * "Use a security key" on the code page: options, the browser's prompt, the proof; signs in as a
 * code does. The authenticator's refusal (the user cancelled: `NotAllowedError`) is thrown.
 */
export async function signInWithSecurityKey(
  client: TwoFactorClient,
  options: { rememberDevice?: boolean; authenticator?: Authenticator } = {},
) {
  const started = await client.login.webauthn.options();
  if (started.status !== 200) return started;
  const response = await (options.authenticator ?? browserAuthenticator).get(started.body.options);
  return client.login.webauthn({ response, rememberDevice: options.rememberDevice === true });
}

/** A step-up with a security key (after `client.stepUp.start()`): a fresh second factor. */
export async function stepUpWithSecurityKey(
  client: TwoFactorClient,
  options: { authenticator?: Authenticator } = {},
) {
  const started = await client.stepUp.webauthn.options();
  if (started.status !== 200) return started;
  const response = await (options.authenticator ?? browserAuthenticator).get(started.body.options);
  return client.stepUp.webauthn({ response });
}

/** "Add a security key": creation options, the browser's prompt, the registration. */
export async function addSecurityKey(
  client: TwoFactorClient,
  options: { label?: string; authenticator?: Authenticator } = {},
) {
  const started = await client.webauthn.register.options();
  if (started.status !== 200) return started;
  const response = await (options.authenticator ?? browserAuthenticator).create(started.body);
  return client.webauthn.register(options.label ? { response, label: options.label } : { response });
}
