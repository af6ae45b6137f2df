import { z } from 'zod';
import { policySchema } from '../core/policy/policy-schema.js';

/** The bodies the routes answer with, as zod schemas: the OpenAPI document is generated from them. */

/** Every refusal: a stable code, a user-facing message, and the field at fault for bad input. */
export const errorBody = z.object({
  error: z.string().describe('stable code: not-signed-in, step-up-required, invalid-input, csrf, ...'),
  message: z.string().describe("a user-facing sentence from the message catalogue (the host's `messages`)"),
  field: z.string().optional().describe('for invalid-input: the field at fault'),
});

const message = z.string().describe('a user-facing sentence from the message catalogue');
const ok = z.object({ ok: z.literal(true) });

export const verifyFailure = z.union([
  z.object({ ok: z.literal(false), reason: z.literal('invalid-code'), attemptsLeft: z.number(), message }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('locked'),
    retryAt: z.number().describe('ms since the epoch; also sent as Retry-After (seconds)'),
    attemptsLeft: z.number(),
    message,
  }),
  z.object({
    ok: z.literal(false),
    reason: z
      .enum(['challenge-ended', 'expired', 'unknown-challenge', 'session-ended'])
      .describe('session-ended: a step-up met too many wrong codes; the session is signed out'),
    message,
  }),
]);

export const verified = z.object({ ok: z.literal(true), method: z.string() });

export const sendCodeResult = z.union([
  z.object({
    ok: z.literal(true),
    sentTo: z.string().describe('masked: a***@example.com'),
    expiresAt: z.number(),
  }),
  z.object({ ok: z.literal(false), reason: z.literal('cooldown'), retryAt: z.number(), message }),
  z.object({
    ok: z.literal(false),
    reason: z.enum(['no-email', 'challenge-ended', 'expired', 'unknown-challenge']),
    message,
  }),
]);

/** The refusals of a setup's confirmation (a code, or a security key's registration). */
const setupRefusals = [
  z.object({ ok: z.literal(false), reason: z.literal('invalid-code'), attemptsLeft: z.number(), message }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('locked'),
    retryAt: z.number(),
    attemptsLeft: z.number(),
    message,
  }),
  z.object({ ok: z.literal(false), reason: z.enum(['no-pending-setup', 'expired']), message }),
] as const;

export const setupResult = z.union([
  z.object({
    ok: z.literal(true),
    backupCodes: z.array(z.string()).optional().describe('the first method: 10 codes, shown once'),
  }),
  ...setupRefusals,
]);

export const pendingLogin = z.object({
  pending: z.literal(true),
  methods: z.array(z.string()),
  trustDays: z.number().nullable().describe('null under every-login'),
  locked: z
    .boolean()
    .describe('the login is locked now (after wrong codes): a code is refused until retryAt'),
  retryAt: z
    .number()
    .optional()
    .describe('while locked: ms since the epoch; also sent as Retry-After (seconds)'),
  attemptsLeft: z.number().optional().describe('while locked: the attempts the challenge has left'),
  message: z.string().optional().describe('while locked: "Please try again in five minutes."'),
});

export const status = z.object({
  enabled: z.boolean(),
  totp: z.boolean(),
  email: z.string().nullable().describe('masked'),
  securityKeys: z.number().describe('security keys and passkeys registered'),
  backupCodesRemaining: z.number(),
});

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

export const totpSetup = z.object({
  secret: z.string().describe('base32, for typing into the app'),
  uri: z.string().describe('otpauth://totp/...'),
  qrSvg: z.string().describe('an SVG QR code of the URI'),
  expiresAt: z.number(),
});

export const backupCodesView = z.object({
  total: z.number(),
  remaining: z.number(),
  codes: z.array(z.string()).nullable().describe('viewable storage and a fresh second factor only'),
  stepUpRequired: z.literal(true).optional().describe('the codes are hidden until a step-up'),
});

export const newBackupCodes = z.object({ codes: z.array(z.string()) });

export const devices = z.object({
  devices: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      createdAt: z.number(),
      lastUsedAt: z.number(),
      expiresAt: z.number(),
    }),
  ),
  current: z.string().nullable().describe("this browser's device id"),
});

export const revoked = z.object({ ok: z.boolean() });
export const done = ok;

export const stepUpStarted = z.object({ methods: z.array(z.string()), expiresAt: z.number() });

export const policy = policySchema;

export const adminCode = z.object({ code: z.string(), expiresAt: z.number() });
