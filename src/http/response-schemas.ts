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
    reason: z.enum(['challenge-ended', 'expired', 'unknown-challenge']),
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

export const setupResult = z.union([
  z.object({
    ok: z.literal(true),
    backupCodes: z.array(z.string()).optional().describe('the first method: 10 codes, shown once'),
  }),
  z.object({ ok: z.literal(false), reason: z.literal('invalid-code'), attemptsLeft: z.number(), message }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('locked'),
    retryAt: z.number(),
    attemptsLeft: z.number(),
    message,
  }),
  z.object({ ok: z.literal(false), reason: z.enum(['no-pending-setup', 'expired']), message }),
]);

export const pendingLogin = z.object({
  pending: z.literal(true),
  methods: z.array(z.string()),
  trustDays: z.number().nullable().describe('null under every-login'),
});

export const status = z.object({
  enabled: z.boolean(),
  totp: z.boolean(),
  email: z.string().nullable().describe('masked'),
  backupCodesRemaining: z.number(),
});

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
