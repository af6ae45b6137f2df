import { z } from 'zod';

const base64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');
const transports = z.array(z.string().max(32)).max(10);

/** What `navigator.credentials.create()` returns, as JSON (`@simplewebauthn/browser`'s `startRegistration`). */
export const registrationResponseSchema = z.object({
  id: base64url(1400).min(1),
  rawId: base64url(1400).min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(8192),
    attestationObject: base64url(65_536),
    transports: transports.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/** What `navigator.credentials.get()` returns, as JSON (`@simplewebauthn/browser`'s `startAuthentication`). */
export const assertionResponseSchema = z.object({
  id: base64url(1400).min(1),
  rawId: base64url(1400).min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(8192),
    authenticatorData: base64url(8192),
    signature: base64url(2048),
    userHandle: base64url(1024).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/** A registration response (validated at the edge). */
export type WebauthnRegistrationResponse = z.input<typeof registrationResponseSchema>;
/** An assertion response (validated at the edge). */
export type WebauthnAssertionResponse = z.input<typeof assertionResponseSchema>;

/** A credential a ceremony names: its id and how the browser may reach it. */
export interface WebauthnCredentialDescriptor {
  id: string;
  type: 'public-key';
  transports?: string[];
}

/** The options for `navigator.credentials.create()` (`startRegistration({ optionsJSON })`). */
export interface WebauthnCreationOptions {
  rp: { name: string; id?: string };
  user: { id: string; name: string; displayName: string };
  challenge: string;
  pubKeyCredParams: Array<{ alg: number; type: 'public-key' }>;
  timeout?: number;
  excludeCredentials?: WebauthnCredentialDescriptor[];
  authenticatorSelection?: {
    authenticatorAttachment?: string;
    requireResidentKey?: boolean;
    residentKey?: string;
    userVerification?: string;
  };
  attestation?: string;
  extensions?: Record<string, unknown>;
  hints?: string[];
}

/** The options for `navigator.credentials.get()` (`startAuthentication({ optionsJSON })`). */
export interface WebauthnRequestOptions {
  challenge: string;
  timeout: number;
  rpId: string;
  allowCredentials: WebauthnCredentialDescriptor[];
  userVerification: 'required' | 'preferred' | 'discouraged';
}

/** How the WebAuthn method asks for keys (facade option `webauthn`). */
/** What attestation a registration asks for (`WebauthnSettings.attestation`). */
export type AttestationConveyance = 'none' | 'direct' | 'enterprise';

/** The WebAuthn method's settings (`createTwoFactor({ webauthn })`). */
export interface WebauthnSettings {
  /**
   * `preferred` (default): the key asks for its PIN or biometric where it has one; `required`:
   * keys that cannot verify the user are refused; `discouraged`: presence (a touch) is enough.
   */
  userVerification: 'required' | 'preferred' | 'discouraged';
  /**
   * `none` (default): no attestation is asked for, and a response carrying certificates is refused.
   * `direct`/`enterprise`: a statement the authenticator sends is verified (its certificates'
   * revocation lists are fetched from the URLs they name), but an authenticator or browser may
   * still send none: the AAGUID a key lists is its own claim either way.
   */
  attestation: AttestationConveyance;
  /**
   * `discouraged` (default): a security key as a second factor; `preferred`/`required`: a
   * discoverable credential, a passkey, that can also sign in without a username elsewhere.
   */
  residentKey: 'discouraged' | 'preferred' | 'required';
}

/** The options schema of {@link WebauthnSettings} (all optional). */
export const webauthnSettingsSchema = z
  .object({
    userVerification: z.enum(['required', 'preferred', 'discouraged']).default('preferred'),
    attestation: z.enum(['none', 'direct', 'enterprise']).default('none'),
    residentKey: z.enum(['discouraged', 'preferred', 'required']).default('discouraged'),
  })
  .strict();
