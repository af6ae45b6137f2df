import { z } from 'zod';
import { storableText } from '../../core/validation.js';
import { isWebauthnLibrary, LIBRARY_HOW_TO, type WebauthnLibrary } from './webauthn-library.js';

export { LIBRARY_HOW_TO };

const base64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');
/** Stored with the key as listed (unknown ones too), so storable text. */
const transports = z.array(storableText().max(32)).max(10);
/**
 * The client's extension outputs: an object, passed to the verifier as is. Typed `object` so that
 * `@simplewebauthn/browser`'s `AuthenticationExtensionsClientOutputs` (an interface) is accepted.
 */
const clientExtensionResults = z
  .custom<object>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    message: 'must be an object',
  })
  .default({});

/** A `PublicKeyCredential` as JSON around its ceremony's `response`: the fields both ceremonies share. */
const publicKeyCredential = <R extends z.ZodRawShape>(response: R) =>
  z.object({
    id: base64url(1400).min(1),
    rawId: base64url(1400).min(1),
    type: z.literal('public-key'),
    response: z.object({ clientDataJSON: base64url(8192), ...response }),
    clientExtensionResults,
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  });

/** What `navigator.credentials.create()` returns, as JSON (`@simplewebauthn/browser`'s `startRegistration`). */
export const registrationResponseSchema = publicKeyCredential({
  attestationObject: base64url(65_536),
  transports: transports.optional(),
});

/** What `navigator.credentials.get()` returns, as JSON (`@simplewebauthn/browser`'s `startAuthentication`). */
export const assertionResponseSchema = publicKeyCredential({
  authenticatorData: base64url(8192),
  signature: base64url(2048),
  userHandle: base64url(1024).optional(),
});

/** A registration response (validated at the edge). */
export type WebauthnRegistrationResponse = z.input<typeof registrationResponseSchema>;
/** An assertion response (validated at the edge). */
export type WebauthnAssertionResponse = z.input<typeof assertionResponseSchema>;

/** How a browser may reach an authenticator (WebAuthn's `AuthenticatorTransport`, as `@simplewebauthn` names them). */
export type WebauthnTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

const TRANSPORTS: ReadonlySet<string> = new Set<WebauthnTransport>([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

/** The transports a browser listed that WebAuthn names (others are ignored by browsers anyway). */
export const knownTransports = (listed: readonly string[]): WebauthnTransport[] =>
  listed.filter((transport): transport is WebauthnTransport => TRANSPORTS.has(transport));

/** A credential a ceremony names: its id and how the browser may reach it. */
export interface WebauthnCredentialDescriptor {
  id: string;
  type: 'public-key';
  transports?: WebauthnTransport[];
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
    authenticatorAttachment?: 'platform' | 'cross-platform';
    requireResidentKey?: boolean;
    residentKey?: 'discouraged' | 'preferred' | 'required';
    userVerification?: 'required' | 'preferred' | 'discouraged';
  };
  attestation?: 'none' | 'indirect' | 'direct' | 'enterprise';
  extensions?: { credProps?: boolean };
  hints?: Array<'hybrid' | 'security-key' | 'client-device'>;
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
  /**
   * The site registrations happen on, for `beginRegistration` calls that do not name it: the
   * relying party id (`example.com`), its name as the browser shows it, and the page's origin
   * (`https://app.example.com`).
   */
  rpId?: string | undefined;
  rpName?: string | undefined;
  origin?: string | undefined;
  /**
   * The verifier: `simpleWebauthn` from `factorkit/webauthn` (it carries the optional peer
   * `@simplewebauthn/server`). Without it security keys are off and their calls throw `CONFIG`.
   */
  library?: WebauthnLibrary | undefined;
}

/** A relying party id: the site's domain or a parent of it. */
export const rpIdSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9.-]+$/, 'must be a lowercase domain');
/** The relying party's name, shown by the browser and the authenticator. */
export const rpNameSchema = storableText({ trim: true }).min(1).max(100);
/** A page origin: https (or http://localhost), nothing after the port. */
export const originSchema = z
  .string()
  .max(300)
  .refine((origin) => {
    try {
      const url = new URL(origin);
      const local = url.hostname === 'localhost' && url.protocol === 'http:';
      return url.origin === origin && (url.protocol === 'https:' || local);
    } catch {
      return false;
    }
  }, 'must be an https origin (or http://localhost)');

/** Whether a page at `origin` may use the relying party id `rpId` (its host is rpId or under it). */
export function originOnSite(origin: string, rpId: string): boolean {
  const { hostname } = new URL(origin);
  return hostname === rpId || hostname.endsWith(`.${rpId}`);
}

/**
 * A whole site (the HTTP layer's `webauthn` option): all three parts, the origin on the relying
 * party. Other fields are ignored, so one object can serve the facade's option and the adapter's.
 */
export const webauthnSiteSchema = z
  .object({ rpId: rpIdSchema, rpName: rpNameSchema, origin: originSchema })
  .refine(({ rpId, origin }) => originOnSite(origin, rpId), {
    message: 'origin must be on rpId or a subdomain of it',
    path: ['origin'],
  });

/** The options schema of {@link WebauthnSettings} (all optional). */
export const webauthnSettingsSchema = z
  .object({
    userVerification: z.enum(['required', 'preferred', 'discouraged']).default('preferred'),
    attestation: z.enum(['none', 'direct', 'enterprise']).default('none'),
    residentKey: z.enum(['discouraged', 'preferred', 'required']).default('discouraged'),
    rpId: rpIdSchema.optional(),
    rpName: rpNameSchema.optional(),
    origin: originSchema.optional(),
    library: z.custom<WebauthnLibrary>(isWebauthnLibrary, { message: LIBRARY_HOW_TO }).optional(),
  })
  .strict()
  .refine(({ rpId, origin }) => rpId === undefined || origin === undefined || originOnSite(origin, rpId), {
    message: 'origin must be on rpId or a subdomain of it',
    path: ['origin'],
  })
  // Required when the option is given (an app that sets it means to offer keys), so `CONFIG` comes
  // at construction, not at the first registration.
  .refine(({ library }) => library !== undefined, { message: LIBRARY_HOW_TO, path: ['library'] });

/** The settings when the facade has no `webauthn` option: security keys off. */
export const WEBAUTHN_OFF: WebauthnSettings = Object.freeze({
  userVerification: 'preferred',
  attestation: 'none',
  residentKey: 'discouraged',
});
