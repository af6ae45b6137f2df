import { z } from 'zod';
import { message, setupRefusals } from '../route-bodies.js';

/** The bodies of the security-key routes (the OpenAPI document is generated from them). */

const credentialDescriptor = z.object({
  id: z.string(),
  type: z.literal('public-key'),
  transports: z.array(z.string()).optional(),
});

export const webauthnRequest = z.object({
  ok: z.literal(true),
  options: z
    .object({
      challenge: z.string(),
      timeout: z.number(),
      rpId: z.string(),
      allowCredentials: z.array(credentialDescriptor),
      userVerification: z.enum(['required', 'preferred', 'discouraged']),
    })
    .describe(
      "for navigator.credentials.get(): @simplewebauthn/browser's startAuthentication({ optionsJSON })",
    ),
});

export const webauthnRequestFailure = z.object({
  ok: z.literal(false),
  reason: z.enum(['no-webauthn', 'challenge-ended', 'expired', 'unknown-challenge']),
  message,
});

export const webauthnCreation = z
  .object({
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    challenge: z.string(),
    pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.literal('public-key') })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(credentialDescriptor).optional(),
    authenticatorSelection: z.record(z.string(), z.unknown()).optional(),
    attestation: z.string().optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
    hints: z.array(z.string()).optional(),
  })
  .describe(
    "for navigator.credentials.create(): @simplewebauthn/browser's startRegistration({ optionsJSON })",
  );

const securityKey = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  transports: z.array(z.string()),
  aaguid: z.string(),
  backupEligible: z.boolean().describe('a passkey that syncs between devices'),
  backedUp: z.boolean(),
});

export const securityKeys = z.object({ keys: z.array(securityKey) });

export const registrationResult = z.union([
  z.object({
    ok: z.literal(true),
    key: securityKey,
    backupCodes: z.array(z.string()).optional().describe('the first method: 10 codes, shown once'),
  }),
  ...setupRefusals,
  z.object({ ok: z.literal(false), reason: z.literal('too-many-keys'), maxKeys: z.number(), message }),
]);
